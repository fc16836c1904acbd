/**
 * The simulated cluster: an OpsWorks stack whose instances boot and stop on a
 * virtual clock, the Opencast service registry their workers join, the job
 * workload, CloudWatch series and the billing ledger. Wire routers read it
 * through `SimClusterState`; every public member first catches the model up
 * to the clock (see clock.ts for why the model pulls time).
 */
import { BillingLedger } from './billing';
import { EventScheduler, type VirtualClock } from './clock';
import {
  DEFAULT_PUBLISHERS,
  baseUrlFor,
  DEFAULT_TIMINGS,
  type MetricPublishers,
  type AddInstanceSpec,
  type ClusterCounters,
  type InstanceRole,
  type SimClusterOptions,
  type SimRunData,
  type SimTimings,
  type TimelineSample,
} from './cluster-types';
import { defaultConsistency, type Consistency } from './consistency';
import { watchEc2State } from './ec2-visibility';
import { isFaultActive, passwordRotations, rotatedPassword, type FaultWindow } from './faults';
import type { JobSpec } from './job-catalog';
import { vcpuOf } from './instance-types';
import { MetricStore, type Dimension } from './metrics';
import { hashString, hex, mulberry32, uuid, type Random } from './prng';
import type { RecordingSpec } from './traces';
import {
  SimAwsError,
  type FaultKind,
  type OpsworksStatus,
  type SimClusterState,
  type SimDatapoint,
  type SimHost,
  type SimInstance,
  type SimJob,
  type SimLayer,
  type SimMetricSeries,
  type SimOpencastSettings,
  type SimScheduledEvent,
  type SimStack,
} from './types';
import { Workload, type ModelJob, type SimRecording, type WorkHost } from './workload';
import { InternalError } from '../../core/errors';

export * from './cluster-types';

interface InstanceRecord extends WorkHost {
  /** Its Opencast `org.opencastproject.server.url`; `host-moved` changes it. */
  baseUrl: string;
  /** The URL it was configured with (where `host-moved` moves it back to). */
  readonly homeUrl: string;
  /** Another cluster's node: not this cluster's worker. */
  readonly outside: boolean;
  readonly inst: SimInstance;
  readonly role: InstanceRole;
  readonly cores: number;
  /** Bumped by every start/stop so steps of an abandoned start or stop are ignored. */
  gen: number;
  host?: SimHost;
  maintenanceSince?: number;
  hostOnlineSince?: number;
  /** This run's Opencast never registers (a boot fault hit it); cleared by the next start. */
  noOpencast?: boolean;
  /** Since when the instance has billed without Opencast listing it online (epoch ms), while it does. */
  unservedSince?: number;
}

const ROLE_LAYERS: Record<InstanceRole, { name: string; shortname: string }> = {
  worker: { name: 'Workers', shortname: 'workers' },
  admin: { name: 'Admin', shortname: 'admin' },
  engage: { name: 'Engage', shortname: 'engage' },
  ingest: { name: 'Ingest', shortname: 'ingest' },
  monitoring: { name: 'Monitoring', shortname: 'monitoring' },
};

const PENDING: readonly OpsworksStatus[] = ['requested', 'pending', 'booting', 'running_setup'];
const STARTABLE: readonly OpsworksStatus[] = ['stopped', 'start_failed'];
/** Statuses whose EC2 instance is running at a scenario's start. */
const EC2_RUNNING: readonly OpsworksStatus[] = ['booting', 'running_setup', 'online', 'setup_failed', 'connection_lost'];

export class SimCluster implements SimClusterState {
  readonly stack: SimStack;
  private readonly opencastSettings: SimOpencastSettings;
  readonly timings: Readonly<SimTimings>;
  readonly billing = new BillingLedger();
  readonly consistency: Consistency;
  readonly start: number;
  private readonly clock: VirtualClock;
  private readonly sched: EventScheduler;
  private readonly rng: Random;
  private readonly faults: readonly FaultWindow[];
  private readonly layerList: SimLayer[] = [];
  private readonly records: InstanceRecord[] = [];
  private readonly hostList: SimHost[] = [];
  private readonly byOpsworks = new Map<string, InstanceRecord>();
  private readonly byEc2 = new Map<string, InstanceRecord>();
  /** Opencast's host table: one row per base_url, for ever (ServiceRegistryJpaImpl keys HostRegistration by it). */
  private readonly rows = new Map<string, SimHost>();
  /** The node whose Opencast last registered each base_url (the one a shared row's dispatches reach). */
  private readonly byUrl = new Map<string, InstanceRecord>();
  /** The node that last registered each row, kept after it moved away (the row stays its, offline). */
  private readonly rowNode = new Map<string, InstanceRecord>();
  /** When the system account's password was rotated (`password-rotated`), in order. */
  private readonly rotations: number[];
  private readonly byAlias = new Map<string, InstanceRecord>();
  private readonly metrics = new MetricStore();
  private readonly samples: TimelineSample[] = [];
  /** Finished stretches of a worker billing without serving. */
  private readonly unserved: { hostname: string; from: number; to: number }[] = [];
  private readonly workload: Workload;
  private readonly lifecycle = { starts: 0, stops: 0, startFailures: 0 };
  private readonly publishers: Readonly<MetricPublishers>;
  /** EC2 monitoring samples of the current period, by series (instance id or instance type). */
  private readonly ec2Periods = new Map<string, { dimension: Dimension; start: number; sum: number; count: number }>();
  private ec2PeriodEnd = -Infinity;
  private advancing = false;

