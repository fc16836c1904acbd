/**
 * After waiting for the billing window, still serving: is the worker still not
 * needed? Demand back (a backlog), protection or the minimum keep it; otherwise
 * the window is reported to the machine, which re-checks it (a Wait computed from
 * an old uptime must not stop early). No side effect.
 */
import type { ActivityDeps, ActivityHandler } from './deps';
import { parseDrainState } from './drain-state';
import { lambdaHandler } from './lambda-runtime';
import { factsOf, findWorker, hasDemandReturned, observe } from './worker-facts';
import { advance, waitForWindow, type WorkerSlot } from './worker-slot';

export function createCheckBillingWindowHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, worker: slot } = parseDrainState(event, 'check-billing-window');
    const at = deps.now().toISOString();
    const { view } = await observe(deps);
    const worker = findWorker(view, slot.hostname);
    if (worker.statusClass !== 'online') {
      return advance(slot, [{ type: 'instance.stopped', at, status: worker.state }]);
    }
    if (!request.force && hasDemandReturned(view)) {
      return advance(slot, [{ type: 'demand.returned', at }]);
    }
    const facts = factsOf(view, worker, request.minWorkers ?? deps.settings.minWorkers, 0);
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

export const handler = lambdaHandler(createCheckBillingWindowHandler);
