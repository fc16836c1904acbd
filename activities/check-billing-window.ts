/**
 * After waiting for the billing window, still serving: is the worker still not
 * needed? Demand back (a backlog), protection or the minimum keep it; otherwise
 * the window is reported to the machine, which re-checks it (a Wait computed from
 * an old uptime must not stop early). No side effect.
 */
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import { checkDrainingWorker } from './support/drain-check';
import { advance, BILLING_WAIT_LIMIT_SECONDS, waitForWindow, type WorkerSlot } from '../machines/worker-slot';

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
      if (slot.deadline !== undefined && Date.parse(slot.deadline) <= check.now.getTime()) {
        // The window should have come within the hour (the instance restarted?): stop waiting, leave it serving.
        const back = advance(next, [{ type: 'demand.returned', at }]);
        const message = `billing window not reached after ${Math.round(BILLING_WAIT_LIMIT_SECONDS / 60)} min of waiting (${next.reason.message}): left in service, the next cycle decides again`;
        return { ...back, reason: { code: 'WindowNotReached', message, event: 'billing.windowReached', at } };
      }
      const threshold = request.respectBillingWindow ? deps.settings.idleUptimeThreshold : 0;
      return { ...next, waitSeconds: waitForWindow(worker.uptimeSeconds, deps.settings.billing, threshold) };
    }
    return next;
  };
}