  constructor(options: SimClusterOptions) {
    this.clock = options.clock;
    this.start = options.start;
    this.sched = new EventScheduler(options.start);
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.faults = options.faults ?? [];
    this.consistency = options.consistency ?? defaultConsistency(options.seed ?? 0);
    this.opencastSettings = options.opencast;
    this.rotations = passwordRotations(this.faults);
    this.publishers = { ...DEFAULT_PUBLISHERS, ...options.publishers };
    this.rng = mulberry32(hashString(options.stackName) ^ (options.seed ?? 0));
    this.stack = { id: uuid(this.rng), name: options.stackName, region: options.region ?? 'us-east-1' };
    this.workload = new Workload(this.sched, this.timings.dispatchIntervalMs, {
      // One row is one dispatch target: nodes sharing a base_url (every node at localhost) get the work as one, on
      // the node that registered it last.
      candidates: () => this.records.filter((r) => r.role === 'worker' && isDispatchable(r.host) && this.byUrl.get(r.baseUrl) === r),
      missed: (spec) => spec.scheduled !== undefined && isFaultActive(this.faults, 'capture-missed', spec.scheduled.start, [spec.scheduled.agent]),
      paused: () => this.opencastDown(),
      createdHost: () => this.adminUrl(),
      ...(options.cpuPerLoad !== undefined ? { cpuPerLoad: options.cpuPerLoad } : {}),
    });
    // A dispatcher paused by an Opencast outage resumes when it ends.
    for (const f of this.faults) if (f.kind === 'opencast-down') this.sched.schedule(f.until, () => this.workload.requestDispatch());
    for (const f of this.faults) {
      if (f.kind !== 'host-moved') continue;
      this.sched.schedule(f.from, () => this.moveHosts(f.target, true));
      this.sched.schedule(f.until, () => this.moveHosts(f.target, false));
    }
    const period = this.timings.sampleIntervalMs;
    this.scheduleSample(Math.ceil(options.start / period) * period);
  }

  // ---- SimClusterState -------------------------------------------------

  /** Opencast's settings now: the system account's password as rotated by `password-rotated` so far. */
  get opencast(): SimOpencastSettings {
    const now = this.now();
    let n = 0;
    while (n < this.rotations.length && this.rotations[n]! <= now) n++;
    return n === 0 ? this.opencastSettings : { ...this.opencastSettings, password: rotatedPassword(this.opencastSettings.password, n) };
  }

  now(): number {
    return Math.max(this.clock.now(), this.sched.time);
  }

  get layers(): readonly SimLayer[] {
    this.sync();
    return this.layerList;
  }

  get instances(): readonly SimInstance[] {
    this.sync();
    return this.records.map((r) => r.inst);
  }

  get hosts(): readonly SimHost[] {
    this.sync();
    return this.hostList;
  }

  get jobs(): readonly SimJob[] {
    this.sync();
    return this.workload.jobs;
  }

  /** Scheduled captures starting in [from, to) with what became of them (the External API's events). */
  scheduledEvents(from: number, to: number): readonly SimScheduledEvent[] {
    this.sync();
    return this.workload.scheduledEvents(from, to);
  }

  /** Non-terminal jobs only: what activeJobs.json needs, without scanning finished ones. */
  activeJobs(): readonly SimJob[] {
    this.sync();
    return this.workload.activeJobs();
  }

  /** A targeted fault matches any name of its instance (hostname, OpsWorks/EC2 id, base_url, DNS). */
  faultActive(kind: FaultKind, target?: string): boolean {
    this.sync();
    return isFaultActive(this.faults, kind, this.sched.time, target === undefined ? [] : this.aliasesOf(target));
  }

  metricSeries(namespace: string, metric: string, dimension: Dimension, from?: number): SimMetricSeries | undefined {
    this.sync();
    return this.metrics.get(namespace, metric, dimension, this.sched.time, from);
  }

  startInstance(opsworksId: string): void {
    this.sync();
    const r = this.opsworksRecord(opsworksId);
    if (!STARTABLE.includes(r.inst.status)) {
      throw new SimAwsError('ValidationException', `Instance ${opsworksId} is ${r.inst.status}; only a stopped instance can be started`);
    }
    r.gen++;
    this.lifecycle.starts++;
    r.inst.status = 'requested';
    r.noOpencast = false;
    // OpsWorks accepts the start and asks EC2 for the instance; no capacity (or any launch failure) ends in start_failed.
    const failing = this.faultFor('start-failure', r) || this.faultFor('insufficient-capacity', r);
    this.after(r, this.timings.requestedMs, () => {
      if (failing) {
        r.inst.status = 'start_failed';
        this.lifecycle.startFailures++;
      } else {
        this.enterPending(r);
      }
    });
  }

