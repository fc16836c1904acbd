/**
 * Builds a SimCluster from a validated scenario: instances in their starting
 * states, the initial queue and running jobs, given CloudWatch history, the
 * fault schedule and the workload trace.
 */
import { ConfigError } from '../../core/errors';
import { DEFAULT_EC2_TAG_KEYS, DEFAULT_HOST_URL_TAG, DEFAULT_PROTECT_TAG } from '../../core/settings';
import { ManualClock, type VirtualClock } from './clock';
import { SimCluster, type InstanceRole } from './cluster';
import { vcpuOf } from './instance-types';
import type { FaultWindow } from './faults';
import { jobsOf } from './job-catalog';
import { hashString } from './prng';
import type { Scenario } from './scenario';
import { expandHostnames, resolveAt } from './scenario';
import { examSpike, explicitTrace, lectureWeek, mergeTraces, quietWeek, type Trace } from './traces';
import type { SimInstance, SimLayer } from './types';

const MIN = 60_000;

/** The scenario's workload: its generator's recordings plus its explicit jobs. */
export function scenarioTrace(scenario: Scenario): Trace {
  const start = Date.parse(scenario.start);
  const explicit = explicitTrace(
    scenario.trace.jobs.map((j) => ({
      at: resolveAt(j.at, start),
      workflowOperation: j.workflowOperation,
      durationMs: j.durationSeconds !== undefined ? j.durationSeconds * 1000 : (j.durationMinutes ?? 0) * MIN,
      count: j.count,
      ...(j.load !== undefined ? { load: j.load } : {}),
      ...(j.recording !== undefined ? { recording: j.recording } : {}),
      ...(j.stage !== undefined ? { stage: j.stage } : {}),
    })),
  );
  const g = scenario.trace.generator;
  if (!g) return explicit;
  const { name, ...options } = g;
  const generated =
    name === 'lecture-week'
      ? lectureWeek({ ...options, start })
      : name === 'quiet-week'
        ? quietWeek({ ...options, start })
        : examSpike({ ...(options as Omit<Extract<typeof g, { name: 'exam-spike' }>, 'name'>), start });
  return mergeTraces(generated, explicit);
}

/**
 * Tags beyond OpsWorks' own: an ec2 cluster is found and classified by its cluster,
 * role and hostname tags (the default keys); protection is a tag for both providers.
 * Ec2 instances keep the `opsworks:*` tags, as instances moved out of a stack do.
 */
function tagsFor(scenario: Scenario, role: InstanceRole, hostname: string, isProtected: boolean, cluster = scenario.cluster): Record<string, string> {
  return {
    ...(scenario.provider === 'ec2'
      ? {
          [DEFAULT_EC2_TAG_KEYS.cluster]: cluster,
          [DEFAULT_EC2_TAG_KEYS.role]: role,
          [DEFAULT_EC2_TAG_KEYS.hostname]: hostname,
        }
      : {}),
    ...(isProtected ? { [DEFAULT_PROTECT_TAG.key]: DEFAULT_PROTECT_TAG.value } : {}),
  };
}

export function faultWindows(scenario: Scenario): FaultWindow[] {
  const start = Date.parse(scenario.start);
  return scenario.faults.map((f) => {
    const from = resolveAt(f.at, start);
    return { kind: f.kind, from, until: from + f.forMinutes * MIN, ...(f.target ? { target: f.target } : {}) };
  });
}

/**
 * The model of a scenario on `clock` (default: a ManualClock at `start`).
 * With @sinonjs/fake-timers, install the fake clock at `start` and pass
 * `fromFakeTimers(fake)`: the model follows it (see clock.ts).
 */
