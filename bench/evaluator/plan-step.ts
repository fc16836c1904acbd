/**
 * The autoscale cycle's Plan step as deployed, with the policy's memory kept
 * the way the deployment keeps it: a JSON value, written with each cycle's
 * output and read back by the next cycle. A warm Lambda container keeps it in
 * the process; a cold start restores it from the previous cycle's recorded
 * output (`durable`), or starts without it (`lost`, how a cold start behaved
 * before memory became durable). Otherwise the same steps as
 * activities/plan-cycle.ts: observe, the running boots and drains, the votes
 * (the original policy only), the pause, `decidePolicy`, and one action per
 * chosen worker (the cross-check holds the two to the same figures).
 */
import { decisionRecord } from '../../core/decision';
import { decidePolicy, needsVotes, scheduleWindow, type PolicyMemory } from '../../core/policies';
import type { AutoscaleConfig } from '../../core/autoscale-config';
import { observeSchedule } from '../../scaler/observe';
import { collectVotes } from '../../scaler/scale';
import type { ActivityDeps } from '../../activities/support/deps';
import { pauseFromLastBoot, strandedWorkers, type CyclePlan, type PlannedAction } from '../../activities/plan-cycle';
import { workersActedOn } from '../../activities/support/acting-on';
import { cycleFigures } from '../../core/cycle-figures';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW, stamp, workerExecutionName } from '../../core/execution-names';
import { observe } from '../../activities/support/observe';
import { recordMemory } from '../../activities/support/policy-memory';
import type { JsonValue } from '../../engine/types';
import type { Random } from '../../sim/model/prng';

export type MemoryMode = 'durable' | 'lost';

export interface LambdaLifecycle {
  /** Share of cycles that run in a fresh container (0: always warm). */
  coldStartRate: number;
  /** What a cold start finds: the previous cycle's recorded memory, or nothing. */
  memory: MemoryMode;
  rng: Random;
}

export interface PlanStepStats {
  cycles: number;
  coldStarts: number;
  /** Largest memory JSON seen, bytes (it rides in the execution history: 256 KB per state). */
  maxMemoryBytes: number;
}

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function createPlanStep(deps: ActivityDeps, config: AutoscaleConfig, lifecycle: LambdaLifecycle, stats: PlanStepStats): (event: JsonValue) => Promise<JsonValue> {
  /** The warm container's copy (JSON text, so nothing but JSON survives a cycle). */
  let warm: string | undefined;
  /** The previous cycle's recorded output: what a cold start reads back. */
  let recorded: string | undefined;
  return async (event) => {
    stats.cycles += 1;
    const cold = lifecycle.coldStartRate > 0 && lifecycle.rng() < lifecycle.coldStartRate;
    if (cold) {
      stats.coldStarts += 1;
      warm = lifecycle.memory === 'durable' ? recorded : undefined;
    }
    const memory = warm === undefined ? undefined : (JSON.parse(warm) as PolicyMemory);
    const everySeconds = typeof (event as { everySeconds?: unknown })?.everySeconds === 'number' ? (event as { everySeconds: number }).everySeconds : 60;
    const minWorkers = deps.settings.minWorkers;
    const now = deps.now();
    const [observation, lastBoots, runningBoots, drains] = await Promise.all([
      observe(deps),
      deps.executions.list({ workflow: BOOT_WORKFLOW, maxResults: 1 }),
      deps.executions.list({ workflow: BOOT_WORKFLOW, status: 'RUNNING' }),
      deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' }),
    ]);
    const { view } = observation;
    const window = scheduleWindow(config.policy);
    const schedule = window ? await observeSchedule(observation, now, window) : undefined;
    const hostnames = view.workers.map((w) => w.hostname);
    const actedOn = async (running: typeof drains) => (await workersActedOn(deps.executions, running, hostnames)).filter((h): h is string => h !== undefined);
    const [draining, booting] = await Promise.all([actedOn(drains), actedOn(runningBoots)]);
    const lastBootAt = lastBoots[0]?.startedAt;
    const votes = needsVotes(config.policy)
      ? await collectVotes({ metrics: deps.metrics, now: deps.now, settings: deps.settings, logger: quietLogger }, config, observation)
      : [];
    const decision = decidePolicy({
      view,
      ...(observation.jobs ? { jobs: observation.jobs } : {}),
      config,
      votes,
      pause: pauseFromLastBoot(lastBootAt, now, config.pause_cycles, everySeconds),
      now,
      scaleDown: { minWorkers, idleUptimeThreshold: deps.settings.idleUptimeThreshold, billing: deps.settings.billing, force: false, draining },
      booting,
      ...(lastBootAt ? { lastBootAt } : {}),
      ...(memory ? { memory } : {}),
      ...(schedule ? { schedule } : {}),
    });
    warm = decision.memory === undefined ? undefined : JSON.stringify(decision.memory);
    recorded = warm;
    if (warm) stats.maxMemoryBytes = Math.max(stats.maxMemoryBytes, warm.length);
    const cycle = stamp(now);
    const stranded = strandedWorkers(view, new Set([...draining, ...booting]));
    const actions: PlannedAction[] = stranded.map((hostname) => ({ kind: 'release', hostname, reason: 'in maintenance with no drain under way: back in service' }));
    for (const chosen of decision.chosen) {
      if (stranded.includes(chosen.hostname)) continue;
      const kind = decision.action === 'start' ? 'boot' : 'drain';
      actions.push({
        kind,
        hostname: chosen.hostname,
        executionName: workerExecutionName(kind, chosen.hostname, now),
        input:
          kind === 'boot'
            ? { hostname: chosen.hostname, requestedBy: 'autoscale', reason: chosen.detail }
            : {
                hostname: chosen.hostname,
                requestedBy: 'autoscale',
                respectBillingWindow: decision.drain?.respectBillingWindow ?? true,
                ...(decision.drain?.maxDrainMinutes ? { maxDrainMinutes: decision.drain.maxDrainMinutes } : {}),
                minWorkers,
                reason: chosen.detail,
              },
        reason: chosen.detail,
      });
    }
    const { memory: kept, ...explained } = decision;
    const plan: CyclePlan = {
      cycle,
      action: decision.action,
      actions,
      reason: decision.reasons.join('; '),
      decision: decisionRecord(explained),
      figures: cycleFigures(view, actions, []),
      // As the deployed plan step returns it: the autoscale workflow carries it to the execution's output.
      memory: recordMemory(config.policy?.name ?? 'original', now, kept),
    };
    return plan as unknown as JsonValue;
  };
}
