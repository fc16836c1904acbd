/**
 * The ports the scaler reads and acts through, answered straight from the
 * cluster model in-process: what the real adapters hand to core after they
 * have parsed the simulator's wire answers (OpsWorks/EC2 DescribeInstances,
 * Opencast hosts.json and activeJobs.json, CloudWatch GetMetricData), without
 * serialising and parsing them. test/bench/model-ports.test.ts checks that an
 * observation through these ports equals one through the real clients on the wire.
 */
import type { FleetPort, ListInstancesOptions, MetricAnswer, MetricQuery, MetricsPort, OpencastPort } from '../../core/ports';
import type { ClusterRef, FleetInstance, Layer, OpencastHost, OpencastJob, Role, ScheduledEvent } from '../../core/types';
import { DEFAULT_ROLE_LAYERS, ec2InstanceState, ROLES } from '../../adapters/aws/ec2-fleet';
import { opsworksInstanceState } from '../../adapters/aws/opsworks-fleet';
import { privateIpOf } from '../../sim/aws/ec2';
import { addressOf } from '../../sim/opencast/endpoints';
import { indexedEvents, javaIso, statusOf } from '../../sim/opencast/external-events';
import { atLeast, parseVersion } from '../../sim/opencast/version';
import type { SimCluster } from '../../sim/model/cluster';
import { describedEc2State } from '../../sim/model/ec2-visibility';
import type { SimInstance, SimJob } from '../../sim/model/types';

export interface ModelPorts {
  fleet: FleetPort;
  opencast: OpencastPort;
  metrics: MetricsPort;
}

export interface ModelPortOptions {
  provider: 'opsworks' | 'ec2';
  /** CloudWatch publishes a datapoint this long after its timestamp (0: at once, as the simulator's CloudWatch). */
  metricDelayMs?: number;
}

/** OpsWorks statuses whose EC2 instance the OpsWorks provider does not describe (adapters/aws/opsworks-fleet.ts). */
const NOT_RUNNING = new Set(['stopped', 'terminated']);
// The EC2 provider's own mappings, so the in-process port reads the model as the adapter reads the wire.
const EC2_ROLE_LAYERS = DEFAULT_ROLE_LAYERS;

export function modelPorts(cluster: SimCluster, options: ModelPortOptions): ModelPorts {
  const fleet = options.provider === 'ec2' ? ec2Fleet(cluster) : opsworksFleet(cluster);
  return { fleet, opencast: opencastPort(cluster), metrics: metricsPort(cluster, options.metricDelayMs ?? 0) };
}

function opsworksFleet(cluster: SimCluster): FleetPort {
  // Layers never change once the stack exists (their count stands for them in the cache key).
  const instanceCache = new WeakMap<
    SimInstance,
    { status: string; ec2Id: string | undefined; launchTime: number | undefined; names: number; bare: FleetInstance; full: FleetInstance | undefined }
  >();
  return {
    findCluster: async (name) => ({ name, id: cluster.stack.id }),
    listLayers: async () => cluster.layers.map((l) => ({ id: l.id, name: l.name })),
    async listInstances(_ref: ClusterRef, known?: readonly Layer[], options: ListInstancesOptions = {}) {
      const layers = known ?? cluster.layers;
      const names = new Map(layers.map((l) => [l.id, l.name]));
      const wanted = options.detailsFor ?? (() => true);
      return cluster.instances.map((i) => {
        let cached = instanceCache.get(i);
        if (!cached || cached.status !== i.status || cached.ec2Id !== i.ec2Id || cached.launchTime !== i.launchTime || cached.names !== names.size) {
          const bare = opsworksInstance(i, names, false);
          const full = i.ec2Id && !NOT_RUNNING.has(i.status) ? opsworksInstance(i, names, true) : undefined;
          cached = { status: i.status, ec2Id: i.ec2Id, launchTime: i.launchTime, names: names.size, bare, full };
          instanceCache.set(i, cached);
        }
        // Only instances OpsWorks calls running, and that the caller wants, are joined with EC2's facts.
        // Core treats them as read-only values, so one object serves every observation while the instance is unchanged.
        return cached.full && wanted(cached.bare) ? cached.full : cached.bare;
      });
    },
    startInstance: async (id) => cluster.startInstance(id),
    stopInstance: async (id) => cluster.stopInstance(id),
  };
}

