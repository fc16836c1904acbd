/**
 * What every check of a drain in progress looks at first: a worker no longer
 * running has stopped outside the drain, and demand the policy would keep it
 * for means it is wanted after all (unless forced; drain-demand.ts, and the
 * reason says which rule kept it). Otherwise the check goes on with the
 * worker's facts, its jobs counted on the base_url the drain recorded at its
 * start (a match lost meanwhile, to a second instance of its name or a host
 * re-registered, must not read as no job).
 */
import type { ClusterView, Worker } from '../../core/types';
import type { ObservedFacts } from '../../machines/worker-lifecycle';
import type { ActivityDeps } from './deps';
import type { DrainRequest } from '../../core/workflow-requests';
import { findWorker } from '../../core/cluster';
import { factsOf } from '../../machines/observed-facts';
import { drainDemand } from './drain-demand';
import { observe } from './observe';
import { advance, type WorkerSlot } from '../../machines/worker-slot';

export type DrainCheck = { settled: WorkerSlot } | { view: ClusterView; worker: Worker; facts: ObservedFacts; now: Date; at: string };

export async function checkDrainingWorker(deps: ActivityDeps, request: DrainRequest, slot: WorkerSlot): Promise<DrainCheck> {
  const now = deps.now();
  const at = now.toISOString();
  const observation = await observe(deps);
  const { view } = observation;
  // The instance this drain began with (its id), never another of the same name.
  const worker = findWorker(view, slot.hostname, slot.id);
  if (worker.statusClass !== 'online') return { settled: advance(slot, [{ type: 'instance.stopped', at, status: worker.state }]) };
  const kept = request.force ? undefined : await drainDemand(deps, request, observation, worker);
  if (kept) {
    const back = advance(slot, [{ type: 'demand.returned', at }]);
    return { settled: { ...back, reason: { ...back.reason, message: `demand returned (${kept.rule} rule): ${kept.detail}: back to service` } } };
  }
  const counted = { ...worker, runningJobs: jobsOnRecordedHost(view, worker, slot.hostUrl) };
  const facts = factsOf(view, counted, request.minWorkers ?? deps.settings.minWorkers, 0);
  return { view, worker: counted, facts, now, at };
}

/**
 * The worker's running jobs as the drain counts them: on the base_url it recorded at its start while Opencast
 * lists that host online (plus any on the host it is matched to now, if another; unknown when an unowned host may
 * be it too); else as the view has them (null when unknown). Never 0 for a host whose match was lost.
 */
function jobsOnRecordedHost(view: ClusterView, worker: Worker, recorded: string | undefined): number | null {
  if (!view.opencast.up || recorded === undefined) return worker.runningJobs;
  if (!view.opencast.hosts.some((h) => h.baseUrl === recorded && h.online)) return worker.runningJobs;
  // Another unowned online host may be it too (re-registered under a new URL): its jobs there are unknown.
  if ((worker.unsureHosts ?? []).some((url) => url !== recorded)) return null;
  const there = view.opencast.runningByHost[recorded] ?? 0;
  if (worker.hostUrl === undefined || worker.hostUrl === recorded) return there;
  return worker.runningJobs === null ? null : there + worker.runningJobs;
}
