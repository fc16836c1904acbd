/**
 * Shared steps of the worker activities: observe the cluster once, find the
 * worker, and turn what was seen into the facts the lifecycle machine reads.
 */
import { z } from 'zod';
import { activeWorkers } from '../core/cluster';
import { ConfigError } from '../core/errors';
import type { ClusterView, Worker } from '../core/types';
import type { ObservedFacts } from '../machines/worker-lifecycle';
import { observeCluster, type Observation } from '../scaler/observe';
import type { ActivityDeps } from './deps';

export async function observe(deps: ActivityDeps): Promise<Observation> {
  if (deps.observe) return deps.observe();
  return observeCluster({
    fleet: deps.fleet,
    opencastAt: deps.opencastAt,
    now: deps.now,
    settings: deps.settings,
    ...(deps.cache ? { cache: deps.cache } : {}),
  });
}

export class WorkerNotFoundError extends ConfigError {
  constructor(hostname: string) {
    super('hostname', `no worker named "${hostname}" in the cluster`);
    this.name = 'WorkerNotFoundError';
  }
}

export function findWorker(view: ClusterView, hostname: string): Worker {
  const worker = view.workers.find((w) => w.hostname === hostname);
  if (!worker) throw new WorkerNotFoundError(hostname);
  return worker;
}

/**
 * Workers that count towards the minimum: online and listed online by Opencast.
 * An EC2 instance is "running" (the ec2 provider's online) minutes before
 * Opencast serves on it, and an OpsWorks one is online before it registers.
 * Without Opencast nothing is stopped anyway (idleness is unproven).
 */
export function servingWorkers(view: ClusterView): Worker[] {
  if (!view.opencast.up) return view.workers.filter((w) => w.statusClass === 'online');
  const online = new Set(view.opencast.hosts.filter((h) => h.online).map((h) => h.baseUrl));
  return view.workers.filter((w) => w.statusClass === 'online' && w.hostUrl !== undefined && online.has(w.hostUrl));
}

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

/** Demand is back when Opencast has a backlog: the worker is needed after all (fail closed when unknown). */
export function hasDemandReturned(view: ClusterView): boolean {
  return view.opencast.up && view.opencast.queue.queued > 0;
}

export function onlineOrPending(view: ClusterView): number {
  return activeWorkers(view).length;
}

/** Validates an activity's event, naming the bad field (workflow input is user input too). */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown, activity: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.map(String).join('.') : '(event)';
  throw new ConfigError(`${activity} input ${path}`, issue?.message ?? 'invalid');
}

export const hostnameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a hostname');
