/**
 * Builds the scaler's view of a cluster from what the fleet and Opencast said.
 * Rules from the original: workers are hostname `worker*` in the `Workers` layer,
 * the admin node is `admin*`, OpsWorks time/load-based instances are ignored.
 * A worker is matched to its Opencast host by name or address (host-match.ts),
 * not by the original's `http://` + private DNS.
 * A provider that records roles itself (the ec2 provider's role tag) is believed
 * instead of the hostname rules: after OpsWorks, names are no longer guaranteed.
 */
import { billedMinutes, uptimeSeconds } from './billing';
import { ScalingError, WorkerNotFoundError } from './errors';
import { matchHosts, mayBe, type HostClaim, type HostMatchOptions } from './host-match';
import { statusClassOf } from './instance-state';
import type {
  ClusterCounts,
  ClusterRef,
  ClusterView,
  FleetInstance,
  Layer,
  OpencastHost,
  OpencastObservation,
  Role,
  Worker,
} from './types';

const WORKER_LAYER = 'Workers';

export function roleOf(instance: FleetInstance): Role {
  if (instance.role !== undefined) return instance.role;
  const name = instance.hostname.toLowerCase();
  if (name.startsWith('admin')) return 'admin';
  if (name.startsWith('worker') && instance.layerNames.includes(WORKER_LAYER)) return 'worker';
  if (name.startsWith('engage')) return 'engage';
  return 'other';
}

/**
 * Whether the scaler needs an instance's EC2 facts: a worker's launch time is
 * its uptime (the billing rules) and its tags may protect it; any other node
 * only needs a DNS name, which OpsWorks gives unless it is missing.
 */
export function needsEc2Details(instance: FleetInstance): boolean {
  return roleOf(instance) === 'worker' || !instance.privateDns;
}

/** The admin node: the first managed instance whose role is admin (OpsWorks time/load-based ones are ignored). */
export function adminOf(instances: readonly FleetInstance[]): FleetInstance | undefined {
  return instances.find((i) => !i.autoScalingType && roleOf(i) === 'admin');
}

/** The admin node's DNS name for the Opencast API: public when it has one, else private. */
export function adminUrlOf(admin: FleetInstance): string | undefined {
  const dns = admin.publicDns || admin.privateDns;
  return dns ? `http://${dns}` : undefined;
}

export interface BuildViewInput {
  cluster: ClusterRef;
  layers: Layer[];
  instances: FleetInstance[];
  opencast: OpencastObservation;
  now: Date;
  /** Hostnames that must never be drained (config), in addition to a `protectTag` on the instance. */
  protectedHostnames?: readonly string[];
  protectTag?: { key: string; value: string };
  /** Explicit host matches for unusual setups (settings map, URL tag). */
  hostMatch?: HostMatchOptions;
}

export function buildClusterView(input: BuildViewInput): ClusterView {
  const managed = input.instances.filter((i) => !i.autoScalingType);
  const admin = adminOf(managed);
  const index = hostIndexOf(input);
  const workers = managed
    .filter((i) => roleOf(i) === 'worker')
    .map((i) => toWorker(i, input, index))
    .sort((a, b) => compareHostnames(a.hostname, b.hostname));
  const counts: ClusterCounts = {
    instances: managed.length,
    onlineInstances: managed.filter((i) => statusClassOf(i.state) === 'online').length,
    workers: workers.length,
    onlineWorkers: workers.filter((w) => w.statusClass === 'online').length,
    pendingWorkers: workers.filter((w) => w.statusClass === 'pending').length,
  };
  return {
    cluster: input.cluster.name,
    clusterId: input.cluster.id,
    observedAt: input.now.toISOString(),
    layers: input.layers,
    instances: managed,
    ...(admin ? { admin } : {}),
    workers,
    counts,
    opencast: input.opencast,
    ...(index.up ? { hostMatch: { unclaimed: index.unclaimed, ambiguous: index.ambiguous } } : {}),
  };
}

/** What toWorker needs from Opencast, matched once per view rather than searched per worker. */
interface HostIndex {
  up: boolean;
  /** Instance id → its Opencast host. */
  claims: ReadonlyMap<string, HostClaim>;
  unclaimed: string[];
  ambiguous: string[];
  /** Online hosts no single instance owns, and which instances each may be. */
  doubtful: { host: OpencastHost; mayBe: (instance: FleetInstance) => boolean }[];
  runningByHost: Readonly<Record<string, number>>;
  protectedHostnames: ReadonlySet<string>;
}

