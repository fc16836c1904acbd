/**
 * Steering toward a worker count: start the shortfall at once, or drain the
 * surplus by the policy's rules. Every target policy ends here, so the
 * decision reads the same whoever computed the target.
 */
import { noAction, type Decision } from '../decision';
import { byHourBoundary, byLeastLoad, drainWorkers, protectedVerdicts, startWorkers, type DrainRules, type Fleet } from './fleet';
import type { DrainOptions, PolicyDecision, PolicyInput, PolicyMemory } from './types';

export interface SteerOptions {
  drain: Omit<DrainRules, 'rank'> & { rank?: DrainRules['rank'] };
  /** Passed to the drain workflow for each chosen worker (default: wait for the billing window). */
  drainOptions?: DrainOptions;
  maxStart?: number;
  memory?: PolicyMemory;
  /** Surplus is known but draining is held back (a cool-down): say why instead of draining. */
  holdDrain?: string;
}

export function steerTo(
  input: PolicyInput,
  fleet: Fleet,
  target: { workers: number; detail: string },
  policy: string,
  options: SteerOptions,
): PolicyDecision {
  const floor = input.scaleDown.minWorkers;
  const wanted = Math.max(target.workers, floor);
  const current = fleet.inService.length + fleet.starting.length;
  const summary = `target ${wanted} worker(s) (${target.detail}${wanted > target.workers ? `; floor ${floor}` : ''}); ${fleet.inService.length} in service, ${fleet.starting.length} starting, ${fleet.draining.size} draining`;
  const base = {
    policy,
    target: { workers: wanted, current, detail: target.detail },
    ...(options.memory ? { memory: options.memory } : {}),
  };
  const finish = (d: Decision, drain?: DrainOptions): PolicyDecision => ({
    ...d,
    ...base,
    ...(drain ? { drain } : {}),
    command: 'auto',
    reasons: [summary, ...d.reasons],
  });
  if (wanted > current) {
    const n = Math.min(wanted - current, options.maxStart ?? Number.MAX_SAFE_INTEGER);
    const up = startWorkers(input, n, `${wanted - current} short of the target`);
    return finish(up);
  }
  if (wanted < current) {
    if (options.holdDrain) return finish(noAction('auto', 'HoldingDrain', options.holdDrain, { rejected: protectedVerdicts(input) }));
    const rank = options.drain.rank ?? (input.scaleDown.billing === 'hourly' ? byHourBoundary(fleet) : byLeastLoad(fleet));
    const down = drainWorkers(input, fleet, current - wanted, floor, { ...options.drain, rank }, `${current - wanted} above the target`);
    return finish(down, down.action === 'stop' ? options.drainOptions : undefined);
  }
  return finish(noAction('auto', 'AtTarget', 'at the target: nothing to do', { rejected: protectedVerdicts(input) }));
}
