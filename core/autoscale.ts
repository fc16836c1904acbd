/**
 * `scale auto`: any strategy voting up scales up (unless paused), all voting down
 * scales down, anything else does nothing. Every cycle that does not scale up
 * counts one pause cycle down. "Did nothing" is a decision with its reasons.
 */
import type { AutoscaleConfig } from './autoscale-config';
import { noAction, type Decision, type PauseState, type StrategyVote } from './decision';
import { judgeStopCandidates, planScaleUp, tryPlanScaleDown, type ScaleDownOptions } from './scale';
import type { ClusterView } from './types';

export interface AutoscaleInput {
  view: ClusterView;
  config: AutoscaleConfig;
  votes: StrategyVote[];
  pause: PauseState;
  now: Date;
  /** minWorkers, threshold, billing and --force; scale_available and check_uptime are always on here. */
  scaleDown: Pick<ScaleDownOptions, 'minWorkers' | 'idleUptimeThreshold' | 'billing' | 'force' | 'draining'>;
  /** Workers whose boot failed lately (tried last; their types after the others). */
  failedBoots?: readonly string[];
  /** Workers a boot execution is under way for: never drained while they boot. */
  booting?: readonly string[];
}

function isPaused(pause: PauseState, now: Date): boolean {
  return pause.cyclesLeft > 0 || (pause.until !== undefined && Date.parse(pause.until) > now.getTime());
}

function tick(pause: PauseState, now: Date): PauseState {
  const until = pause.until && Date.parse(pause.until) > now.getTime() ? { until: pause.until } : {};
  return { cyclesLeft: Math.max(0, pause.cyclesLeft - 1), ...until };
}

export function decideAutoscale(input: AutoscaleInput): Decision {
  const { view, config, votes, pause, now } = input;
  const paused = isPaused(pause, now);
  const anyUp = votes.some((v) => v.vote === 'up');
  const allDown = votes.length > 0 && votes.every((v) => v.vote === 'down');
  const summary = votes.map((v) => `${v.name}: ${v.vote ?? (v.error ? `no vote (${v.error})` : 'no action')}`).join('; ');
  const withPause = (decision: Decision, after: PauseState): Decision => ({
    ...decision,
    command: 'auto',
    votes,
    pause: { before: pause, after, paused },
    reasons: [summary, ...decision.reasons],
  });

  if (anyUp && !paused) {
    const up = planScaleUp(view, config.up_increment, { scaleAvailable: true, ...(input.failedBoots ? { failedBoots: input.failedBoots } : {}) });
    const after: PauseState = {
      cyclesLeft: config.pause_cycles,
      ...(config.pause_seconds ? { until: new Date(now.getTime() + config.pause_seconds * 1000).toISOString() } : {}),
    };
    return withPause(up, up.chosen.length > 0 ? after : tick(pause, now));
  }
  const after = tick(pause, now);
  if (anyUp) {
    return withPause(noAction('auto', 'Paused', `scale-up wanted but paused (${pause.cyclesLeft} cycle(s) left${pause.until ? `, until ${pause.until}` : ''})`), after);
  }
  if (!allDown) {
    // NoVote: no strategy could vote at all (no datapoints, Opencast down); one between its thresholds did vote "nothing".
    const noVote = votes.every((v) => v.vote === null && v.error !== undefined);
    return withPause(noAction('auto', noVote ? 'NoVote' : 'NotAllVotingDown', noVote ? 'no strategy could vote: nothing to do' : 'strategies do not all vote down: nothing to do'), after);
  }
  if (!view.opencast.up) {
    // Fail closed: the original counted an unreachable Opencast as 0 queued jobs and scaled down.
    return withPause(noAction('auto', 'OpencastUnavailable', `Opencast unavailable (${view.opencast.error}): not scaling down`), after);
  }
  const options: ScaleDownOptions = { ...input.scaleDown, ...(input.booting ? { booting: input.booting } : {}), scaleAvailable: true, checkUptime: true };
  const plan = tryPlanScaleDown(view, config.down_increment, options);
  if (!('refused' in plan)) return withPause(plan, after);
  const { rejected } = judgeStopCandidates(view.workers, options);
  return withPause(noAction('auto', plan.code, `all strategies vote down, but: ${plan.refused}`, { rejected }), after);
}