function opsworksInstance(i: SimInstance, layerNames: ReadonlyMap<string, string>, withEc2: boolean): FleetInstance {
  const out = { id: i.opsworksId, hostname: i.hostname, status: i.status, state: opsworksInstanceState(i.status), provider: 'opsworks' } as FleetInstance;
  if (i.ec2Id) out.ec2Id = i.ec2Id;
  out.instanceType = i.instanceType;
  out.privateDns = i.privateDns;
  if (i.publicDns) out.publicDns = i.publicDns;
  if (i.privateIp) out.privateIp = i.privateIp;
  if (i.publicIp) out.publicIp = i.publicIp;
  out.layerNames = i.layerIds.flatMap((id) => {
    const name = layerNames.get(id);
    return name ? [name] : [];
  });
  out.layerIds = [...i.layerIds];
  if (i.autoScalingType) out.autoScalingType = i.autoScalingType;
  if (withEc2) {
    if (i.launchTime !== undefined) out.launchTime = new Date(i.launchTime).toISOString();
    out.tags = { ...i.tags };
  }
  return out;
}

function ec2Fleet(cluster: SimCluster): FleetPort {
  // States as DescribeInstances shows them now: each change after its lag, as on the wire (sim/model/ec2-visibility.ts).
  const live = (shown: (i: SimInstance) => string) => cluster.instances.filter((i) => i.ec2Id && shown(i) !== 'terminated' && i.tags['opencast:cluster'] === cluster.stack.name);
  return {
    findCluster: async (name) => ({ name, id: name }),
    listLayers: async () => Object.entries(EC2_ROLE_LAYERS).map(([id, name]) => ({ id, name })),
    listInstances: async () => {
      const shown = describedEc2State(cluster);
      return live(shown).map((i) => {
        const ec2State = shown(i);
        const role = i.tags['opencast:role'];
        const layerName = role !== undefined ? EC2_ROLE_LAYERS[role] : undefined;
        const out: FleetInstance = {
          id: i.ec2Id!,
          hostname: i.tags.Name || i.privateDns.split('.')[0] || i.ec2Id!,
          status: ec2State,
          state: ec2InstanceState(ec2State),
          provider: 'ec2',
          ec2Id: i.ec2Id!,
          instanceType: i.instanceType,
          privateDns: i.privateDns,
          role: role !== undefined && ROLES.has(role) ? (role as Role) : 'other',
          layerNames: layerName ? [layerName] : [],
          layerIds: layerName && role ? [role] : [],
          tags: { ...i.tags },
        };
        const privateIp = i.privateIp ?? privateIpOf(i.privateDns);
        if (privateIp) out.privateIp = privateIp;
        // EC2 answers an empty dnsName and no ipAddress while the instance is not running.
        if (ec2State === 'running' && i.publicDns) out.publicDns = i.publicDns;
        if (ec2State === 'running' && i.publicIp) out.publicIp = i.publicIp;
        if (i.launchTime !== undefined) out.launchTime = new Date(i.launchTime).toISOString();
        return out;
      });
    },
    startInstance: async (id) => cluster.startEc2Instance(id),
    stopInstance: async (id) => cluster.stopEc2Instance(id),
  };
}

/** A SimJob as the client's toJob reads it from activeJobs.json; kept per job while its status and host stay. */
const jobCache = new WeakMap<SimJob, { status: string; host: string | undefined; job: OpencastJob }>();

function opencastJob(j: SimJob): OpencastJob {
  const cached = jobCache.get(j);
  if (cached && cached.status === j.status && cached.host === j.processingHost) return cached.job;
  const job: OpencastJob = { id: String(j.id), type: j.type, status: j.status, operation: j.operation };
  if (j.processingHost) job.processingHost = j.processingHost;
  job.createdHost = j.createdHost;
  job.jobLoad = j.load;
  jobCache.set(j, { status: j.status, host: j.processingHost, job });
  return job;
}