  /** OpsWorks StopInstance: Opencast stops gracefully at once (running jobs restart elsewhere), then EC2 stops. */
  stopInstance(opsworksId: string): void {
    this.sync();
    const r = this.opsworksRecord(opsworksId);
    const status = r.inst.status;
    if (status === 'terminated') throw new SimAwsError('ValidationException', `Instance ${opsworksId} is terminated`);
    if (status === 'stopped' || status === 'stopping') return;
    r.gen++;
    this.lifecycle.stops++;
    r.inst.status = 'stopping';
    this.unregister(r);
    this.after(r, this.timings.shutdownMs, () => this.ec2Stop(r));
  }

  /** The instance whose Opencast last registered this host row, if one did (also after it moved to another URL). */
  nodeOfRow(baseUrl: string): SimInstance | undefined {
    this.sync();
    return this.rowNode.get(baseUrl)?.inst;
  }

  /** setMaintenanceStatus flips the row's flag, whoever registered it (a stale row too). */
  setMaintenance(baseUrl: string, on: boolean): boolean {
    this.sync();
    const row = this.rows.get(baseUrl);
    if (!row) return false;
    if (row.maintenance !== on) for (const r of this.sharing(row)) r.maintenanceSince = on ? this.sched.time : undefined;
    row.maintenance = on;
    if (!on) this.workload.requestDispatch();
    return true;
  }

  // ---- EC2 semantics (for the ec2 provider) ----------------------------

  /**
   * EC2 StartInstances: a no-op when running; `IncorrectInstanceState` while stopping.
   * `insufficient-capacity` refuses the call with InsufficientInstanceCapacity, a server
   * error (HTTP 500) of the EC2 API
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html; the
   * message as CloudTrail records it for StartInstances in cloud-custodian/cloud-custodian#5235,
   * the 500 in nib-health-funds/hammertime#29). `start-failure` accepts the start, and the
   * instance goes from pending back to stopped (StateReason `Client.InternalError`,
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html).
   */
  startEc2Instance(ec2Id: string): void {
    this.sync();
    const r = this.ec2Record(ec2Id);
    const state = r.inst.ec2State;
    if (state === 'running' || state === 'pending') return;
    if (state !== 'stopped') {
      throw new SimAwsError('IncorrectInstanceState', `The instance '${ec2Id}' is not in a state from which it can be started.`);
    }
    if (this.faultFor('insufficient-capacity', r)) {
      this.lifecycle.startFailures++;
      const type = r.inst.instanceType;
      const region = this.stack.region;
      throw new SimAwsError(
        'InsufficientInstanceCapacity',
        `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${region}a). Our system will be working on provisioning additional capacity. You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${region}b, ${region}c.`,
        500,
      );
    }
    r.gen++;
    this.lifecycle.starts++;
    r.inst.status = 'pending';
    r.noOpencast = false;
    if (this.faultFor('start-failure', r)) {
      r.inst.ec2State = 'pending';
      r.inst.launchTime = this.sched.time;
      this.after(r, this.timings.ec2PendingMs, () => {
        r.inst.ec2State = 'stopped';
        r.inst.status = 'stopped';
        this.lifecycle.startFailures++;
      });
      return;
    }
    this.ec2Launch(r);
    // No OpsWorks setup run: the OS boots and Opencast starts as a service.
    this.after(r, this.timings.ec2PendingMs, () => (r.inst.status = 'booting'));
    this.after(r, this.timings.ec2PendingMs + this.timings.bootingMs, () => {
      // Without OpsWorks the instance runs whatever failed inside it: its Opencast just never starts.
      if (this.faultFor('setup-failed', r) || this.faultFor('connection-lost', r)) r.noOpencast = true;
      this.enterOnline(r);
    });
  }

  /**
   * EC2 StopInstances: the OS shuts Opencast down gracefully, the instance stops; idempotent when stopped.
   * Refused while pending: "Instance '<id>' cannot be stopped as it has never reached the 'running' state"
   * (IncorrectInstanceState, as EC2 answered it in cloud-custodian/cloud-custodian#6014 and flatcar/mantle#315;
   * the code: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
   */
  stopEc2Instance(ec2Id: string): void {
    this.sync();
    const r = this.ec2Record(ec2Id);
    const state = r.inst.ec2State;
    if (state === 'stopped' || state === 'stopping') return;
    if (state === 'pending') throw new SimAwsError('IncorrectInstanceState', `Instance '${ec2Id}' cannot be stopped as it has never reached the 'running' state.`);
    if (state === 'terminated') {
      throw new SimAwsError('IncorrectInstanceState', `The instance '${ec2Id}' is not in a state from which it can be stopped.`);
    }
    r.gen++;
    this.lifecycle.stops++;
    r.inst.status = 'stopping';
    this.unregister(r);
    this.ec2Stop(r);
  }

  // ---- building ---------------------------------------------------------

