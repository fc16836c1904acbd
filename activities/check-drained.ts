/**
 * Polls a worker in maintenance until it runs no job: Opencast lets running
 * jobs finish (reference §5), so the count only falls. Past the drain deadline
 * a busy worker goes back to service (or, forced, is stopped and the reason says
 * with how many jobs). Demand coming back cancels the drain. No side effect.
 */
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import { checkDrainingWorker } from './support/drain-check';
import { advance, type WorkerSlot } from '../machines/worker-slot';

export function createCheckDrainedHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, worker: slot } = parseDrainState(event, 'check-drained');
    const check = await checkDrainingWorker(deps, request, slot);
    if ('settled' in check) return check.settled;
    const { worker, facts, now, at } = check;
    const events = [{ type: 'observed' as const, at, ...facts }];
    const pastDeadline = slot.deadline !== undefined && Date.parse(slot.deadline) <= now.getTime();
    const next = advance(slot, pastDeadline ? [...events, { type: 'drain.timedOut' as const, at }] : events);
    const started = slot.deadline !== undefined ? Date.parse(slot.deadline) - request.maxDrainMinutes * 60_000 : now.getTime();
    return { ...next, waitSeconds: pollInterval(worker.runningJobs, Math.max(0, (now.getTime() - started) / 1000)) };
  };
}

/** The longest wait between two checks of a drain. */
export const DRAIN_POLL_MAX_SECONDS = 600;

/**
 * Seconds until the next check of a draining worker. Soon (30 s) when at most one
 * job is left, else each minute; and, as the drain goes on, never more often than
 * a tenth of the time it has already taken (up to 10 min): the job finishing is
 * seen at most 10 % later than it happens, and a drain held by a long job to its
 * `maxDrainMinutes` cap (24 h) writes a few thousand history events, not the
 * 25,900 a 30 s poll would, past the 25,000 of a Standard execution
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html;
 * test/infra/quotas.test.ts proves the bound).
 */
export function pollInterval(runningJobs: number | null, drainingSeconds = 0): number {
  const base = runningJobs !== null && runningJobs <= 1 ? 30 : 60;
  return Math.min(DRAIN_POLL_MAX_SECONDS, Math.max(base, Math.floor(drainingSeconds / 10)));
}