function opencastPort(cluster: SimCluster): OpencastPort {
  return {
    checkCredentials: async () => undefined,
    // Only active hosts are listed (sim/opencast/endpoints.ts).
    listHosts: async () =>
      cluster.hosts
        .filter((h) => h.active)
        .map((h): OpencastHost => {
          const host: OpencastHost = { baseUrl: h.baseUrl, online: h.online, active: h.active, maintenance: h.maintenance, maxLoad: h.maxLoad, cores: h.cores };
          // hosts.json has `address` from 2.0 (sim/opencast/endpoints.ts).
          if (atLeast(parseVersion(cluster.opencast.version), 2)) host.address = h.address ?? addressOf(h.baseUrl);
          if (h.nodeName) host.nodeName = h.nodeName;
          return host;
        }),
    activeJobs: async () => cluster.activeJobs().map(opencastJob),
    // DCE's endpoint: queued jobs of the given workflow operations (sim/opencast/endpoints.ts).
    queuedJobCount: async (operations) => {
      const wanted = operations && operations.length > 0 ? new Set(operations) : undefined;
      return cluster
        .activeJobs()
        .filter((j) => j.status === 'QUEUED' && j.type !== 'org.opencastproject.workflow' && (!wanted || wanted.has(j.workflowOperation))).length;
    },
    setMaintenance: async (baseUrl, on) => {
      if (!cluster.setMaintenance(baseUrl, on)) throw new Error(`no Opencast host ${baseUrl}`);
    },
    // The External API's answer as the client reads it (sim/opencast/external-events.ts): whole seconds, status as of the index.
    scheduledEvents: async (from, to) => {
      if (cluster.faultActive('schedule-unavailable')) throw new Error('GET /api/events: HTTP 500');
      const second = (ms: number) => Math.floor(ms / 1000) * 1000;
      const { events, asOf } = indexedEvents(cluster, second(from.getTime()), second(to.getTime()));
      return events.map((e): ScheduledEvent => ({
        id: e.id,
        start: new Date(Date.parse(javaIso(e.start))).toISOString(),
        end: new Date(Date.parse(javaIso(e.end))).toISOString(),
        agentId: e.agent,
        status: statusOf(e, asOf),
      }));
    },
  };
}

/**
 * GetMetricData as the simulator's CloudWatch answers it (sim/aws/cloudwatch.ts):
 * Period-long buckets from StartTime rounded down to the minute, inside
 * [StartTime, EndTime), empty buckets left out, averaged, oldest first.
 */
function metricsPort(cluster: SimCluster, delayMs: number): MetricsPort {
  return {
    async getAverages(queries: readonly MetricQuery[]): Promise<MetricAnswer[]> {
      const now = cluster.now();
      return queries.map((q) => {
        const start = Math.floor(q.start.getTime() / 60_000) * 60_000;
        const end = q.end.getTime();
        if (cluster.faultActive('metrics-missing', q.metric)) return { datapoints: [] };
        const series = cluster.metricSeries(q.namespace, q.metric, q.dimension, start);
        const period = q.periodSeconds * 1000;
        const buckets = new Map<number, number[]>();
        for (const p of series?.datapoints ?? []) {
          if (p.timestamp < start || p.timestamp >= end || p.timestamp > now - delayMs) continue;
          const bucket = start + Math.floor((p.timestamp - start) / period) * period;
          const list = buckets.get(bucket) ?? [];
          list.push(p.value);
          buckets.set(bucket, list);
        }
        const datapoints = [...buckets.entries()]
          .sort(([a], [b]) => a - b)
          .map(([at, values]) => ({ timestamp: new Date(at).toISOString(), value: values.reduce((x, y) => x + y, 0) / values.length }));
        return { datapoints };
      });
    },
  };
}