  /** The layer of a role, created on first use. */
  layerFor(role: InstanceRole): SimLayer {
    const { name, shortname } = ROLE_LAYERS[role];
    let layer = this.layerList.find((l) => l.shortname === shortname);
    if (!layer) {
      layer = { id: uuid(this.rng), name, shortname };
      this.layerList.push(layer);
    }
    return layer;
  }

  /** Add an instance in the given status at the model's start; boots or stops in progress carry on. */
  addInstance(spec: AddInstanceSpec): SimInstance {
    const n = this.records.length;
    const layer = this.layerFor(spec.role);
    const status = spec.status ?? 'stopped';
    const [third, fourth] = [Math.floor(n / 200), 10 + (n % 200)];
    const publicFacing = spec.role === 'admin' || spec.role === 'engage';
    const inst: SimInstance = {
      opsworksId: uuid(this.rng),
      hostname: spec.hostname,
      layerIds: [layer.id],
      instanceType: spec.instanceType,
      status,
      ec2State: 'stopped',
      privateDns: `ip-10-0-${third}-${fourth}.ec2.internal`,
      privateIp: `10.0.${third}.${fourth}`,
      ...(publicFacing ? { publicDns: `ec2-54-210-${third}-${fourth}.compute-1.amazonaws.com`, publicIp: `54.210.${third}.${fourth}` } : {}),
      ...(spec.autoScalingType ? { autoScalingType: spec.autoScalingType } : {}),
      tags: {
        Name: spec.hostname,
        'opsworks:stack': this.stack.name,
        'opsworks:instance': spec.hostname,
        [`opsworks:layer:${layer.shortname}`]: layer.name,
        ...spec.tags,
      },
    };
    inst.baseUrl = baseUrlFor(spec.baseUrl ?? 'private-dns', inst);
    if (spec.baseUrlTag) inst.tags[spec.baseUrlTag] = inst.baseUrl;
    const cores = vcpuOf(spec.instanceType);
    const r: InstanceRecord = {
      inst,
      role: spec.role,
      cores,
      maxLoad: spec.maxLoad ?? cores,
      baseUrl: inst.baseUrl,
      homeUrl: inst.baseUrl,
      outside: spec.outsideCluster === true,
      load: 0,
      running: new Set<ModelJob>(),
      gen: 0,
    };
    this.records.push(r);
    this.byOpsworks.set(inst.opsworksId, r);
    if (!this.byUrl.has(r.baseUrl)) this.byUrl.set(r.baseUrl, r);
    for (const alias of [inst.hostname, inst.opsworksId, inst.privateDns, r.baseUrl]) if (!this.byAlias.has(alias)) this.byAlias.set(alias, r);
    this.placeAtStart(r, spec);
    // Changes from here on reach DescribeInstances after their lag; the starting state is seen at once.
    watchEc2State(inst, () => this.sched.time);
    return inst;
  }

  /**
   * A host row of a node that no longer exists (a terminated instance's, a renamed node's): listed by
   * hosts.json as Opencast keeps it, offline unless the node died without unregistering.
   */
  addStaleHost(row: { baseUrl: string; maxLoad: number; online: boolean; maintenance: boolean }): SimHost {
    const existing = this.rows.get(row.baseUrl);
    if (existing) return existing;
    const host: SimHost = { baseUrl: row.baseUrl, online: row.online, active: true, maintenance: row.maintenance, maxLoad: row.maxLoad, cores: Math.max(1, Math.round(row.maxLoad)) };
    this.rows.set(host.baseUrl, host);
    this.hostList.push(host);
    return host;
  }

  /** Schedule recordings (a trace) to arrive. */
  addRecordings(recordings: readonly RecordingSpec[]): void {
    this.workload.addRecordings(recordings);
  }

  /** A job queued at the model's start, outside any recording. */
  addQueuedJob(spec: JobSpec): SimJob {
    return this.workload.addQueuedJob(spec);
  }

  /** A job already running on a registered, online worker at the model's start. */
  addRunningJob(hostname: string, spec: JobSpec, startedAt = this.sched.time): SimJob {
    const r = this.byAlias.get(hostname);
    // Scenarios are validated so that only online, registered nodes start with jobs.
    if (!r?.host?.online) throw new InternalError(`addRunningJob: ${hostname} is not an online Opencast host`);
    return this.workload.addRunningJob(spec, r, startedAt);
  }

  /** A scenario-given CloudWatch datapoint. */
  addDatapoint(namespace: string, metric: string, dimension: Dimension, point: SimDatapoint): void {
    this.metrics.put(namespace, metric, dimension, point);
  }

  // ---- observation ------------------------------------------------------

  /** Run the model up to the clock; cheap when nothing is due. */
  sync(): void {
    if (this.advancing) return;
    this.advancing = true;
    try {
      this.sched.advanceTo(this.clock.now());
    } finally {
      this.advancing = false;
    }
  }

  /** Next model event (for a caller that wants its fake-timer loop to stop there). */
  nextEventTime(): number | undefined {
    return this.sched.nextEventTime();
  }

  recordings(): readonly SimRecording[] {
    this.sync();
    return this.workload.recordings();
  }

  timeline(): readonly TimelineSample[] {
    this.sync();
    return this.samples;
  }