export function createSimCluster(scenario: Scenario, clock?: VirtualClock): SimCluster {
  const start = Date.parse(scenario.start);
  const cluster = new SimCluster({
    clock: clock ?? new ManualClock(start),
    start,
    stackName: scenario.cluster,
    region: scenario.region,
    opencast: {
      version: scenario.opencast.version,
      user: scenario.opencast.user,
      password: scenario.opencast.password,
      queuedJobCountEndpoint: scenario.opencast.queuedJobCountEndpoint,
    },
    ...(scenario.timings ? { timings: scenario.timings } : {}),
    faults: faultWindows(scenario),
    publishers: {
      opsworks: scenario.cloudwatch.opsworks ?? scenario.provider === 'opsworks',
      queueMetric: scenario.cloudwatch.queueMetric ?? scenario.provider === 'opsworks',
      ec2Monitoring: scenario.cloudwatch.ec2Monitoring,
      ec2Delay: scenario.cloudwatch.ec2Delay,
    },
    seed: scenario.seed,
    consistency: { seed: hashString(`consistency:${scenario.seed}`), ...scenario.consistency },
    ...(scenario.cpuPerLoad !== undefined ? { cpuPerLoad: scenario.cpuPerLoad } : {}),
  });

  // Building reads only what addInstance/layerFor return: a getter would sync the model to the clock mid-build.
  const instances = new Map<string, SimInstance>();
  const layers: SimLayer[] = [];
  for (const o of scenario.others) {
    layers.push(cluster.layerFor(o.layer));
    const inst = cluster.addInstance({
      hostname: o.hostname,
      role: o.layer,
      instanceType: o.instanceType,
      status: 'online',
      uptimeMs: o.uptimeMinutes * MIN,
      tags: tagsFor(scenario, o.layer, o.hostname, false, o.cluster),
      ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
      ...(o.maxLoad !== undefined ? { maxLoad: o.maxLoad } : {}),
      ...(o.cluster !== undefined && o.cluster !== scenario.cluster ? { outsideCluster: true } : {}),
    });
    instances.set(inst.hostname, inst);
    addNodeJobs(cluster, inst.opsworksId, o.layer, o.runningJobs, o.maxLoad ?? vcpuOf(o.instanceType), start);
  }
  for (const row of scenario.opencast.staleHosts) cluster.addStaleHost(row);
  layers.push(cluster.layerFor('worker'));
  for (const w of scenario.workers) {
    for (const hostname of expandHostnames(w)) {
      const inst = cluster.addInstance({
        hostname,
        role: 'worker',
        instanceType: w.instanceType,
        status: w.state,
        uptimeMs: w.uptimeMinutes * MIN,
        maintenance: w.maintenance,
        // Without OpsWorks there is no instance before its EC2 instance: a stopped one exists and is stopped.
        ...(scenario.provider === 'ec2' ? { hasEc2: true } : w.hasEc2 !== undefined ? { hasEc2: w.hasEc2 } : {}),
        ...(w.registered !== undefined ? { registered: w.registered } : {}),
        ...(w.maxLoad !== undefined ? { maxLoad: w.maxLoad } : {}),
        ...(w.autoScalingType ? { autoScalingType: w.autoScalingType } : {}),
        tags: tagsFor(scenario, 'worker', hostname, w.protected ?? false),
        ...(w.baseUrl ? { baseUrl: w.baseUrl } : {}),
        ...(w.baseUrlTag ? { baseUrlTag: DEFAULT_HOST_URL_TAG } : {}),
      });
      // Two instances may share a Name tag (an ec2 world): the first named is the one a metric's `hostname` means.
      if (!instances.has(hostname)) instances.set(hostname, inst);
      addRunningJobs(cluster, inst.opsworksId, w.runningJobs, w.maxLoad ?? vcpuOf(w.instanceType), start);
    }
  }

  const { queued, queuedHighLoad } = scenario.queue;
  for (let i = 0; i < queued; i++) {
    const [spec] = i < queuedHighLoad ? jobsOf('encode', 1, 20 * MIN) : jobsOf('publish-engage', 1, MIN);
    cluster.addQueuedJob(spec!);
  }

  scenario.metrics.forEach((m, i) => {
    const value = dimensionValue(cluster.stack.id, layers, instances, m.namespace, m.dimension, `metrics[${i}].dimension`);
    for (const p of m.datapoints) {
      cluster.addDatapoint(m.namespace, m.metric, { name: m.dimension.name, value }, { timestamp: resolveAt(p.at, start), value: p.value });
    }
  });

  cluster.addRecordings(scenarioTrace(scenario).recordings);
  return cluster;
}

/**
 * Jobs running at `start`: composite jobs (load 1.5, or max load / n when
 * that does not fit) finishing 5, 10, 15 ... minutes in, so a busy worker
 * drains in a predictable order.
 */
/**
 * Jobs an admin, engage or ingest node (or a worker outside the cluster) runs at `start`, 30, 60, 90 ...
 * minutes long: workflow jobs on the admin, distribution on engage, ingest on an ingest node, at the
 * services' default loads (0.1 unless configured: reference/opencast-api.md section 4).
 */
function addNodeJobs(cluster: SimCluster, id: string, layer: InstanceRole, n: number, maxLoad: number, start: number): void {
  const kind = NODE_JOBS[layer];
  if (!kind) return;
  for (let i = 0; i < n; i++) {
    const spec = { ...kind, workflowOperation: kind.workflowOperation, load: Math.min(kind.load, maxLoad / n), durationMs: 30 * (i + 1) * MIN };
    cluster.addRunningJob(id, spec, start);
  }
}

const NODE_JOBS: Partial<Record<InstanceRole, { type: string; operation: string; workflowOperation: string; load: number }>> = {
  admin: { type: 'org.opencastproject.workflow', operation: 'START_WORKFLOW', workflowOperation: 'schedule', load: 0.1 },
  engage: { type: 'org.opencastproject.distribution.download', operation: 'Distribute', workflowOperation: 'publish-engage', load: 0.1 },
  ingest: { type: 'org.opencastproject.ingest', operation: 'Ingest', workflowOperation: 'ingest', load: 0.2 },
  worker: { type: 'org.opencastproject.composer', operation: 'Encode', workflowOperation: 'encode', load: 1.5 },
};

function addRunningJobs(cluster: SimCluster, hostname: string, n: number, maxLoad: number, start: number): void {
  if (n === 0) return;
  const load = Math.min(1.5, maxLoad / n);
  for (let i = 0; i < n; i++) {
    const [spec] = jobsOf('composite', 1, (5 + 5 * i) * MIN, load);
    cluster.addRunningJob(hostname, spec!, start);
  }
}

function dimensionValue(
  stackId: string,
  layers: readonly SimLayer[],
  instances: ReadonlyMap<string, SimInstance>,
  namespace: string,
  d: Scenario['metrics'][number]['dimension'],
  field: string,
): string {
  if (d.value !== undefined) return d.value;
  if (d.name === 'StackId') return stackId;
  if (d.layer !== undefined) {
    const wanted = d.layer.toLowerCase();
    const layer = layers.find((l) => l.name.toLowerCase() === wanted || l.shortname.toLowerCase() === wanted);
    if (!layer) throw new ConfigError(`${field}.layer`, `no layer named ${d.layer} (have ${layers.map((l) => l.name).join(', ')})`);
    return layer.id;
  }
  const inst = instances.get(d.hostname ?? '');
  const opsworks = namespace === 'AWS/OpsWorks';
  const id = opsworks ? inst?.opsworksId : inst?.ec2Id;
  if (!id) throw new ConfigError(`${field}.hostname`, `${d.hostname} has no ${opsworks ? 'OpsWorks' : 'EC2'} id`);
  return id;
}
