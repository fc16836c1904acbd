/**
 * First step of drain-worker: refuse a second drain of the same worker, observe
 * it, catch its lifecycle up with what is seen, and ask the machine to drain it.
 * No side effect: the workflow's next state acts on where the machine went.
 */
import { z } from 'zod';
import { uptimeSeconds } from '../core/billing';
import { findWorker } from '../core/cluster';
import { PROVIDER_LABELS } from '../core/instance-state';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW } from '../core/execution-names';
import { UNSERVED_STOP_SECONDS, unservingWorker } from '../core/serving';
import type { Worker } from '../core/types';
import { createPersistedWorker } from '../machines/persistence';
import { adoptionEvents, factsOf } from '../machines/observed-facts';
import type { WorkerLifecycleEvent } from '../machines/worker-lifecycle';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { drainRequestSchema } from '../core/workflow-requests';
import { actingOn, claimant, startedBefore } from './support/acting-on';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';
import { advance, BILLING_WAIT_LIMIT_SECONDS, waitForWindow, type WorkerSlot } from '../machines/worker-slot';

const eventSchema = z.object({
  request: drainRequestSchema,
  executionName: z.string().min(1),
  // $$.Execution.StartTime: which of two drains of one worker goes on (core/claim.ts).
  startedAt: z.iso.datetime({ offset: true }).optional(),
});