  counters(): ClusterCounters {
    this.sync();
    return { ...this.workload.counters, ...this.lifecycle };
  }

  /** Every CloudWatch series (derived and given), up to now. */
  allMetricSeries(): SimMetricSeries[] {
    this.sync();
    return this.metrics.all().map((s) => this.metrics.get(s.namespace, s.metric, s.dimension, this.sched.time)!);
  }

  /** Every stretch of a worker billing without Opencast listing it online: finished ones, then those still going (no `to`). */
  unservedStretches(): { hostname: string; from: number; to?: number }[] {
    this.sync();
    const going = this.records.filter((r) => r.role === 'worker' && !r.outside && r.unservedSince !== undefined).map((r) => ({ hostname: r.inst.hostname, from: r.unservedSince! }));
    return [...this.unserved, ...going];
  }

  /** The plain data stats.ts summarises. */
  runData(): SimRunData {
    this.sync();
    return {
      start: this.start,
      now: this.sched.time,
      waitsMs: this.workload.waitsMs,
      counters: { ...this.workload.counters, ...this.lifecycle },
      recordings: this.workload.recordings(),
      timeline: this.samples,
      workers: this.records
        .filter((r) => r.role === 'worker' && !r.outside)
        .map((r) => ({
          hostname: r.inst.hostname,
          opsworksId: r.inst.opsworksId,
          status: r.inst.status,
          baseUrl: r.baseUrl,
          registered: r.host !== undefined,
          hostOnline: r.host?.online ?? false,
          maintenance: r.host?.maintenance ?? false,
          ...(r.maintenanceSince !== undefined ? { maintenanceSince: r.maintenanceSince } : {}),
          ...(r.host?.online && r.hostOnlineSince !== undefined ? { hostOnlineSince: r.hostOnlineSince } : {}),
          ...(r.unservedSince !== undefined && r.role !== 'monitoring' ? { unservedSince: r.unservedSince } : {}),
          runningJobs: r.running.size,
        })),
      billingRuns: this.billing.runs(),
    };
  }

  // ---- lifecycle steps ---------------------------------------------------

  /** Run `step` after `delay` unless the instance has been started or stopped again meanwhile. */
  private after(r: InstanceRecord, delay: number, step: () => void): void {
    const gen = r.gen;
    this.sched.schedule(this.sched.time + delay, () => {
      if (r.gen === gen) step();
    });
  }

  private enterPending(r: InstanceRecord): void {
    r.inst.status = 'pending';
    this.ec2Launch(r);
    this.after(r, this.timings.pendingMs, () => this.enterBooting(r));
  }

  /**
   * OpsWorks statuses during a boot (the status words of https://docs.aws.amazon.com/opsworks/latest/APIReference/API_InstancesCount.html):
   * the agent must connect before setup runs; `connection-lost` leaves the instance in
   * `connection_lost`, `setup-failed` in `setup_failed`, its EC2 instance running (billed) either way.
   */
  private enterBooting(r: InstanceRecord): void {
    r.inst.status = 'booting';
    this.after(r, this.timings.bootingMs, () => {
      if (this.faultFor('connection-lost', r)) r.inst.status = 'connection_lost';
      else this.enterSetup(r);
    });
  }

  private enterSetup(r: InstanceRecord): void {
    r.inst.status = 'running_setup';
    this.after(r, this.timings.setupMs, () => {
      if (this.faultFor('setup-failed', r)) r.inst.status = 'setup_failed';
      else this.enterOnline(r);
    });
  }

  private enterOnline(r: InstanceRecord): void {
    r.inst.status = 'online';
    if (r.role === 'monitoring') return;
    this.after(r, this.timings.registerMs, () => {
      // `never-registers`: the instance runs, its Opencast does not come up (this run).
      if (r.noOpencast || this.faultFor('never-registers', r)) r.noOpencast = true;
      else this.register(r);
    });
  }

  /** OpsWorks creates the EC2 instance on the first start; billing starts when it is running. */
  private ec2Launch(r: InstanceRecord): void {
    if (!r.inst.ec2Id) this.assignEc2Id(r);
    r.inst.ec2State = 'pending';
    r.inst.launchTime = this.sched.time;
    this.after(r, this.timings.ec2PendingMs, () => {
      r.inst.ec2State = 'running';
      this.openRun(r, this.sched.time);
    });
  }

  private ec2Stop(r: InstanceRecord): void {
    const wasUp = r.inst.ec2State === 'running' || r.inst.ec2State === 'pending';
    if (wasUp) {
      r.inst.ec2State = 'stopping';
      this.billing.closeRun(r.inst.opsworksId, this.sched.time);
      this.endUnserved(r);
    }
    this.after(r, wasUp ? this.timings.ec2StoppingMs : 0, () => {
      if (wasUp) r.inst.ec2State = 'stopped';
      r.inst.status = 'stopped';
    });
  }

