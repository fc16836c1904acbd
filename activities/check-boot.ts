/**
 * Polls a booting worker until OpsWorks (or EC2) says online and Opencast has
 * registered its host; a host that comes back still in maintenance (Opencast
 * keeps the flag across restarts) is sent to have it switched off. A boot that
 * fails (OpsWorks start_failed or setup_failed) or is not serving by the
 * deadline (still booting, connection_lost, or running with no Opencast host
 * online) is sent to be stopped, with why, when not serving is proven
 * (core/serving.ts); otherwise it fails with the reason and the autoscale cycle
 * looks again. No side effect.
 */
import { z } from 'zod';
import { isInstanceRunning, isServing, runningSeconds, whyUnprovable } from '../core/serving';
import type { ClusterView, Worker } from '../core/types';
import type { WorkerLifecycleEvent } from '../machines/worker-lifecycle';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { bootRequestSchema } from '../core/workflow-requests';
import { findWorker } from '../core/cluster';
import { BOOT_FAILED, PROVIDER_LABELS } from '../core/instance-state';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';
import { advance, workerSlotSchema, type WorkerSlot } from '../machines/worker-slot';

const eventSchema = z.object({ request: bootRequestSchema, worker: workerSlotSchema }).passthrough();

export function createCheckBootHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const parsed = parseEvent(eventSchema, event, 'check-boot');
    const slot: WorkerSlot = parsed.worker;
    const now = deps.now();
    const at = now.toISOString();
    const { view } = await observe(deps);
    const worker = findWorker(view, slot.hostname, slot.id);
    const events: WorkerLifecycleEvent[] = [];
    if (BOOT_FAILED.has(worker.instanceState)) {
      events.push({ type: 'start.failed', at, error: `${PROVIDER_LABELS[worker.provider]} reports ${worker.state}` });
    } else if (worker.statusClass === 'stopped') {
      events.push({ type: 'instance.stopped', at, status: worker.state });
    } else {
      if (worker.statusClass === 'online') events.push({ type: 'instance.online', at, uptimeSeconds: worker.uptimeSeconds });
      // Opencast answered and lists the host online: registered.
      if (isServing(worker)) events.push({ type: 'opencast.registered', at, maintenance: worker.maintenance });
      if (slot.deadline !== undefined && Date.parse(slot.deadline) <= now.getTime()) events.push({ type: 'boot.timedOut', at });
    }
    const next = advance({ ...slot, ...(worker.hostUrl ? { hostUrl: worker.hostUrl } : {}) }, events);
    return next.state === 'startFailed' ? stopIfNotServing(next, view, worker, now) : next;
  };
}

/**
 * A failed boot: the machine stops it (force: a worker that does not serve takes
 * no capacity with it; protection still refuses) when Opencast proves it does not
 * serve; else it stays startFailed and the reason says why it was left running.
 */
function stopIfNotServing(failed: WorkerSlot, view: ClusterView, worker: Worker, now: Date): WorkerSlot {
  const at = now.toISOString();
  const why = failed.reason.message;
  if (worker.statusClass === 'stopped') return failed;
  const doubt = isServing(worker) ? `Opencast lists ${worker.hostUrl} online` : whyUnprovable(view, worker);
  if (doubt !== undefined) {
    return { ...failed, reason: { ...failed.reason, message: `${why}; not stopped: ${doubt}` } };
  }
  const stopping = advance(failed, [{ type: 'stop.requested', at, force: true }]);
  if (stopping.state !== 'stopping') {
    return { ...stopping, reason: { ...stopping.reason, message: `${why}; not stopped: ${stopping.reason.message}` } };
  }
  const ran = isInstanceRunning(worker) ? `, ${Math.floor(runningSeconds(worker, now) / 60)} min after its start` : '';
  return { ...stopping, reason: { ...stopping.reason, message: `${why}${ran}, and Opencast lists no host of it online: stopping it` } };
}
