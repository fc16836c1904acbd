/**
 * Counting jobs the way Opencast's service registry queries do, per version
 * (reference/opencast-api.md §3 statistics and load endpoints). These are the
 * rules that make some endpoints misleading (queued is not a backlog, loads
 * read 0 in maintenance, statistics zeroed from 13.5): the simulator keeps the
 * traps so that the scaler is tested against them.
 */
import type { SimClusterState, SimHost, SimJob, SimJobStatus } from '../model/types';
import { atLeast, type OpencastVersion } from './version';

export const WORKFLOW_TYPE = 'org.opencastproject.workflow';

/** Services every simulated host registers, besides the types of jobs it ran. */
const DEFAULT_SERVICES = ['org.opencastproject.composer', 'org.opencastproject.inspection', 'org.opencastproject.videosegmenter'];

const SERVICE_PATHS: Record<string, string> = {
  'org.opencastproject.composer': '/composer/ffmpeg',
  'org.opencastproject.inspection': '/inspection/ffmpeg',
  'org.opencastproject.videosegmenter': '/analysis/videosegmenter',
  [WORKFLOW_TYPE]: '/workflow',
};

export function servicePath(type: string): string {
  return SERVICE_PATHS[type] ?? `/${type.split('.').pop() ?? type}`;
}

const TERMINAL: readonly SimJobStatus[] = ['FINISHED', 'FAILED'];

function isActive(job: SimJob): boolean {
  return !TERMINAL.includes(job.status);
}

/** Non-terminal jobs: from the model's index when it has one. */
export function activeJobsOf(state: SimClusterState): readonly SimJob[] {
  return state.activeJobs ? state.activeJobs() : state.jobs.filter(isActive);
}

export interface ServiceStats {
  host: SimHost;
  type: string;
  running: number;
  queued: number;
  finished: number;
  meanRunTimeMs: number;
  meanQueueTimeMs: number;
}

const FOURTEEN_DAYS_MS = 14 * 24 * 3600 * 1000;

/**
 * One row per (host, service type), counted by processing host. `queued` counts
 * only QUEUED/DISPATCHING jobs that already have a processor. From 2.2 only
 * jobs of the last 14 days count; from 13.5 everything is 0 unless
 * `jobstats.collect=true`.
 */
export function serviceStatistics(state: SimClusterState, version: OpencastVersion, jobstatsCollect: boolean): ServiceStats[] {
  const now = state.now();
  const zeroed = atLeast(version, 13, 5) && !jobstatsCollect;
  const recent = (job: SimJob): boolean => !atLeast(version, 2, 2) || now - job.createdAt <= FOURTEEN_DAYS_MS;
  const rows: ServiceStats[] = [];
  for (const host of state.hosts.filter((h) => h.active)) {
    const mine = state.jobs.filter((job) => job.processingHost === host.baseUrl && recent(job));
    const types = [...new Set([...DEFAULT_SERVICES, ...mine.map((job) => job.type)])];
    for (const type of types) {
      const jobs = mine.filter((job) => job.type === type);
      const finished = jobs.filter((job) => job.status === 'FINISHED');
      const started = finished.filter((job) => job.startedAt !== undefined);
      const mean = (values: number[]): number => (values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : 0);
      rows.push({
        host,
        type,
        running: zeroed ? 0 : jobs.filter((job) => job.status === 'RUNNING').length,
        queued: zeroed ? 0 : jobs.filter((job) => job.status === 'QUEUED' || job.status === 'DISPATCHING').length,
        finished: zeroed ? 0 : finished.length,
        meanRunTimeMs: zeroed ? 0 : mean(finished.map((job) => job.durationMs)),
        meanQueueTimeMs: zeroed ? 0 : mean(started.map((job) => job.startedAt! - job.createdAt)),
      });
    }
  }
  return rows;
}

/** Job statuses that count as load on a host, by version (§3 load endpoints). */
function loadStatuses(version: OpencastVersion): readonly SimJobStatus[] {
  if (atLeast(version, 5)) return ['RUNNING'];
  // WAITING also counted in 2.2; the simulator has no WAITING jobs.
  return ['QUEUED', 'DISPATCHING', 'RUNNING'];
}

/**
 * Current load per active host. Hosts in maintenance report 0 (the `hostloads`
 * query skips them), so this cannot follow a drain. Workflow jobs are left out
 * from 4.0 (upstream: late 3.x; the simulator rounds to the major version).
 */
export function currentLoads(state: SimClusterState, version: OpencastVersion): Map<string, number> {
  const statuses = loadStatuses(version);
  const loads = new Map<string, number>();
  for (const host of state.hosts.filter((h) => h.active)) loads.set(host.baseUrl, 0);
  for (const job of state.jobs) {
    if (!job.processingHost || !statuses.includes(job.status)) continue;
    if (atLeast(version, 4) && job.type === WORKFLOW_TYPE) continue;
    const host = state.hosts.find((h) => h.baseUrl === job.processingHost);
    if (!host || !host.active || host.maintenance) continue;
    loads.set(host.baseUrl, (loads.get(host.baseUrl) ?? 0) + job.load);
  }
  return loads;
}