  /**
   * Opencast registers the host (ServiceRegistryJpaImpl.registerHost): a row with this base_url already there
   * (the node's own from an earlier run, a terminated instance's, or another node's at the same URL) is updated
   * (address, node name, cores, max load, online) and keeps its maintenance flag; else a new row is added.
   */
  private register(r: InstanceRecord): void {
    let row = this.rows.get(r.baseUrl);
    if (!row) {
      row = { baseUrl: r.baseUrl, online: true, active: true, maintenance: false, maxLoad: r.maxLoad, cores: r.cores };
      this.rows.set(row.baseUrl, row);
      this.hostList.push(row);
    }
    const address = addressOf(r.baseUrl, r.inst);
    if (address !== undefined) row.address = address;
    row.maxLoad = r.maxLoad;
    row.cores = r.cores;
    row.nodeName = r.inst.hostname;
    r.host = row;
    this.byUrl.set(r.baseUrl, r);
    this.rowNode.set(r.baseUrl, r);
    r.hostOnlineSince = this.sched.time;
    for (const other of this.sharing(row)) {
      if (!row.online) other.hostOnlineSince = this.sched.time;
      this.endUnserved(other);
    }
    row.online = true;
    if (row.maintenance) r.maintenanceSince ??= this.sched.time;
    this.workload.requestDispatch();
  }

  /**
   * Graceful Opencast shutdown (unregisterHost by base_url): the row goes offline, for every node that shares it,
   * and the jobs running there go to RESTART.
   */
  private unregister(r: InstanceRecord, counted = true): void {
    const row = r.host;
    if (row) {
      row.online = false;
      for (const other of this.sharing(row)) {
        if (other.inst.ec2State === 'running') other.unservedSince ??= this.sched.time;
        if (other !== r && other.running.size > 0) this.workload.hostLost(other, counted);
      }
    }
    if (r.inst.ec2State === 'running') r.unservedSince ??= this.sched.time;
    if (r.running.size > 0) this.workload.hostLost(r, counted);
  }

  /** The nodes whose Opencast registered this row (more than one when they share a base_url). */
  private sharing(row: SimHost): InstanceRecord[] {
    return this.records.filter((r) => r.host === row);
  }

  /**
   * `host-moved`: the node's org.opencastproject.server.url changes (or changes back) and its Opencast restarts:
   * the old row goes offline with its jobs (deactivate → unregisterHost), the node registers under the new URL
   * after Opencast's start-up (registerMs). Untargeted: every worker.
   */
  private moveHosts(target: string | undefined, away: boolean): void {
    const targets = target === undefined ? this.records.filter((r) => r.role === 'worker') : this.records.filter((r) => this.aliasesOf(r.inst.hostname).includes(target) || r.inst.opsworksId === target || r.inst.ec2Id === target);
    for (const r of targets) {
      if (r.role === 'monitoring') continue;
      const url = away ? movedUrl(r.homeUrl, r.inst) : r.homeUrl;
      if (url === r.baseUrl) continue;
      const serving = r.host?.online === true && r.inst.status === 'online';
      if (r.host) this.unregister(r, false);
      r.host = undefined;
      if (this.byUrl.get(r.baseUrl) === r) this.byUrl.delete(r.baseUrl);
      r.baseUrl = url;
      r.inst.baseUrl = url;
      if (!this.byAlias.has(url)) this.byAlias.set(url, r);
      // Registered again once Opencast is up, unless the instance was stopped or started meanwhile (after() checks).
      if (serving && !r.noOpencast) this.after(r, this.timings.registerMs, () => r.baseUrl === url && !r.host && this.register(r));
    }
  }

  private placeAtStart(r: InstanceRecord, spec: AddInstanceSpec): void {
    const status = r.inst.status;
    const t = this.sched.time;
    const hasEc2 = spec.hasEc2 ?? status !== 'stopped';
    if (hasEc2 || EC2_RUNNING.includes(status) || status === 'pending' || status === 'stopping') this.assignEc2Id(r);
    if (EC2_RUNNING.includes(status)) {
      r.inst.ec2State = 'running';
      r.inst.launchTime = t - (spec.uptimeMs ?? 0);
      this.openRun(r, r.inst.launchTime);
      // Decided below, once it is known whether Opencast lists it: the start is not a stretch that ended.
      r.unservedSince = undefined;
    }
    if (status === 'terminated') r.inst.ec2State = 'terminated';
    const registered = spec.registered ?? (status === 'online' && r.role !== 'monitoring');
    const up = status === 'online' || status === 'connection_lost';
    const shared = this.rows.get(r.baseUrl);
    if (registered && !up && shared?.online) {
      // Registered in an earlier run; a node sharing its base_url registered the row since (and holds it).
      r.host = shared;
    } else if (registered) {
      this.register(r);
      r.host!.online = up;
      if (spec.maintenance) {
        r.host!.maintenance = true;
        r.maintenanceSince = t;
      }
    }
    if (r.inst.ec2State === 'running' && !r.host?.online) r.unservedSince = r.inst.launchTime;
    // Steps already under way continue as if they had just begun.
    if (status === 'requested') this.after(r, this.timings.requestedMs, () => this.enterPending(r));
    if (status === 'pending') this.enterPending(r);
    if (status === 'booting') this.enterBooting(r);
    if (status === 'running_setup') this.enterSetup(r);
    if (status === 'stopping') {
      r.inst.ec2State = 'stopping';
      this.after(r, this.timings.ec2StoppingMs, () => {
        r.inst.ec2State = 'stopped';
        r.inst.status = 'stopped';
      });
    }
  }

