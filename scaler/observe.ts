/**
 * Observe the cluster once: the fleet (a fixed number of AWS calls whatever its
 * size) and Opencast (credential check, hosts, active jobs). An Opencast failure
 * is recorded in the view, not thrown: scale-up may still go on, and every
 * scale-down rule fails closed on it.
 */
import { adminOf, adminUrlOf, buildClusterView, needsEc2Details } from '../core/cluster';
import { AuthError } from '../core/errors';
import { countBacklog, HIGH_LOAD_OPERATIONS, queueCounts, runningByHost } from '../core/jobs';
import type { FleetPort, OpencastPort } from '../core/ports';
import type { Settings } from '../core/settings';
import type { ClusterRef, ClusterView, Layer, OpencastJob, OpencastObservation, ScheduleObservation } from '../core/types';
import { DependencyError, InternalError } from '../core/errors';

/**
 * What never changes while a process runs: a stack's id and its layers (ids are
 * fixed; a worker is always in `Workers`), and that the credentials were accepted.
 */
export interface ObserveCache {
  cluster?: ClusterRef;
  layers?: Layer[];
  credentialsCheckedFor?: string;
}

export interface ObserveDeps {
  fleet: FleetPort;
  /** Lookups a long-running process (a loop, a warm Lambda) makes once. */
  cache?: ObserveCache;
  /** Builds the Opencast client for the admin node's URL. */
  opencastAt: (baseUrl: string) => OpencastPort;
  now: () => Date;
  settings: Pick<Settings, 'cluster' | 'opencast' | 'protectedWorkers' | 'protectTag'>;
}

export interface Observation {
  view: ClusterView;
  /** The Opencast client, when the admin node (or --opencast-url) was found. */
  opencast?: OpencastPort;
  /** Non-terminal jobs, when Opencast answered (strategies filter them by operation). */
  jobs?: OpencastJob[];
  /** Scheduled captures around now, when a policy asked for them (see observeSchedule). */
  schedule?: ScheduleObservation;
}

export async function observeCluster(deps: ObserveDeps): Promise<Observation> {
  const cluster = deps.cache?.cluster ?? (await deps.fleet.findCluster(deps.settings.cluster));
  if (deps.cache) deps.cache.cluster = cluster;
  const layers = deps.cache?.layers ?? (await deps.fleet.listLayers(cluster));
  if (deps.cache) deps.cache.layers = layers;
  const instances = await deps.fleet.listInstances(cluster, layers, { detailsFor: needsEc2Details });
  const admin = adminOf(instances);
  const url = deps.settings.opencast.url ?? (admin ? adminUrlOf(admin) : undefined);
  const opencast = url ? deps.opencastAt(url) : undefined;
  let observed: OpencastObservation;
  let jobs: OpencastJob[] | undefined;
  if (!opencast) {
    observed = { up: false, error: 'no admin node found (and no --opencast-url given)' };
  } else {
    try {
      // Credentials are checked once per Opencast URL in a long-running process, every time in a one-shot command.
      const check = deps.cache?.credentialsCheckedFor !== url;
      const result = await observeOpencast(opencast, deps.settings.opencast.queueSource, check);
      if (deps.cache) deps.cache.credentialsCheckedFor = url;
      observed = result.observation;
      jobs = result.jobs;
    } catch (error) {
      observed = { up: false, error: (error as Error).message, ...(error instanceof AuthError ? { credentialsRefused: true as const } : {}) };
    }
  }
  const view = buildClusterView({
    cluster,
    layers,
    instances,
    opencast: observed,
    now: deps.now(),
    protectedHostnames: deps.settings.protectedWorkers,
    protectTag: deps.settings.protectTag,
  });
  return { view, ...(opencast ? { opencast } : {}), ...(jobs ? { jobs } : {}) };
}

async function observeOpencast(
  opencast: OpencastPort,
  queueSource: Settings['opencast']['queueSource'],
  checkCredentials: boolean,
): Promise<{ observation: OpencastObservation; jobs: OpencastJob[] }> {
  if (checkCredentials) await opencast.checkCredentials();
  const [hosts, jobs] = await Promise.all([opencast.listHosts(), opencast.activeJobs()]);
  const byHost = runningByHost(jobs);
  const running = Object.values(byHost).reduce((a, b) => a + b, 0);
  const queue =
    queueSource === 'queued-job-count'
      ? { queued: await opencast.queuedJobCount(), queuedHighLoad: await opencast.queuedJobCount(HIGH_LOAD_OPERATIONS) }
      : queueCounts(jobs);
  return { observation: { up: true, hosts, runningByHost: byHost, queue, running }, jobs };
}

/** Queued jobs of some operations, from the observation (or DCE's endpoint when configured). */
export async function queuedFor(
  observation: Observation,
  operations: readonly string[] | undefined,
  queueSource: Settings['opencast']['queueSource'],
): Promise<number> {
  if (!observation.view.opencast.up || !observation.opencast) {
    if (observation.view.opencast.up) throw new InternalError('Opencast answered but the observation holds no client for it');
    throw new DependencyError('opencast', observation.view.opencast.error);
  }
  if (queueSource === 'queued-job-count') return observation.opencast.queuedJobCount(operations);
  return countBacklog(observation.jobs ?? [], operations);
}

export interface ScheduleWindow {
  /** Captures that began this long ago may still be recording or uploading. */
  backMinutes: number;
  aheadMinutes: number;
}

/**
 * The scheduled captures whose start is in [now − back, now + ahead), for a policy that plans with them.
 * Fails soft: no Opencast client, a port without a schedule (or an Opencast before 6.0), or any error
 * gives `{up: false}` with the reason, and the policy falls back to what it does without a schedule.
 */
export async function observeSchedule(observation: Observation, now: Date, window: ScheduleWindow): Promise<ScheduleObservation> {
  const client = observation.opencast;
  if (!client) return { up: false, error: 'no Opencast client' };
  if (!client.scheduledEvents) return { up: false, error: 'this Opencast port reads no schedule' };
  const from = new Date(now.getTime() - window.backMinutes * 60_000);
  const to = new Date(now.getTime() + window.aheadMinutes * 60_000);
  try {
    const events = await client.scheduledEvents(from, to);
    return { up: true, from: from.toISOString(), to: to.toISOString(), events };
  } catch (error) {
    return { up: false, error: (error as Error).message };
  }
}
