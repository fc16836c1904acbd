/**
 * Which workers bill without serving: their instance runs, but Opencast lists
 * no online host that is theirs (core/host-match.ts). A boot that never
 * registers (Opencast failed to start, setup failed, the agent lost its
 * connection, or `org.opencastproject.server.url` left at its default
 * `http://localhost:8080`) looks like this, and so does a worker started
 * outside mo-scaler that never joined. `status` reports them; a boot past its
 * deadline and the autoscale cycle stop them, but only when Opencast answered
 * and no online host that no single instance owns may be this worker (under a
 * name no rule recognises; decided per worker, host-match.ts `mayBe`): nothing
 * is stopped on missing data, and what holds a stop back is said with its fix.
 */
import { uptimeSeconds } from './billing';
import type { ClusterView, FleetInstance, ServingMemory, Worker } from './types';
import { providerState, RUNNING_NOT_READY } from './instance-state';

/** How long a boot may take to serve before it is given up (boot-worker's default `maxBootMinutes`). */
export const BOOT_TIMEOUT_MINUTES = 30;

/**
 * The autoscale cycle stops a worker started outside a boot (or whose boot died)
 * once it has run this long without serving: a minute before the boot timeout, so
 * that the first cycle past it (the stop takes seconds) keeps every instance within
 * "no billing without serving for longer than the boot timeout plus one cycle".
 */
export const UNSERVED_STOP_SECONDS = (BOOT_TIMEOUT_MINUTES - 1) * 60;

/** The worker's instance runs (billed): ready, or launched and not ready (yet, or any more). */
export function isInstanceRunning(worker: Worker): boolean {
  return worker.launchTime !== undefined && (worker.statusClass === 'online' || RUNNING_NOT_READY.has(worker.instanceState));
}

/** Seconds since the instance's current run began (0 when it does not run). */
export function runningSeconds(worker: Worker, now: Date): number {
  return isInstanceRunning(worker) ? uptimeSeconds(worker.launchTime, now) : 0;
}

/** Opencast lists the worker's host online: it takes jobs, or finishes them in maintenance. */
export function isServing(worker: Worker): boolean {
  return worker.registered && worker.hostOnline === true;
}

/**
 * Why nothing can be proven about this worker when Opencast does not list it,
 * or undefined when its absence is a fact: Opencast must have answered, and no
 * online host that no single instance owns may be this worker (decided per
 * worker: one stray host elsewhere does not turn the safety net off for all).
 */
export function whyUnprovable(view: ClusterView, worker: Worker): string | undefined {
  if (!view.opencast.up) return `Opencast did not answer (${view.opencast.error})`;
  if (worker.unsureHosts?.length) return unsureText(worker);
  return undefined;
}

/** `Opencast lists host(s) no instance matches (...) that may be worker3: set ...`. */
function unsureText(worker: Worker): string {
  return `Opencast lists host(s) no single instance matches (${list(worker.unsureHosts ?? [], 5)}) that may be ${worker.hostname}: ${HOW_TO_CLAIM}`;
}

/** Why a worker's running jobs are unknown (runningJobs null): Opencast did not answer, or an unowned host may be it. */
export function unknownJobsDetail(worker: Worker): string {
  return worker.unsureHosts?.length
    ? `running jobs unknown: Opencast host(s) no single instance matches (${list(worker.unsureHosts, 5)}) may be it; map it with MOSCALER_HOST_URLS or the host URL tag (docs/host-matching.md)`
    : 'running jobs unknown: Opencast did not answer';
}

const HOW_TO_CLAIM = 'map it with MOSCALER_HOST_URLS or the host URL tag, or set the node\'s org.opencastproject.server.url to a name of the instance (docs/host-matching.md)';

export interface UnservingWorker {
  worker: Worker;
  /** Seconds it has gone without serving ({@link unservedSince}). */
  unservedSeconds: number;
  /** When that stretch began (ISO). */
  since: string;
  detail: string;
}

/** How the unserved stretch is measured: without `memory` or `since` (a manual drain), from the launch. */
interface UnservedOptions {
  now: Date;
  timeoutSeconds: number;
  /** What the cycles saw (the autoscale plan). */
  memory?: ServingMemory;
  /** Since when the plan found it not serving (begin-drain re-checking the plan's stop: it reads no memory). */
  since?: string;
}

/**
 * When the worker's current stretch without serving began, in epoch ms: the later of its launch and the
 * last time a cycle saw it serving. Why not the launch alone: a worker that served for hours and whose
 * Opencast restarts (a new server.url, an upgrade) lost its host a minute ago, and registers again
 * within the boot timeout. A worker the memory has not seen serving is measured from the later of its
 * launch and when the cycles began watching: never from before what was watched (missing data stops
 * nothing early), and a boot that never registers is still measured from its launch, as it must be.
 */
