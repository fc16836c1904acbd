/**
 * Boot-worker's BeginBoot and StartInstance: refuse a second boot of the same
 * worker, then start the stopped instance (its one side effect; not in BeginBoot,
 * which only checks before the workflow waits out the listing's lag). A worker
 * found already starting or online is adopted without a start.
 */
import { z } from 'zod';
import { createPersistedWorker } from '../machines/persistence';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { findWorker } from '../core/cluster';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW } from '../core/execution-names';
import { adoptionEvents } from '../machines/observed-facts';
import { bootRequestSchema } from '../core/workflow-requests';
import { actingOn, claimant, startedBefore } from './support/acting-on';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';
import { advance, type WorkerSlot } from '../machines/worker-slot';

const eventSchema = z.object({
  request: bootRequestSchema,
  executionName: z.string().min(1),
  // $$.Execution.StartTime: which of two boots (or a boot and a drain) of one worker goes on (core/claim.ts).
  startedAt: z.iso.datetime({ offset: true }).optional(),
  // BeginBoot: the checks only, before the workflow waits out the listing's lag; the start comes after it.
  claimOnly: z.boolean().optional(),
});

export function createStartWorkerHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { request, executionName, startedAt, claimOnly } = parseEvent(eventSchema, event, 'start-worker');
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
    const me = claimant(executionName, startedAt, running, at);
    // Of two executions acting on one worker the one started first goes on (core/claim.ts); a later one yields to it.
    const [duplicate] = await actingOn(deps.executions, startedBefore(running, me), worker);
    // A drain still confirming its stop owns the worker until it ends: a start now would fight it.
    const [draining] = await actingOn(deps.executions, startedBefore(drains, me), worker);
    if (duplicate || draining) {
      const message = duplicate
        ? `${worker.hostname} is already being started by ${duplicate.ref.name}: nothing to do`
        : `${worker.hostname} is being drained by ${draining!.ref.name}: not starting it until that ends`;
      const skipped = duplicate ? ('BootInProgress' as const) : ('DrainInProgress' as const);
      return { ...advance(base, adoptionEvents(worker, at)), duplicate: true, skipped, reason: { code: 'AlreadyInProgress', message, event: 'start.requested', at } };
    }
    if (claimOnly || (worker.statusClass !== 'stopped' && worker.instanceState !== 'start-failed')) {
      return advance(base, adoptionEvents(worker, at));
    }
    await deps.fleet.startInstance(worker.id);
    return advance(base, [{ type: 'start.requested', at }]);
  };
}

