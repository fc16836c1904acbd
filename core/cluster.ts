/**
 * Builds the scaler's view of a cluster from what the fleet and Opencast said.
 * Rules from the original: workers are hostname `worker*` in the `Workers` layer,
 * the admin node is `admin*`, OpsWorks time/load-based instances are ignored, and
 * a worker is matched to its Opencast host by `http://` + private DNS.
 * A provider that records roles itself (the ec2 provider's role tag) is believed
 * instead of the hostname rules: after OpsWorks, names are no longer guaranteed.
 */
import { billedMinutes, uptimeSeconds } from './billing';
import type {
  ClusterCounts,
  ClusterRef,
  ClusterView,
  FleetInstance,
  Layer,
  OpencastObservation,
  Role,
  StatusClass,
  Worker,
} from './types';

export const WORKER_LAYER = 'Workers';

const ONLINE = new Set(['online']);
const PENDING = new Set(['pending', 'requested', 'running_setup', 'booting', 'rebooting']);
const STOPPED = new Set(['stopped']);

export function statusClass(status: string): StatusClass {
  if (ONLINE.has(status)) return 'online';
  if (PENDING.has(status)) return 'pending';
  if (STOPPED.has(status)) return 'stopped';
  return 'other';
}

export function roleOf(instance: FleetInstance): Role {
  if (instance.role !== undefined) return instance.role;
  const name = instance.hostname.toLowerCase();
  if (name.startsWith('admin')) return 'admin';
  if (name.startsWith('worker') && instance.layerNames.includes(WORKER_LAYER)) return 'worker';
  if (name.startsWith('engage')) return 'engage';
  return 'other';
}

export function hostUrlOf(instance: FleetInstance): string | undefined {
  return instance.privateDns ? `http://${instance.privateDns}` : undefined;
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
}

export function buildClusterView(input: BuildViewInput): ClusterView {
  const managed = input.instances.filter((i) => !i.autoScalingType);
  const admin = adminOf(managed);
  const workers = managed
    .filter((i) => roleOf(i) === 'worker')
    .map((i) => toWorker(i, input))
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
  const counts: ClusterCounts = {
    instances: managed.length,
    onlineInstances: managed.filter((i) => statusClass(i.status) === 'online').length,
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
  };
}

function toWorker(instance: FleetInstance, input: BuildViewInput): Worker {
  const cls = statusClass(instance.status);
  const hostUrl = hostUrlOf(instance);
  // Uptime only counts for a running worker: a stopped one's LaunchTime is from its last run.
  const uptime = cls === 'online' && instance.ec2Id ? uptimeSeconds(instance.launchTime, input.now) : 0;
  const oc = input.opencast;
  const host = oc.up && hostUrl ? oc.hosts.find((h) => h.baseUrl === hostUrl) : undefined;
  const runningJobs = oc.up ? (hostUrl ? (oc.runningByHost[hostUrl] ?? 0) : 0) : null;
  const tag = input.protectTag;
  const isProtected =
    (input.protectedHostnames ?? []).includes(instance.hostname) ||
    (tag !== undefined && instance.tags?.[tag.key] === tag.value);
  return {
    hostname: instance.hostname,
    id: instance.id,
    ...(instance.id !== instance.ec2Id ? { opsworksId: instance.id } : {}),
    ...(instance.ec2Id ? { ec2Id: instance.ec2Id } : {}),
    ...(instance.instanceType ? { instanceType: instance.instanceType } : {}),
    state: instance.status,
    statusClass: cls,
    ...(hostUrl ? { hostUrl } : {}),
    hasEc2: Boolean(instance.ec2Id),
    ...(instance.launchTime ? { launchTime: instance.launchTime } : {}),
    uptimeSeconds: uptime,
    billedMinutes: billedMinutes(uptime),
    registered: host !== undefined,
    maintenance: host?.maintenance ?? false,
    runningJobs,
    idle: runningJobs === null ? null : runningJobs === 0,
    protected: isProtected,
  };
}

/** Workers that are online or on their way: what `scale to` and `scale down` count. */
export function activeWorkers(view: ClusterView): Worker[] {
  return view.workers.filter((w) => w.statusClass === 'online' || w.statusClass === 'pending');
}
