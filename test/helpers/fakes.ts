/**
 * Hand-written in-memory fakes of the ports that record what happened, for
 * scaler tests (wire-level behaviour is tested against the simulator instead).
 */
import type { FleetPort, MetricAnswer, MetricQuery, MetricsPort, OpencastPort } from '../../core/ports';
import type { ClusterRef, Datapoint, FleetInstance, Layer, OpencastHost, OpencastJob } from '../../core/types';
import type { ExecutionRef, ExecutionStatus, ExecutionSummary, JsonValue, ListFilter } from '../../engine/types';
import { instanceOf, type WorkerSpec } from './views';

export type Call = { op: string; target: string };

export class FakeFleet implements FleetPort {
  calls: Call[] = [];
  instances: FleetInstance[];
  failStop = new Set<string>();
  failStart = new Set<string>();
  constructor(specs: WorkerSpec[]) {
    this.instances = [
      { id: 'ow-admin1', hostname: 'admin1', status: 'online', state: 'running', provider: 'opsworks', ec2Id: 'i-admin', privateDns: 'admin1.internal', publicDns: 'admin1.example.org', layerNames: ['Admin'], layerIds: ['layer-admin'] },
      ...specs.map(instanceOf),
    ];
  }
  async findCluster(name: string): Promise<ClusterRef> {
    return { name, id: 'stack-1' };
  }
  async listLayers(): Promise<Layer[]> {
    return [{ id: 'layer-workers', name: 'Workers' }];
  }
  async listInstances(): Promise<FleetInstance[]> {
    return structuredClone(this.instances);
  }
  async startInstance(id: string): Promise<void> {
    this.calls.push({ op: 'start', target: id });
    if (this.failStart.has(id)) throw new Error(`start of ${id} refused: InsufficientInstanceCapacity`);
    const i = this.instances.find((x) => x.id === id);
    if (i) Object.assign(i, { status: 'requested', state: 'requested' });
  }
  async stopInstance(id: string): Promise<void> {
    this.calls.push({ op: 'stop', target: id });
    if (this.failStop.has(id)) throw new Error(`stop of ${id} refused`);
    const i = this.instances.find((x) => x.id === id);
    if (i) Object.assign(i, { status: 'stopping', state: 'stopping' });
  }
}

export class FakeOpencast implements OpencastPort {
  calls: Call[] = [];
  hosts: OpencastHost[];
  jobs: OpencastJob[] = [];
  down = false;
  /** Jobs that appear on a host after maintenance went on (a job dispatched just before). */
  lateJobs: OpencastJob[] = [];
  constructor(specs: WorkerSpec[]) {
    this.hosts = specs
      .filter((s) => s.registered ?? (s.status ?? 'online') === 'online')
      .map((s) => ({ baseUrl: `http://${s.hostname}.internal`, online: (s.status ?? 'online') === 'online', active: true, maintenance: Boolean(s.maintenance) }));
    let id = 0;
    for (const s of specs) {
      for (let j = 0; j < (s.running ?? 0); j++) {
        this.jobs.push({ id: String(++id), type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'Encode', processingHost: `http://${s.hostname}.internal` });
      }
    }
  }
  private check() {
    if (this.down) throw new Error('opencast: connect ECONNREFUSED');
  }
  async checkCredentials(): Promise<void> {
    this.check();
  }
  async listHosts(): Promise<OpencastHost[]> {
    this.check();
    return structuredClone(this.hosts);
  }
  async activeJobs(): Promise<OpencastJob[]> {
    this.check();
    return structuredClone(this.jobs);
  }
  async queuedJobCount(): Promise<number> {
    this.check();
    return this.jobs.filter((j) => j.status === 'QUEUED').length;
  }
  async setMaintenance(baseUrl: string, on: boolean): Promise<void> {
    this.check();
    this.calls.push({ op: on ? 'maintenance-on' : 'maintenance-off', target: baseUrl });
    const host = this.hosts.find((h) => h.baseUrl === baseUrl);
    if (!host) throw new Error(`unknown host ${baseUrl}`);
    host.maintenance = on;
    if (on) {
      this.jobs.push(...this.lateJobs.filter((j) => j.processingHost === baseUrl));
      this.lateJobs = this.lateJobs.filter((j) => j.processingHost !== baseUrl);
    }
  }
}

export class FakeMetrics implements MetricsPort {
  queries: MetricQuery[] = [];
  /** How many calls asked for them (one per cycle, however many strategies). */
  calls = 0;
  constructor(public datapoints: Datapoint[] = [], public fail?: Error) {}
  async getAverages(queries: readonly MetricQuery[]): Promise<MetricAnswer[]> {
    this.calls += 1;
    this.queries.push(...queries);
    if (this.fail) throw this.fail;
    return queries.map(() => ({ datapoints: this.datapoints }));
  }
}

/**
 * The executions an activity sees through `deps.executions`: filtered, most
 * recent first as ListExecutions answers (running ones by start, the others by
 * stop: API_ListExecutions); `input` answers as DescribeExecution does, and
 * fails for an execution that does not exist.
 */
export class FakeExecutions {
  private runs: ExecutionSummary[] = [];
  private inputs = new Map<string, JsonValue>();
  private outputs = new Map<string, JsonValue>();
  /** Names of the executions whose input was asked for. */
  asked: string[] = [];
  /** `output`: what DescribeExecution gives of a SUCCEEDED one (absent: none yet, as a lagging read shows it). */
  add(run: { workflow: string; name: string; input: JsonValue; status?: ExecutionStatus; startedAt?: string; stoppedAt?: string; output?: JsonValue }): void {
    const ref = { workflow: run.workflow, name: run.name, executionArn: `arn:local:${run.workflow}:${run.name}` };
    const startedAt = run.startedAt ?? '2026-11-23T11:00:00.000Z';
    const status = run.status ?? 'RUNNING';
    // A closed execution given no stop time ended where it began.
    this.runs.push({ ref, status, startedAt, ...(status === 'RUNNING' ? {} : { stoppedAt: run.stoppedAt ?? startedAt }) });
    this.inputs.set(ref.executionArn, run.input);
    if (run.output !== undefined) this.outputs.set(ref.executionArn, run.output);
  }
  async list(filter: ListFilter = {}): Promise<ExecutionSummary[]> {
    const found = this.runs
      .filter((r) => (filter.workflow === undefined || r.ref.workflow === filter.workflow) && (filter.status === undefined || r.status === filter.status))
      .filter((r) => filter.nameContains === undefined || r.ref.name.includes(filter.nameContains))
      .sort((a, b) => listedAt(b).localeCompare(listedAt(a)));
    return structuredClone(filter.maxResults === undefined ? found : found.slice(0, filter.maxResults));
  }
  async input(ref: ExecutionRef): Promise<JsonValue> {
    this.asked.push(ref.name);
    const input = this.inputs.get(ref.executionArn);
    if (input === undefined) throw new Error(`ExecutionDoesNotExist: ${ref.executionArn}`);
    return structuredClone(input);
  }
  async output(ref: ExecutionRef): Promise<JsonValue | undefined> {
    const output = this.outputs.get(ref.executionArn);
    return output === undefined ? undefined : structuredClone(output);
  }
}

/** What ListExecutions orders an execution by: its start while it runs, else its stop. */
function listedAt(e: ExecutionSummary): string {
  return e.status === 'RUNNING' ? e.startedAt : (e.stoppedAt ?? e.startedAt);
}
