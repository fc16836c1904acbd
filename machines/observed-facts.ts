/**
 * What the lifecycle machine is told of an observed worker: the facts its
 * `observed` events carry, and the events that bring a fresh lifecycle to where
 * the worker is seen to be (adoption).
 */
import { servingWorkers } from '../core/cluster';
import type { ClusterView, Worker } from '../core/types';
import type { ObservedFacts, WorkerLifecycleEvent } from './worker-lifecycle';

/** The facts of one worker, as the machine's `observed` events carry them. */
export function factsOf(view: ClusterView, worker: Worker, minWorkers: number, otherStopsInFlight: number): ObservedFacts {
  return {
    runningJobs: worker.runningJobs,
    uptimeSeconds: worker.uptimeSeconds,
    onlineWorkers: servingWorkers(view).length,
    otherStopsInFlight,
    minWorkers,
    protected: worker.protected,
    ...(worker.registered ? { maintenance: worker.maintenance } : {}),
  };
}

/** Events that bring a fresh lifecycle to where the observed worker is. */
export function adoptionEvents(worker: Worker, at: string): WorkerLifecycleEvent[] {
  if (worker.statusClass === 'pending') return [{ type: 'instance.pending', at }];
  if (worker.statusClass !== 'online') return [];
  const events: WorkerLifecycleEvent[] = [{ type: 'instance.online', at, uptimeSeconds: worker.uptimeSeconds }];
  if (worker.registered) events.push({ type: 'opencast.registered', at, maintenance: worker.maintenance });
  return events;
}