function unservedSince(worker: Worker, { memory, since }: Pick<UnservedOptions, 'memory' | 'since'>): number {
  const launched = Date.parse(worker.launchTime ?? '');
  const from = since ?? (memory ? (memory.lastServed[worker.id] ?? memory.watchedSince) : undefined);
  if (from === undefined) return launched;
  const seen = Date.parse(from);
  return Number.isNaN(launched) ? seen : Math.max(launched, seen);
}

/** Seconds the running worker has gone without serving (0 when it does not run). */
function unservedSeconds(worker: Worker, options: UnservedOptions): number {
  if (!isInstanceRunning(worker)) return 0;
  const since = unservedSince(worker, options);
  return Number.isNaN(since) ? 0 : Math.max(0, Math.floor((options.now.getTime() - since) / 1000));
}

/** Most workers the serving memory keeps (the last seen first): far more than a cluster runs, and a few KB of JSON. */
const MAX_REMEMBERED = 2000;

/**
 * The serving memory the next cycle reads: each running worker seen serving now is remembered at `now`,
 * other running workers keep what was remembered, workers no longer running are forgotten. `previous`
 * undefined (first cycle, memory unreadable or too old): watching starts now. So it does when Opencast did
 * not answer: a worker may have served all the while unseen, and the outage must not count as time without serving.
 */
export function nextServingMemory(view: ClusterView, previous: ServingMemory | undefined, now: Date): ServingMemory {
  const at = now.toISOString();
  if (!view.opencast.up) return { watchedSince: at, lastServed: {} };
  const entries = view.workers.flatMap((w): [string, string][] => {
    if (!isInstanceRunning(w)) return [];
    if (isServing(w)) return [[w.id, at]];
    const seen = previous?.lastServed[w.id];
    return seen ? [[w.id, seen]] : [];
  });
  entries.sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
  return { watchedSince: previous?.watchedSince ?? at, lastServed: Object.fromEntries(entries.slice(0, MAX_REMEMBERED)) };
}

/**
 * Running workers that have gone at least `timeoutSeconds` without Opencast listing
 * them online ({@link unservedSince}), minus protected ones and `exclude` (a boot or drain
 * acts on them). A worker whose absence is not provable ({@link whyUnprovable}) is left out.
 */
export function unservingWorkers(view: ClusterView, options: UnservedOptions & { exclude?: ReadonlySet<string> }): UnservingWorker[] {
  return view.workers.flatMap((w) => (options.exclude?.has(w.hostname) ? [] : (unservingWorker(view, w, options) ?? [])));
}

/** One worker, when it has gone `timeoutSeconds` without serving and that is provable; undefined otherwise. */
export function unservingWorker(view: ClusterView, worker: Worker, options: UnservedOptions): UnservingWorker | undefined {
  return whyUnprovable(view, worker) === undefined ? unserving(worker, options) : undefined;
}

/**
 * Running workers that have billed past `timeoutSeconds` without Opencast listing them, whose stop
 * is held back because a host no single instance owns may be them: the plan says so, with the fix.
 */
export function unprovableWorkers(view: ClusterView, options: UnservedOptions): string[] {
  if (!view.opencast.up) return [];
  return view.workers.flatMap((w) => {
    const seconds = unservedSeconds(w, options);
    if (!w.unsureHosts?.length || w.protected || isServing(w) || seconds < options.timeoutSeconds) return [];
    return [`${w.hostname} has been without a host of its own in Opencast for ${Math.floor(seconds / 60)} min; not stopped: ${unsureText(w)}`];
  });
}

function unserving(worker: Worker, options: UnservedOptions): UnservingWorker | undefined {
  if (worker.protected || isServing(worker) || !isInstanceRunning(worker)) return undefined;
  const seconds = unservedSeconds(worker, options);
  if (seconds < options.timeoutSeconds) return undefined;
  const since = new Date(unservedSince(worker, options)).toISOString();
  return { worker, unservedSeconds: seconds, since, detail: notServingText(worker, seconds, since, options) };
}

/**
 * `worker3 (OpsWorks setup_failed) has not served in the 34 min since its launch at 2025-10-13T09:26:00Z and Opencast lists no host of it`,
 * or `... since a cycle last saw it serving at 2025-10-13T09:26:00Z (up 335 min) and its host http://10.0.0.3:8080 is offline in Opencast`.
 */
