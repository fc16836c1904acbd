/**
 * Hand-written in-memory fakes of the ports that record what happened, for
 * scaler tests (wire-level behaviour is tested against the simulator instead).
 */
import type { FleetPort, MetricAnswer, MetricQuery, MetricsPort, OpencastPort } from '../../core/ports';
import type { ClusterRef, Datapoint, FleetInstance, Layer, OpencastHost, OpencastJob } from '../../core/types';
import { instanceOf, type WorkerSpec } from './views';

export type Call = { op: string; target: string };

export class FakeFleet implements FleetPort {
  calls: Call[] = [];
  instances: FleetInstance[];
  failStop = new Set<string>();
  constructor(specs: WorkerSpec[]) {
    this.instances = [
      { id: 'ow-admin1', hostname: 'admin1', status: 'online', ec2Id: 'i-admin', privateDns: 'admin1.internal', publicDns: 'admin1.example.org', layerNames: ['Admin'], layerIds: ['layer-admin'] },
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
    const i = this.instances.find((x) => x.id === id);
    if (i) i.status = 'requested';
  }
  async stopInstance(id: string): Promise<void> {
    this.calls.push({ op: 'stop', target: id });
    if (this.failStop.has(id)) throw new Error(`stop of ${id} refused`);
    const i = this.instances.find((x) => x.id === id);
    if (i) i.status = 'stopping';
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
