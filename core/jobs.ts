/**
 * Counting Opencast jobs. Running work per worker comes from RUNNING jobs by
 * processing host (activeJobs.json), never from statistics.json, which reports
 * zeros on default configurations since 13.5 (see reference/opencast-api.md §3).
 */
import type { OpencastJob, QueueCounts } from './types';

/** The original's high-load workflow operations (harvard-dce mo-scaler). */
export const HIGH_LOAD_OPERATIONS = [
  'autotrim',
  'composite',
  'concat',
  'demux',
  'editor',
  'encode',
  'inspect',
  'multiencode',
  'process-smil',
  'segment-video',
] as const;

const WORKFLOW_JOB_TYPE = 'org.opencastproject.workflow';

/**
 * Job operations (what activeJobs reports) that each workflow operation id creates,
 * so one list of names filters both DCE's queuedJobCount and upstream activeJobs.
 */
const JOB_OPERATIONS_OF: Record<string, readonly string[]> = {
  autotrim: ['autotrim'],
  composite: ['composite'],
  concat: ['concat'],
  demux: ['demux'],
  editor: ['processsmil', 'editor'],
  encode: ['encode', 'parallelencode'],
  inspect: ['inspect', 'enrich'],
  multiencode: ['multiencode'],
  'process-smil': ['processsmil'],
  'segment-video': ['segment'],
};

/** Job operations matched by a list of workflow operation ids (or job operation names). */
function jobOperationsFor(operations: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const op of operations) {
    const key = op.toLowerCase();
    for (const jobOp of JOB_OPERATIONS_OF[key] ?? [key.replace(/-/g, '')]) out.add(jobOp);
  }
  return out;
}

/** A workflow's own job (its operations' dispatcher): it runs on the admin node and takes no worker slot. */
function isWorkflowJob(job: OpencastJob): boolean {
  return job.type === WORKFLOW_JOB_TYPE;
}

/**
 * Services of the admin and presentation nodes, not of workers (Opencast's multi-server layout:
 * https://docs.opencast.org/develop/admin/installation/multiple-servers/): a job of one waits for no
 * worker, so it is no demand for one. A service not listed here counts (fail toward keeping capacity).
 */
const NOT_WORKER_SERVICES = [
  'org.opencastproject.distribution.',
  'org.opencastproject.search',
  'org.opencastproject.ingest',
  'org.opencastproject.scheduler',
  'org.opencastproject.publication.',
  'org.opencastproject.assetmanager',
  'org.opencastproject.archive',
  'org.opencastproject.oaipmh',
  'org.opencastproject.series',
];

/** A job a worker would run: not a workflow's own job, nor one of an admin or presentation service. */
export function isWorkerJob(job: OpencastJob): boolean {
  return !isWorkflowJob(job) && !NOT_WORKER_SERVICES.some((s) => job.type.startsWith(s));
}

export function isBacklog(job: OpencastJob): boolean {
  return (job.status === 'QUEUED' || job.status === 'RESTART') && !isWorkflowJob(job);
}

/**
 * Statuses that tie a job to its processing host: if the host goes away, Opencast
 * restarts these from scratch elsewhere (§5), so a host holding one is not idle.
 */
const HOLDS_HOST = new Set(['RUNNING', 'DISPATCHING', 'WAITING']);

/** Jobs holding each processing host (base_url). */
export function runningByHost(jobs: readonly OpencastJob[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const job of jobs) {
    if (!HOLDS_HOST.has(job.status) || !job.processingHost) continue;
    out[job.processingHost] = (out[job.processingHost] ?? 0) + 1;
  }
  return out;
}

/** Backlog, optionally restricted to some operations. */
export function countBacklog(jobs: readonly OpencastJob[], operations?: readonly string[]): number {
  const wanted = operations && operations.length > 0 ? jobOperationsFor(operations) : undefined;
  return jobs.filter((j) => isBacklog(j) && (!wanted || wanted.has(j.operation.toLowerCase()))).length;
}

export function queueCounts(jobs: readonly OpencastJob[]): QueueCounts {
  return { queued: countBacklog(jobs), queuedHighLoad: countBacklog(jobs, HIGH_LOAD_OPERATIONS) };
}
