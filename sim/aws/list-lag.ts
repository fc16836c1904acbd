/**
 * Step Functions' execution reads as AWS answers them, always (no world is perfectly consistent):
 * - ListExecutions and DescribeExecution are "eventually consistent. The results are best effort and may not
 *   reflect very recent updates and changes" (API_ListExecutions, API_DescribeExecution,
 *   https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html). Here an execution
 *   is listed only some seconds after it started, and its end shows some seconds after it happened (RUNNING
 *   until then); DescribeExecution trails the end by a draw of its own. Each lag is a seeded draw
 *   (sim/model/consistency.ts); a `list-lag` fault stretches them while it lasts.
 * - "Results are sorted by time, with the most recent execution first. Running executions are sorted by their
 *   startDate or redriveDate, and other executions are sorted by their stopDate" (API_ListExecutions): a
 *   `maxResults: 1` read of every status gets the execution that changed last, not the one begun last.
 * Used by the simulated Step Functions and, for the soak's days, by the local engine's listing as the
 * activities see it (wiring/local-workflows.ts).
 */
import type { ExecutionStatus } from '../../engine/types';
import { defaultConsistency, FAULT_STRETCH_MS, lagOf } from '../model/consistency';
import type { SimClusterState } from '../model/types';

/** A change of an execution a read trails: its start, or its end as ListExecutions or as DescribeExecution sees it. */
type LaggedChange = 'start' | 'listed-stop' | 'described-stop';

/** ms after that change of that execution (named by its ARN and start) that a read made now shows it. */
export type ExecutionLag = (executionArn: string, startedAt: string, change: LaggedChange) => number;

/**
 * Records older (by start) than a page's own plus this many are not looked at: an execution that ran while
 * this many newer ones of its state machine began and ended is not listed by its end (a store keeps no stop index).
 */
export const LISTING_MARGIN = 100;

interface Listed {
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
}

/** The lags of `state`'s world: its seeded draws, stretched while a `list-lag` fault (targeted `stepfunctions` or none) lasts. */
export function executionLag(state: Pick<SimClusterState, 'consistency' | 'faultActive'>): ExecutionLag {
  const consistency = state.consistency ?? defaultConsistency();
  return (arn, startedAt, change) =>
    lagOf(consistency, consistency.stepFunctions, `${arn}@${startedAt}:${change}`) + (state.faultActive('list-lag', 'stepfunctions') ? FAULT_STRETCH_MS : 0);
}

/** The execution as ListExecutions shows it at `now`: undefined while too new, RUNNING while its end has not shown. */
function asListed<T extends Listed>(e: T, arn: string, now: number, lag: ExecutionLag): T | undefined {
  if (now < Date.parse(e.startedAt) + lag(arn, e.startedAt, 'start')) return undefined;
  return endNotShown(e, arn, now, lag, 'listed-stop') ? stillRunning(e) : e;
}

/** The execution as DescribeExecution shows it at `now` (a known ARN is always found): RUNNING while its end has not shown. */
export function asDescribed<T extends Listed>(e: T, arn: string, now: number, lag: ExecutionLag): T {
  return endNotShown(e, arn, now, lag, 'described-stop') ? stillRunning(e) : e;
}

/**
 * A ListExecutions answer before paging: the candidates (each ARN once) as listed at `now`, of the wanted status
 * (as listed), in AWS's order: running ones by start, the others by stop, most recent first.
 */
export function listedAsAws<T extends Listed>(candidates: readonly T[], arnOf: (e: T) => string, status: ExecutionStatus | undefined, now: number, lag: ExecutionLag): T[] {
  const seen = new Set<string>();
  const shown: { e: T; arn: string; key: string }[] = [];
  for (const e of candidates) {
    const arn = arnOf(e);
    if (seen.has(arn)) continue;
    seen.add(arn);
    const listed = asListed(e, arn, now, lag);
    if (listed === undefined || (status !== undefined && listed.status !== status)) continue;
    shown.push({ e: listed, arn, key: listed.status === 'RUNNING' ? listed.startedAt : (listed.stoppedAt ?? listed.startedAt) });
  }
  // ISO times compare as strings; a tie goes by ARN so that an answer never depends on the candidates' order.
  shown.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? 1 : -1) : a.arn < b.arn ? 1 : a.arn > b.arn ? -1 : 0));
  return shown.map((s) => s.e);
}

function endNotShown(e: Listed, arn: string, now: number, lag: ExecutionLag, change: LaggedChange): boolean {
  return e.status !== 'RUNNING' && e.stoppedAt !== undefined && now < Date.parse(e.stoppedAt) + lag(arn, e.startedAt, change);
}

/** What a read that has not seen the end shows: RUNNING, with nothing of the end (stop date, output, error). */
function stillRunning<T extends Listed>(e: T): T {
  const { stoppedAt: _stopped, output: _output, error: _error, cause: _cause, ...running } = e as T & { output?: unknown; error?: unknown; cause?: unknown };
  return { ...running, status: 'RUNNING' } as T;
}