function hostIndexOf(input: BuildViewInput): HostIndex {
  const oc = input.opencast;
  // Every instance claims, OpsWorks time/load-based ones too: their hosts are known, not strangers.
  const matches = oc.up ? matchHosts(input.instances, oc.hosts, input.hostMatch) : undefined;
  const doubtful: HostIndex['doubtful'] = [];
  if (oc.up && matches) {
    const unclaimed = new Set(matches.unclaimed);
    for (const host of oc.hosts) {
      if (!host.online) continue;
      const claimants = matches.claimants.get(host.baseUrl);
      if (claimants) doubtful.push({ host, mayBe: (i) => claimants.includes(i.id) });
      else if (unclaimed.has(host.baseUrl)) doubtful.push({ host, mayBe: (i) => mayBe(i, host) });
    }
  }
  return {
    up: oc.up,
    claims: matches?.byInstance ?? new Map(),
    unclaimed: matches?.unclaimed ?? [],
    ambiguous: matches?.ambiguous ?? [],
    doubtful,
    runningByHost: oc.up ? oc.runningByHost : {},
    protectedHostnames: new Set(input.protectedHostnames ?? []),
  };
}

function toWorker(instance: FleetInstance, input: BuildViewInput, index: HostIndex): Worker {
  const cls = statusClassOf(instance.state);
  // Uptime only counts for a running worker: a stopped one's LaunchTime is from its last run.
  const uptime = cls === 'online' && instance.ec2Id ? uptimeSeconds(instance.launchTime, input.now) : 0;
  const claim = index.claims.get(instance.id);
  const host = claim?.host;
  const hostUrl = host?.baseUrl;
  // Running without an online host of its own, a host no single instance owns may be this worker: its jobs
  // and serving are then unknown, not zero (a drain would otherwise stop a busy worker).
  const unsure = host?.online || cls === 'stopped' ? [] : index.doubtful.filter((d) => d.mayBe(instance)).map((d) => d.host.baseUrl);
  const runningJobs = index.up && unsure.length === 0 ? (hostUrl ? (index.runningByHost[hostUrl] ?? 0) : 0) : null;
  const tag = input.protectTag;
  const isProtected = index.protectedHostnames.has(instance.hostname) || (tag !== undefined && instance.tags?.[tag.key] === tag.value);
  // Optional fields are assigned in place (not spread): this runs for every worker of every observation.
  const worker = { hostname: instance.hostname, id: instance.id } as Worker;
  if (instance.id !== instance.ec2Id) worker.opsworksId = instance.id;
  if (instance.ec2Id) worker.ec2Id = instance.ec2Id;
  if (instance.instanceType) worker.instanceType = instance.instanceType;
  worker.provider = instance.provider;
  worker.state = instance.status;
  worker.instanceState = instance.state;
  worker.statusClass = cls;
  if (hostUrl) {
    worker.hostUrl = hostUrl;
    worker.hostMatch = claim!.by;
    worker.hostOnline = host!.online;
  }
  worker.hasEc2 = Boolean(instance.ec2Id);
  if (instance.launchTime) worker.launchTime = instance.launchTime;
  worker.uptimeSeconds = uptime;
  worker.billedMinutes = billedMinutes(uptime);
  worker.registered = host !== undefined;
  if (unsure.length > 0) worker.unsureHosts = unsure;
  worker.maintenance = host?.maintenance ?? false;
  worker.runningJobs = runningJobs;
  worker.idle = runningJobs === null ? null : runningJobs === 0;
  worker.protected = isProtected;
  return worker;
}

/** Workers that are online or on their way: what `scale to` and `scale down` count. */
export function activeWorkers(view: ClusterView): Worker[] {
  return view.workers.filter((w) => w.statusClass === 'online' || w.statusClass === 'pending');
}

/**
 * The worker a workflow acts on: the instance `id` when given (a drain checks and stops the instance it
 * began with, never another of the same name), else the one worker of that hostname. Two instances of one
 * name and no id: refused, since acting on whichever comes first may stop the wrong one.
 */
export function findWorker(view: ClusterView, hostname: string, id?: string): Worker {
  if (id !== undefined) {
    const worker = view.workers.find((w) => w.id === id);
    if (!worker) throw Object.assign(new WorkerNotFoundError(hostname), { message: `no worker named "${hostname}" with instance id ${id} in the cluster` });
    return worker;
  }
  const named = view.workers.filter((w) => w.hostname === hostname);
  if (named.length === 0) throw new WorkerNotFoundError(hostname);
  if (named.length > 1) {
    throw new ScalingError(`${named.length} instances are named ${hostname} (${named.map((w) => w.id).join(', ')}): not acting on one by name; give the instance id, or give each its own Name tag`);
  }
  return named[0]!;
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

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Hostnames as people read them: worker2 before worker10 (ties broken by code point, so the order is total). */
export function compareHostnames(a: string, b: string): number {
  return naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
