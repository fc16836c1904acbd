/**
 * First step of boot-worker: refuse a second boot of the same worker, then start
 * the stopped instance (its one side effect). A worker found already starting or
 * online is adopted without a start.
 */
import { z } from 'zod';
import { createPersistedWorker } from '../machines/persistence';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { findWorker } from '../core/cluster';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW } from '../core/execution-names';
import { adoptionEvents } from '../machines/observed-facts';
import { bootRequestSchema } from '../core/workflow-requests';
import { actingOn } from './support/acting-on';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';
import { advance, type WorkerSlot } from '../machines/worker-slot';

const eventSchema = z.object({ request: bootRequestSchema, executionName: z.string().min(1) });

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
    const worker = findWorker(view, request.hostname, request.instanceId);
    const base = {
      hostname: worker.hostname,
      id: worker.id,
      ...(worker.hostUrl ? { hostUrl: worker.hostUrl } : {}),
      persisted: createPersistedWorker({ hostname: worker.hostname, protected: worker.protected }),
      deadline: new Date(now.getTime() + request.maxBootMinutes * 60_000).toISOString(),
    };
    const [duplicate] = await actingOn(deps.executions, running.filter((e) => e.ref.name !== executionName), worker);
    // A drain still confirming its stop owns the worker until it ends: a start now would fight it.
    const [draining] = await actingOn(deps.executions, drains, worker);
    if (duplicate || draining) {
      const message = duplicate
        ? `${worker.hostname} is already being started by ${duplicate.ref.name}: nothing to do`
        : `${worker.hostname} is being drained by ${draining!.ref.name}: not starting it until that ends`;
      const skipped = duplicate ? ('BootInProgress' as const) : ('DrainInProgress' as const);
      return { ...advance(base, adoptionEvents(worker, at)), duplicate: true, skipped, reason: { code: 'AlreadyInProgress', message, event: 'start.requested', at } };
    }
    if (worker.statusClass !== 'stopped' && worker.instanceState !== 'start-failed') {
      return advance(base, adoptionEvents(worker, at));
    }
    await deps.fleet.startInstance(worker.id);
    return advance(base, [{ type: 'start.requested', at }]);
  };
}

