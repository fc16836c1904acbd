/**
 * Step Functions' ListExecutions is eventually consistent: "The results are
 * best effort and may not reflect very recent updates and changes"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
 * While a `list-lag` fault is active, a listing shows an execution only
 * LIST_LAG_MS after it started, and a status change LIST_LAG_MS after it
 * happened. Used by the simulated Step Functions and, for the soak's days, by
 * the local engine's listing as the activities see it.
 */
import type { ExecutionStatus } from '../../engine/types';

export const LIST_LAG_MS = 5000;

interface Listed {
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
}

/** The execution as a lagging listing shows it at `now`: undefined while too new, RUNNING while just finished. */
export function asListed<T extends Listed>(e: T, now: number, lag: number): T | undefined {
  if (lag === 0) return e;
  if (now - Date.parse(e.startedAt) < lag) return undefined;
  if (e.status !== 'RUNNING' && e.stoppedAt !== undefined && now - Date.parse(e.stoppedAt) < lag) {
    const { stoppedAt: _stopped, ...running } = e;
    return { ...running, status: 'RUNNING' } as T;
  }
  return e;
}
