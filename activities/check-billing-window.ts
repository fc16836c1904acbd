/**
 * After waiting for the billing window, still serving: is the worker still not
 * needed? Demand back (a backlog), protection or the minimum keep it; otherwise
 * the window is reported to the machine, which re-checks it (a Wait computed from
 * an old uptime must not stop early). No side effect.
 */
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import { checkDrainingWorker } from './support/drain-check';
import { advance, waitForWindow, type WorkerSlot } from '../machines/worker-slot';

export function createCheckBillingWindowHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, worker: slot } = parseDrainState(event, 'check-billing-window');
    const check = await checkDrainingWorker(deps, request, slot);
    if ('settled' in check) return check.settled;
    const { worker, facts, at } = check;
    const next = advance(slot, [
      { type: 'observed', at, ...facts },
      { type: 'billing.windowReached', at, uptimeSeconds: worker.uptimeSeconds },
    ]);
    if (next.state === 'awaitingBillingWindow') {
      const threshold = request.respectBillingWindow ? deps.settings.idleUptimeThreshold : 0;
      return { ...next, waitSeconds: waitForWindow(worker.uptimeSeconds, deps.settings.billing, threshold) };
    }
    return next;
  };
}

