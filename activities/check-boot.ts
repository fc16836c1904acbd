/**
 * Polls a booting worker until OpsWorks (or EC2) says online and Opencast has
 * registered its host; a host that comes back still in maintenance (Opencast
 * keeps the flag across restarts) is sent to have it switched off. Past the
 * deadline, or on a failed start, the boot fails with the reason. No side effect.
 */
import { z } from 'zod';
import type { WorkerLifecycleEvent } from '../machines/worker-lifecycle';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { bootRequestSchema } from '../core/workflow-requests';
import { findWorker } from '../core/cluster';
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
    const worker = findWorker(view, slot.hostname);
    const events: WorkerLifecycleEvent[] = [];
    if (worker.state === 'start_failed' || worker.state === 'setup_failed') {
      events.push({ type: 'start.failed', at, error: `OpsWorks reports ${worker.state}` });
    } else if (worker.statusClass === 'stopped') {
      events.push({ type: 'instance.stopped', at, status: worker.state });
    } else {
      if (worker.statusClass === 'online') events.push({ type: 'instance.online', at, uptimeSeconds: worker.uptimeSeconds });
      // Opencast answered and lists the host online: registered.
      const host = view.opencast.up ? view.opencast.hosts.find((h) => h.baseUrl === worker.hostUrl) : undefined;
      if (host?.online) events.push({ type: 'opencast.registered', at, maintenance: host.maintenance });
      if (slot.deadline !== undefined && Date.parse(slot.deadline) <= now.getTime()) events.push({ type: 'boot.timedOut', at });
    }
    const next = advance({ ...slot, ...(worker.hostUrl ? { hostUrl: worker.hostUrl } : {}) }, events);
    return next;
  };
}

