/**
 * The figures of one autoscale cycle, as numbers to chart and alarm on: the
 * queue, the workers by state, what the cycle started, and the configured
 * metrics that were silent. Computed once from the cycle's own observation and
 * plan; publishing them (CloudWatch embedded metric format in Lambda) is a
 * separate step (adapters/aws/emf.ts).
 */
import type { MetricGap } from './decision';
import type { ClusterView } from './types';

export interface CycleFigures {
  /** Opencast's backlog (null when Opencast did not answer). */
  queuedJobs: number | null;
  queuedHighLoadJobs: number | null;
  runningJobs: number | null;
  workersOnline: number;
  workersPending: number;
  workersStopped: number;
  /** Online, registered and not in maintenance: where Opencast dispatches. */
  workersInService: number;
  workersInMaintenance: number;
  boots: number;
  drains: number;
  releases: number;
  metricGaps: number;
  /** 1 when Opencast did not answer this cycle. */
  opencastDown: number;
}

export function cycleFigures(view: ClusterView, actions: ReadonlyArray<{ kind: 'boot' | 'drain' | 'release' }>, gaps: readonly MetricGap[]): CycleFigures {
  const oc = view.opencast;
  const workers = view.workers;
  const count = (kind: string) => actions.filter((a) => a.kind === kind).length;
  return {
    queuedJobs: oc.up ? oc.queue.queued : null,
    queuedHighLoadJobs: oc.up ? oc.queue.queuedHighLoad : null,
    runningJobs: oc.up ? oc.running : null,
    workersOnline: view.counts.onlineWorkers,
    workersPending: view.counts.pendingWorkers,
    workersStopped: workers.filter((w) => w.statusClass === 'stopped').length,
    workersInService: workers.filter((w) => w.statusClass === 'online' && w.registered && !w.maintenance).length,
    workersInMaintenance: workers.filter((w) => w.statusClass === 'online' && w.registered && w.maintenance).length,
    boots: count('boot'),
    drains: count('drain'),
    releases: count('release'),
    metricGaps: gaps.length,
    opencastDown: oc.up ? 0 : 1,
  };
}
