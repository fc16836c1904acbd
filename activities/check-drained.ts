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
    return { ...next, waitSeconds: pollInterval(worker.runningJobs) };
  };
}

/** Poll again soon when at most one job is left; jobs take minutes, so a busy host is checked each minute. */
function pollInterval(runningJobs: number | null): number {
  return runningJobs !== null && runningJobs <= 1 ? 30 : 60;
}