  private assignEc2Id(r: InstanceRecord): void {
    // Derived from the OpsWorks id so it does not depend on the order of starts.
    const ec2Id = `i-0${hex(mulberry32(hashString(r.inst.opsworksId)), 16)}`;
    r.inst.ec2Id = ec2Id;
    this.byEc2.set(ec2Id, r);
    this.byAlias.set(ec2Id, r);
  }

  /** A stretch of billing without serving ends (the host came online, or billing stopped). */
  private endUnserved(r: InstanceRecord): void {
    if (r.unservedSince === undefined) return;
    if (r.role === 'worker' && !r.outside) this.unserved.push({ hostname: r.inst.hostname, from: r.unservedSince, to: this.sched.time });
    r.unservedSince = undefined;
  }

  /** Billing starts; until Opencast lists the host online it is billing without serving. */
  private openRun(r: InstanceRecord, start: number): void {
    if (!r.host?.online) r.unservedSince = start;
    this.billing.openRun({
      instanceId: r.inst.opsworksId,
      hostname: r.inst.hostname,
      instanceType: r.inst.instanceType,
      role: r.role,
      start,
    });
  }

  // ---- samples and metrics ------------------------------------------------

  /** Minute samples run after every other event of their time (priority 1). */
  private scheduleSample(at: number): void {
    this.sched.schedule(
      at,
      () => {
        this.sample(at);
        this.scheduleSample(at + this.timings.sampleIntervalMs);
      },
      1,
    );
  }

  private sample(at: number): void {
    const s: TimelineSample = {
      at,
      queuedJobs: this.workload.queuedJobs,
      queuedLoad: round(this.workload.queuedLoad),
      runningJobs: this.workload.running,
      runningLoad: round(this.workload.runningLoad),
      onlineWorkers: 0,
      inServiceWorkers: 0,
      pendingWorkers: 0,
      maintenanceWorkers: 0,
      billedWorkers: 0,
      runningInstances: 0,
    };
    for (const r of this.records) {
      const ec2Running = r.inst.ec2State === 'running';
      if (ec2Running) s.runningInstances++;
      if (r.role !== 'worker' || r.outside) continue;
      if (ec2Running) s.billedWorkers++;
      if (r.inst.status === 'online') s.onlineWorkers++;
      if (PENDING.includes(r.inst.status)) s.pendingWorkers++;
      if (isDispatchable(r.host)) s.inServiceWorkers++;
      if (r.host?.online && r.host.maintenance) s.maintenanceWorkers++;
    }
    this.samples.push(s);
    this.publishMetrics(at, s);
  }

  /** What the world publishes each minute: EC2's own metrics always, OpsWorks' and DCE's only where they exist. */
  private publishMetrics(at: number, s: TimelineSample): void {
    this.publishEc2(at);
    if (this.publishers.opsworks) this.publishOpsworks(at);
    if (this.publishers.queueMetric) this.publishQueueMetric(at, s);
  }

  /**
   * `AWS/OpsWorks` `load_1` by LayerId, as OpsWorks published it until 2024-05-26.
   * Linux load is not modelled, so the proxy is the Opencast job load running per
   * online instance of the layer (a full c5.9xlarge at max load 36 reads 36, as
   * its 36 busy cores would).
   */
  private publishOpsworks(at: number): void {
    if (isFaultActive(this.faults, 'metrics-missing', at, ['load_1'])) return;
    for (const layer of this.layerList) {
      const online = this.records.filter((r) => r.inst.status === 'online' && r.inst.layerIds.includes(layer.id));
      if (online.length === 0) continue;
      const value = online.reduce((sum, r) => sum + r.load, 0) / online.length;
      this.metrics.put('AWS/OpsWorks', 'load_1', { name: 'LayerId', value: layer.id }, { timestamp: at, value: round(value) });
    }
  }

  /**
   * Harvard DCE's `OpencastJobsQueued`/`MatterhornJobsQueued`: the backlog (QUEUED +
   * RESTART jobs), pushed every minute by a script on the monitoring node that asks
   * Opencast, so nothing is pushed while Opencast is down.
   */
  private publishQueueMetric(at: number, s: TimelineSample): void {
    if (this.opencastDown()) return;
    const monitors = this.records.filter((r) => r.role === 'monitoring' && r.inst.status === 'online' && r.inst.ec2Id);
    for (const metric of ['OpencastJobsQueued', 'MatterhornJobsQueued']) {
      if (isFaultActive(this.faults, 'metrics-missing', at, [metric])) continue;
      const point = { timestamp: at, value: s.queuedJobs };
      this.metrics.put('AWS/OpsworksCustom', metric, { name: 'StackId', value: this.stack.id }, point);
      for (const m of monitors) this.metrics.put('AWS/OpsworksCustom', metric, { name: 'InstanceId', value: m.inst.ec2Id! }, { ...point });
    }
  }