function notServingText(worker: Worker, seconds: number, since: string, { now, memory, ...options }: UnservedOptions): string {
  const state = worker.statusClass === 'online' ? '' : ` (${providerState(worker)})`;
  const host = worker.hostUrl ? `its host ${worker.hostUrl} is offline in Opencast` : 'Opencast lists no host of it';
  const at = since.replace(/\.\d{3}Z$/, 'Z');
  const launched = worker.launchTime !== undefined && Date.parse(worker.launchTime) === Date.parse(since);
  const seen = options.since !== undefined ? '' : memory?.lastServed[worker.id] !== undefined ? 'a cycle last saw it serving at ' : 'the cycles began watching at ';
  const from = launched ? `its launch at ${at}` : `${seen}${at} (up ${Math.floor(uptimeSeconds(worker.launchTime, now) / 60)} min)`;
  return `${worker.hostname}${state} has not served in the ${Math.floor(seconds / 60)} min since ${from} and ${host}`;
}

/**
 * A boot takes "a few minutes" with OpsWorks (less on plain EC2) before Opencast
 * registers the host; before this long, no match at all may just be boots
 * under way, not a misconfiguration, so `status` does not warn yet.
 */
const REGISTRATION_GRACE_MINUTES = 10;

export interface RegistrationReport {
  /** Running workers Opencast does not list online, with minutes since their instance started. */
  unregistered: { hostname: string; minutes: number }[];
  warnings: string[];
}

/** What `status` says about registration: unlisted running workers, and a warning when no running worker matches any host. */
export function registrationReport(view: ClusterView): RegistrationReport {
  const now = new Date(view.observedAt);
  if (!view.opencast.up) return { unregistered: [], warnings: [] };
  const running = view.workers.filter(isInstanceRunning);
  const unregistered = running.filter((w) => !isServing(w)).map((w) => ({ hostname: w.hostname, minutes: Math.floor(runningSeconds(w, now) / 60) }));
  const warnings = unregistered.map((u) => `${u.hostname} is running but not registered in Opencast for ${u.minutes} min`);
  const online = new Set(view.opencast.hosts.filter((h) => h.online).map((h) => h.baseUrl));
  for (const url of view.hostMatch?.unclaimed ?? []) {
    if (!online.has(url)) continue;
    const may = view.workers.filter((w) => w.unsureHosts?.includes(url)).map((w) => w.hostname);
    warnings.push(
      may.length > 0
        ? `Opencast host ${url} matches no instance and may be ${list(may, 10)}: their jobs are unknown and they are never stopped as unserving; ${HOW_TO_CLAIM}`
        : `Opencast host ${url} matches no instance, and its address is none of the workers': it holds no worker back`,
    );
  }
  warnings.push(...duplicateNameWarnings(view));
  const settled = running.some((w) => runningSeconds(w, now) >= REGISTRATION_GRACE_MINUTES * 60);
  if (settled && running.every((w) => !w.registered) && view.opencast.hosts.length > 0) {
    const byId = new Map(view.instances.map((i) => [i.id, i]));
    const workers = running.map((w) => describeInstance(w, byId.get(w.id)));
    const hosts = view.opencast.hosts.map((h) => `${h.baseUrl}${h.address ? ` (${h.address})` : ''}`);
    warnings.push(
      `no running worker matches any Opencast host: workers ${list(workers, 20)}; Opencast hosts ${list(hosts, 20)}. ` +
        'Each node registers under its org.opencastproject.server.url (default http://localhost:8080): set it to a name or address of the instance, or map the workers with MOSCALER_HOST_URLS or the host URL tag (docs/host-matching.md)',
    );
  }
  for (const url of view.hostMatch?.ambiguous ?? []) warnings.push(`Opencast host ${url} matches more than one instance equally: none is taken to be it`);
  return { unregistered, warnings };
}

/** Two instances under one hostname (an EC2 `Name` tag copied with the launch template): said in `status`. */
function duplicateNameWarnings(view: ClusterView): string[] {
  const byName = new Map<string, Worker[]>();
  for (const w of view.workers) byName.set(w.hostname, [...(byName.get(w.hostname) ?? []), w]);
  return [...byName].flatMap(([hostname, ws]) =>
    ws.length < 2
      ? []
      : [`${ws.length} instances share the name ${hostname} (${ws.map((w) => w.ec2Id ?? w.id).join(', ')}): executions are keyed by instance id for them; give each its own Name tag`],
  );
}

function describeInstance(worker: Worker, instance: FleetInstance | undefined): string {
  const names = [instance?.privateDns, instance?.privateIp, instance?.publicDns, instance?.publicIp].filter(Boolean);
  return names.length ? `${worker.hostname} (${names.join(', ')})` : worker.hostname;
}

function list(items: readonly string[], max: number): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}
