/**
 * The Catch path of drain-worker: whatever failed, the worker must not stay in
 * maintenance. The machine decides: before the stop it returns to service (and
 * this step switches maintenance off, its one side effect); once a stop may have
 * been sent it stays out of service (stop unconfirmed) for the next cycle to see.
 */
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import { observe } from './support/observe';
import { advance, type WorkerSlot } from '../machines/worker-slot';

export function createAbandonDrainHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { worker: slot } = parseDrainState(event, 'abandon-drain');
    const at = deps.now().toISOString();
    const next = advance(slot, [{ type: 'drain.abandoned', at }]);
    if (next.state !== 'returningToService' || !slot.hostUrl) return next;
    const { opencast } = await observe(deps);
    if (!opencast) return next;
    await opencast.setMaintenance(slot.hostUrl, false);
    return advance(next, [{ type: 'maintenance.off', at }]);
  };
}