  /**
   * `AWS/EC2` `CPUUtilization` of every running instance by InstanceId, one datapoint
   * per period: 5 minutes with basic monitoring, 1 minute with detailed, which also
   * publishes the average by InstanceType. A period's datapoint carries the period's
   * start as its timestamp and is readable only once the period is over, plus a
   * publishing delay of 1-3 minutes (hashed, so a run repeats exactly).
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ec2-metricscollected.html
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html
   * CPU is not modelled, so the proxy is the Opencast job load against the
   * instance's vCPUs (a worker at max load reads 100 %; other nodes a steady 5 %).
   */
  private publishEc2(at: number): void {
    const period = this.publishers.ec2Monitoring === 'detailed' ? 60_000 : 300_000;
    const start = Math.floor(at / period) * period;
    // Periods end together: look for finished ones only once the earliest open one is over.
    if (at >= this.ec2PeriodEnd) {
      this.ec2PeriodEnd = start + period;
      for (const [key, open] of this.ec2Periods) {
        if (open.start + period > at) continue;
        this.ec2Periods.delete(key);
        this.flushEc2(key, open, period);
      }
    }
    const detailed = this.publishers.ec2Monitoring === 'detailed';
    for (const r of this.records) {
      const id = r.inst.ec2Id;
      if (r.inst.ec2State !== 'running' || !id) continue;
      const cpu = r.role === 'worker' ? Math.min(100, (100 * r.load) / Math.max(1, r.cores)) : 5;
      this.addEc2Sample(id, 'InstanceId', id, start, cpu);
      if (detailed) this.addEc2Sample(`type:${r.inst.instanceType}`, 'InstanceType', r.inst.instanceType, start, cpu);
    }
  }

  private flushEc2(key: string, open: { dimension: Dimension; start: number; sum: number; count: number }, period: number): void {
    if (isFaultActive(this.faults, 'metrics-missing', open.start, ['CPUUtilization'])) return;
    const delay = this.publishers.ec2Delay ? 60_000 + (hashString(`${key}@${open.start}`) % 121) * 1000 : 0;
    this.metrics.put('AWS/EC2', 'CPUUtilization', open.dimension, { timestamp: open.start, value: round(open.sum / open.count), availableAt: open.start + period + delay });
  }

  private addEc2Sample(key: string, name: string, value: string, start: number, cpu: number): void {
    const open = this.ec2Periods.get(key);
    if (open) {
      open.sum += cpu;
      open.count += 1;
    } else this.ec2Periods.set(key, { dimension: { name, value }, start, sum: cpu, count: 1 });
  }

  // ---- lookups -------------------------------------------------------------

  private opencastDown(): boolean {
    const admins = this.records.filter((r) => r.role === 'admin').flatMap((r) => this.aliasesOf(r.inst.hostname));
    return isFaultActive(this.faults, 'opencast-down', this.sched.time, admins);
  }

  private faultFor(kind: FaultKind, r: InstanceRecord): boolean {
    return isFaultActive(this.faults, kind, this.sched.time, this.aliasesOf(r.inst.hostname));
  }

  private aliasesOf(target: string): string[] {
    const r = this.byAlias.get(target);
    if (!r) return [target];
    const i = r.inst;
    // The instance type too: EC2 capacity runs out per type (and zone).
    return [i.hostname, i.opsworksId, i.privateDns, r.baseUrl, i.instanceType, ...(i.ec2Id ? [i.ec2Id] : [])];
  }

  private adminUrl(): string {
    return this.records.find((r) => r.role === 'admin')?.baseUrl ?? 'http://localhost:8080';
  }

  private opsworksRecord(id: string): InstanceRecord {
    const r = this.byOpsworks.get(id);
    if (!r) throw new SimAwsError('ResourceNotFoundException', `Unable to find instance with ID ${id}`);
    return r;
  }

  private ec2Record(id: string): InstanceRecord {
    const r = this.byEc2.get(id);
    if (!r) throw new SimAwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return r;
  }
}

/**
 * What the base_url's host resolves to on the node, as Opencast records it
 * (`InetAddress.getByName(URI.create(serverUrl).getHost())` in
 * ServiceRegistryJpaImpl.activate): loopback for localhost, the address
 * itself for an IP, the public IP for its public name, else its private IP
 * (its own names resolve to it inside the VPC).
 */
function addressOf(baseUrl: string, inst: SimInstance): string | undefined {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return '127.0.0.1';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return host;
  if (inst.publicDns && host === inst.publicDns) return inst.publicIp;
  return inst.privateIp;
}

/** Where `host-moved` moves a node: its IP form when it was at its private DNS name, else its private DNS name. */
function movedUrl(home: string, inst: SimInstance): string {
  const dns = baseUrlFor('private-dns', inst);
  return home === dns ? baseUrlFor('ip-port', inst) : dns;
}

function isDispatchable(host: SimHost | undefined): boolean {
  return host !== undefined && host.online && host.active && !host.maintenance;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
