/**
 * Observe the cluster once: the fleet (a fixed number of AWS calls whatever its
 * size) and Opencast (credential check, hosts, active jobs). An Opencast failure
 * is recorded in the view, not thrown: scale-up may still go on, and every
 * scale-down rule fails closed on it.
 */
import { adminOf, adminUrlOf, buildClusterView, needsEc2Details } from '../core/cluster';
import { AuthError, ConfigError } from '../core/errors';
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
  settings: Pick<Settings, 'cluster' | 'opencast' | 'protectedWorkers' | 'protectTag'> & Partial<Pick<Settings, 'hostUrls' | 'hostUrlTag'>>;
}

export interface Observation {
  view: ClusterView;
  /** The Opencast client, when the admin node (or --opencast-url) was found. */
  opencast?: OpencastPort;
  /** Non-terminal jobs, when Opencast answered (strategies filter them by operation). */
  jobs?: OpencastJob[];
  /** Scheduled captures around now, when a policy asked for them (see observeSchedule). */
  schedule?: ScheduleObservation;
  /** Opencast's refusal of our credentials, when it refused them (see refuseWithoutCredentials). */
  refused?: AuthError;
}

/** Where the Opencast account is configured: the CLI's variables; deployed, the secret holding the same two values. */
const OPENCAST_ACCOUNT = 'MATTERHORN_USER/MATTERHORN_PASS';

/**
 * Opencast refused our credentials (401, 403, a login redirect, no ROLE_ADMIN): ours to fix, not an outage, so
 * a configuration error before any side effect, naming the account. The AuthError is its cause (the Lambda
 * runtime reads the secret again on it).
 */
export function credentialsRefusedError(user: string, refusal: AuthError): ConfigError {
  return new ConfigError(
    OPENCAST_ACCOUNT,
    `Opencast refused the account "${user}" (${refusal.message}); fix its password or roles ` +
      `(in the environment or .env; deployed: in the secret MOSCALER_OPENCAST_SECRET_ARN names). Nothing was done`,
    { cause: refusal },
  );
}

/** Throws credentialsRefusedError when this observation's Opencast refused our credentials. */
export function refuseWithoutCredentials(observation: Observation, user: string): void {
  if (observation.refused) throw credentialsRefusedError(user, observation.refused);
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
  let refused: AuthError | undefined;
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
      if (error instanceof AuthError) refused = error;
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
    hostMatch: {
      ...(deps.settings.hostUrls ? { hostUrls: deps.settings.hostUrls } : {}),
      ...(deps.settings.hostUrlTag ? { hostUrlTag: deps.settings.hostUrlTag } : {}),
    },
  });
  return { view, ...(opencast ? { opencast } : {}), ...(jobs ? { jobs } : {}), ...(refused ? { refused } : {}) };
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
 * Except a refusal of our credentials (401, or 403: the account may not read events): that is no missing
 * schedule, and the AuthError is thrown for the caller to report as a configuration error (credentialsRefusedError).
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
    if (error instanceof AuthError) throw error;
    return { up: false, error: (error as Error).message };
  }
}
