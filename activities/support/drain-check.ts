/**
 * What every check of a drain in progress looks at first: a worker no longer
 * running has stopped outside the drain, and a backlog means it is wanted after
 * all (unless forced). Otherwise the check goes on with the worker's facts.
 */
import type { ClusterView, Worker } from '../../core/types';
import type { ObservedFacts } from '../../machines/worker-lifecycle';
import type { ActivityDeps } from './deps';
import type { DrainRequest } from '../../core/workflow-requests';
import { findWorker, hasDemandReturned } from '../../core/cluster';
import { factsOf } from '../../machines/observed-facts';
import { observe } from './observe';
import { advance, type WorkerSlot } from '../../machines/worker-slot';

export type DrainCheck = { settled: WorkerSlot } | { view: ClusterView; worker: Worker; facts: ObservedFacts; now: Date; at: string };

export async function checkDrainingWorker(deps: ActivityDeps, request: DrainRequest, slot: WorkerSlot): Promise<DrainCheck> {
  const now = deps.now();
  const at = now.toISOString();
  const { view } = await observe(deps);
  // The instance this drain began with (its id), never another of the same name.
  const worker = findWorker(view, slot.hostname, slot.id);
  if (worker.statusClass !== 'online') return { settled: advance(slot, [{ type: 'instance.stopped', at, status: worker.state }]) };
  if (!request.force && hasDemandReturned(view)) return { settled: advance(slot, [{ type: 'demand.returned', at }]) };
  const facts = factsOf(view, worker, request.minWorkers ?? deps.settings.minWorkers, 0);
  return { view, worker, facts, now, at };
}
