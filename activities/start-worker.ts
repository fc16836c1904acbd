/**
 * First step of boot-worker: refuse a second boot of the same worker, then start
 * the stopped instance (its one side effect). A worker found already starting or
 * online is adopted without a start.
 */
import { z } from 'zod';
import { createPersistedWorker } from '../machines/persistence';
import type { ActivityDeps, ActivityHandler } from './deps';
import { adoptionEvents, DRAIN_WORKFLOW } from './begin-drain';
import { bootRequestSchema } from './drain-request';
import { lambdaHandler } from './lambda-runtime';
import { findWorker, observe, parseEvent } from './worker-facts';
import { advance, type WorkerSlot } from './worker-slot';

const eventSchema = z.object({ request: bootRequestSchema, executionName: z.string().min(1) });

export const BOOT_WORKFLOW = 'boot-worker';

export function createStartWorkerHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, executionName } = parseEvent(eventSchema, event, 'start-worker');
    const now = deps.now();
    const at = now.toISOString();
    const [running, drains] = await Promise.all([
      deps.executions.list({ status: 'RUNNING', workflow: BOOT_WORKFLOW }),
      deps.executions.list({ status: 'RUNNING', workflow: DRAIN_WORKFLOW }),
    ]);
    const { view } = await observe(deps);
    const worker = findWorker(view, request.hostname);
    const base = {
      hostname: worker.hostname,
      id: worker.id,
      ...(worker.hostUrl ? { hostUrl: worker.hostUrl } : {}),
      persisted: createPersistedWorker({ hostname: worker.hostname, protected: worker.protected }),
      deadline: new Date(now.getTime() + request.maxBootMinutes * 60_000).toISOString(),
    };
    const duplicate = running.find((e) => e.ref.name !== executionName && e.ref.name.startsWith(`boot-${worker.hostname}-`));
    // A drain still confirming its stop owns the worker until it ends: a start now would fight it.
    const draining = drains.find((e) => e.ref.name.startsWith(`drain-${worker.hostname}-`));
    if (duplicate || draining) {
      const message = duplicate
        ? `${worker.hostname} is already being started by ${duplicate.ref.name}: nothing to do`
        : `${worker.hostname} is being drained by ${draining!.ref.name}: not starting it until that ends`;
      return { ...advance(base, adoptionEvents(worker, at)), duplicate: true, reason: { code: 'AlreadyInProgress', message, event: 'start.requested', at } };
    }
    if (worker.statusClass !== 'stopped' && worker.state !== 'start_failed') {
      return advance(base, adoptionEvents(worker, at));
    }
    await deps.fleet.startInstance(worker.id);
    return advance(base, [{ type: 'start.requested', at }]);
  };
}

export const handler = lambdaHandler(createStartWorkerHandler);