export function createBeginDrainHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, executionName, startedAt } = parseEvent(eventSchema, event, 'begin-drain');
    const at = deps.now().toISOString();
    const [running, boots] = await Promise.all([
      deps.executions.list({ status: 'RUNNING', workflow: DRAIN_WORKFLOW }),
      deps.executions.list({ status: 'RUNNING', workflow: BOOT_WORKFLOW }),
    ]);
    const others = running.filter((e) => e.ref.name !== executionName);
    const me = claimant(executionName, startedAt, running, at);
    const { view } = await observe(deps);
    const worker = findWorker(view, request.hostname, request.instanceId);
    const base = { hostname: worker.hostname, id: worker.id, ...(worker.hostUrl ? { hostUrl: worker.hostUrl } : {}) };
    const minWorkers = request.minWorkers ?? deps.settings.minWorkers;
    const persisted = createPersistedWorker({
      hostname: worker.hostname,
      minWorkers,
      billingMode: deps.settings.billing,
      thresholdMinutes: deps.settings.idleUptimeThreshold,
      protected: worker.protected,
    });
    // Of two executions acting on one worker the one started first goes on (core/claim.ts); a later one yields to it.
    const onThisWorker = await actingOn(deps.executions, others, worker);
    const [duplicate] = startedBefore(onThisWorker, me);
    // A worker still booting looks idle (online, not yet registered): a drain now would fight its boot.
    const [booting] = await actingOn(deps.executions, startedBefore(boots, me), worker);
    // A start requested moments ago may be a boot that ListExecutions, eventually consistent, does not list yet
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html): a drain now would stop
    // the instance that boot has just started, two actors on one instance. The next request decides afresh.
    const unlisted = !duplicate && !booting && justStarted(worker, deps.now());
    if (unlisted) {
      const adopted = advance({ ...base, persisted }, adoptionEvents(worker, at));
      const message = `${worker.hostname} was started moments ago (${worker.state}): a boot of it may not be listed yet, so it is not drained now`;
      return { ...adopted, duplicate: true, skipped: 'BootInProgress' as const, reason: { code: 'AlreadyInProgress', message, event: 'drain.requested', at } };
    }
    if (duplicate || booting) {
      const adopted = advance({ ...base, persisted }, adoptionEvents(worker, at));
      const message = duplicate
        ? `${worker.hostname} is already being drained by ${duplicate.ref.name}: nothing to do`
        : `${worker.hostname} is being started by ${booting!.ref.name}: not draining it while it boots`;
      const skipped = duplicate ? ('DrainInProgress' as const) : ('BootInProgress' as const);
      return { ...adopted, duplicate: true, skipped, reason: { code: 'AlreadyInProgress', message, event: 'drain.requested', at } };
    }
    // Measured from where the plan measured it (when a cycle last saw it serving), not from its launch.
    const unserved = unservingWorker(view, worker, { now: deps.now(), timeoutSeconds: UNSERVED_STOP_SECONDS, since: request.unservedSince });
    if (unserved) {
      // Billing without serving past the boot timeout (core/serving.ts): stopped, not drained. Forced: it
      // takes no capacity with it, so the minimum does not hold it; protection was checked by unservingWorker.
      const stopping = advance({ ...base, persisted }, [...unservedEvents(worker, at), { type: 'stop.requested', at, force: true }]);
      return { ...stopping, reason: { ...stopping.reason, message: `${unserved.detail}: stopping it` } };
    }
    // Drains of other workers already under way count against the minimum (a later one of this worker yields to this one).
    const facts = factsOf(view, worker, minWorkers, others.length - onThisWorker.length);
    const request_: WorkerLifecycleEvent =
      worker.statusClass === 'pending'
        ? { type: 'stop.requested', at, force: request.force, ...facts }
        : {
            type: 'drain.requested',
            at,
            force: request.force,
            billingMode: deps.settings.billing,
            // A manual scale down does not wait for the billing window (as the original).
            thresholdMinutes: request.respectBillingWindow ? deps.settings.idleUptimeThreshold : 0,
            ...facts,
          };
    const slot = advance({ ...base, persisted }, [...adoptionEvents(worker, at), { type: 'observed', at, ...facts }, request_]);
    if (slot.state === 'offline' && worker.statusClass !== 'online' && worker.statusClass !== 'pending') {
      return { ...slot, reason: { code: 'NotActive', message: `${worker.hostname} is ${worker.state}: nothing to drain`, event: 'drain.requested', at } };
    }
    if (slot.state === 'booting') {
      // Adopted as still starting (Opencast does not list it): the drain does nothing, and must say why.
      const reason = view.opencast.up
        ? { code: 'NotActive' as const, message: `${worker.hostname} is ${worker.state} but not registered in Opencast yet: nothing to drain` }
        : { code: 'OpencastUnavailable' as const, message: 'running jobs unknown (Opencast did not answer): idleness not proven' };
      return { ...slot, reason: { ...reason, event: 'drain.requested', at } };
    }
    if (slot.state === 'awaitingBillingWindow') {
      return {
        ...slot,
        waitSeconds: waitForWindow(worker.uptimeSeconds, deps.settings.billing, deps.settings.idleUptimeThreshold),
        deadline: new Date(deps.now().getTime() + BILLING_WAIT_LIMIT_SECONDS * 1000).toISOString(),
      };
    }
    return slot;
  };
}

/** How long after a start request a boot of the worker may still be missing from ListExecutions. */
const UNLISTED_BOOT_SECONDS = 60;

/** Starting, and the start was requested moments ago: nothing is launched yet (OpsWorks `requested`), or it was launched within the minute. */
function justStarted(worker: Worker, now: Date): boolean {
  if (worker.statusClass !== 'pending') return false;
  if (worker.instanceState === 'requested') return true;
  return worker.launchTime !== undefined && uptimeSeconds(worker.launchTime, now) < UNLISTED_BOOT_SECONDS;
}

/** A lifecycle that stands where a running worker that never served does: booting, or start failed. */
function unservedEvents(worker: Worker, at: string): WorkerLifecycleEvent[] {
  if (worker.statusClass === 'online') return [{ type: 'instance.online', at, uptimeSeconds: worker.uptimeSeconds }];
  const events: WorkerLifecycleEvent[] = [{ type: 'instance.pending', at }];
  // setup-failed, unreachable: its instance runs and the boot went wrong.
  if (worker.statusClass === 'other') events.push({ type: 'start.failed', at, error: `${PROVIDER_LABELS[worker.provider]} reports ${worker.state}` });
  return events;
}
