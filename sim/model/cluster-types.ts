/**
 * Types and defaults of the simulated cluster: step timings, how instances are
 * added, and the plain data a run leaves behind (timeline, counters, worker
 * snapshots) for stats.ts.
 */
import type { BillingRun } from './billing';
import type { VirtualClock } from './clock';
import type { Consistency } from './consistency';
import type { FaultWindow } from './faults';
import type { OpsworksStatus, SimOpencastSettings } from './types';
import type { SimRecording, WorkloadCounters } from './workload';

export type InstanceRole = 'worker' | 'admin' | 'engage' | 'ingest' | 'monitoring';

/**
 * How a node's `org.opencastproject.server.url` is written, as real installs
 * do (docs/host-matching.md): `private-dns` http://<private DNS> (what DCE's
 * recipes and the original assumed), `name-port` http://<hostname>:8080,
 * `fqdn` https://<hostname>.example.edu, `ip-port` http://<private IP>:8080, and
 * `localhost` http://localhost:8080 (Opencast's default when the key is unset:
 * UrlSupport.DEFAULT_BASE_URL). Anything else is a literal URL.
 */
export const BASE_URL_FORMS = ['private-dns', 'name-port', 'fqdn', 'ip-port', 'localhost'] as const;
export type BaseUrlForm = (typeof BASE_URL_FORMS)[number];

/** The domain `fqdn` base URLs use. */
const SIM_DOMAIN = 'example.edu';

/** A hostname as a DNS label: lower case, anything but letters, digits and hyphens becomes a hyphen. */
function dnsLabelOf(hostname: string): string {
  return hostname.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'host';
}

/** The base_url a form gives for one instance. */
export function baseUrlFor(form: BaseUrlForm | string, inst: { hostname: string; privateDns: string; privateIp?: string }): string {
  switch (form) {
    case 'private-dns':
      return `http://${inst.privateDns}`;
    case 'name-port':
      return `http://${dnsLabelOf(inst.hostname)}:8080`;
    case 'fqdn':
      return `https://${dnsLabelOf(inst.hostname)}.${SIM_DOMAIN}`;
    case 'ip-port':
      return `http://${inst.privateIp ?? inst.privateDns}:8080`;
    case 'localhost':
      return 'http://localhost:8080';
    default:
      return form.replace(/\/+$/, '');
  }
}

/**
 * How long each step takes. Defaults (ASSUMPTIONS from anchors §2 and §6):
 * StartInstance → online in 4 min 15 s, Opencast registered 90 s later; stop
 * runs the shutdown recipes for 30 s, then EC2 takes 30 s to stop.
 */
export interface SimTimings {
  /** OpsWorks `requested` → `pending` (EC2 start requested). */
  requestedMs: number;
  /** OpsWorks `pending` → `booting`. */
  pendingMs: number;
  /** EC2 `pending` → `running` (billing starts): about 16.5 s whatever the family. */
  ec2PendingMs: number;
  /** OpsWorks `booting` → `running_setup` (agent up). */
  bootingMs: number;
  /** OpsWorks `running_setup` → `online` (setup and deploy recipes). */
  setupMs: number;
  /** OpsWorks `online` → host registered in Opencast (Opencast start-up). */
  registerMs: number;
  /** OpsWorks `stopping` before EC2 is asked to stop (shutdown recipes). */
  shutdownMs: number;
  /** EC2 `stopping` → `stopped` (not billed). */
  ec2StoppingMs: number;
  /** Opencast dispatcher beat; 0 dispatches at once. */
  dispatchIntervalMs: number;
  /** Timeline and CloudWatch sample period. */
  sampleIntervalMs: number;
}

export const DEFAULT_TIMINGS: Readonly<SimTimings> = {
  requestedMs: 15_000,
  pendingMs: 30_000,
  ec2PendingMs: 17_000,
  bootingMs: 60_000,
  setupMs: 150_000,
  registerMs: 90_000,
  shutdownMs: 30_000,
  ec2StoppingMs: 30_000,
  dispatchIntervalMs: 2_000,
  sampleIntervalMs: 60_000,
};

export interface SimClusterOptions {
  clock: VirtualClock;
  /** Epoch ms the model starts at. */
  start: number;
  stackName: string;
  region?: string;
  opencast: SimOpencastSettings;
  timings?: Partial<SimTimings>;
  faults?: readonly FaultWindow[];
  /** Seeds generated ids (with the stack name). */
  seed?: number;
  /** What publishes CloudWatch metrics in this world (default: nothing but EC2's basic monitoring). */
  publishers?: Partial<MetricPublishers>;
  /** CPU per unit of job load: past a host's cores its jobs slow down (processor sharing). Unset: never. */
  cpuPerLoad?: number;
  /** How far the AWS reads trail the model (consistency.ts); default: the documented lags, seeded by `seed`. */
  consistency?: Consistency;
}

/**
 * Who publishes CloudWatch metrics in the simulated world. A metric nobody in
 * the world publishes is absent, as in a real account: OpsWorks' `load_1` ended
 * with OpsWorks, DCE's queue metric needs DCE's script on a monitoring node.
 */
export interface MetricPublishers {
  /** `AWS/OpsWorks` `load_1` by `LayerId` (OpsWorks Stacks, until 2024-05-26). */
  opsworks: boolean;
  /** Harvard DCE's `OpencastJobsQueued` / `MatterhornJobsQueued` in `AWS/OpsworksCustom`, by StackId and the monitoring node's InstanceId. */
  queueMetric: boolean;
  /** EC2's own `AWS/EC2` metrics: 5-minute periods (basic, free) or 1-minute (detailed). */
  ec2Monitoring: 'basic' | 'detailed';
  /** An EC2 datapoint is readable 1-3 minutes after its period ends (0: at once). */
  ec2Delay: boolean;
}

export const DEFAULT_PUBLISHERS: Readonly<MetricPublishers> = Object.freeze({ opsworks: false, queueMetric: false, ec2Monitoring: 'basic', ec2Delay: true });

export interface AddInstanceSpec {
  hostname: string;
  role: InstanceRole;
  instanceType: string;
  /** Status at the model's start (default `stopped`); boot and stop steps in progress continue. */
  status?: OpsworksStatus;
  /** Has an EC2 instance already (always true once past `requested`). */
  hasEc2?: boolean;
  /** For running instances: time since EC2 launch at the model's start. */
  uptimeMs?: number;
  /** Known to Opencast's service registry (workers: came online before). Default: online workers, admin, engage. */
  registered?: boolean;
  maintenance?: boolean;
  /** Opencast max load; default the type's vCPU. */
  maxLoad?: number;
  autoScalingType?: 'load' | 'timer';
  /** EC2 tags besides the ones OpsWorks sets (e.g. the ec2 provider's cluster and role tags). */
  tags?: Readonly<Record<string, string>>;
  /** Its Opencast `org.opencastproject.server.url`: a form or a literal URL (default `private-dns`). */
  baseUrl?: BaseUrlForm | string;
  /** Tag the instance with this key = its base_url (the scaler's explicit match for unusual setups). */
  baseUrlTag?: string;
  /** Tagged for another cluster: registered in this Opencast, not this scaler's (left out of runData's workers). */
  outsideCluster?: boolean;
}

export interface TimelineSample {
  at: number;
  queuedJobs: number;
  queuedLoad: number;
  runningJobs: number;
  runningLoad: number;
  /** Workers OpsWorks calls online. */
  onlineWorkers: number;
  /** Workers Opencast may dispatch to: registered, online, not in maintenance. */
  inServiceWorkers: number;
  /** Workers starting (requested .. running_setup). */
  pendingWorkers: number;
  /** Workers online in Opencast with maintenance on. */
  maintenanceWorkers: number;
  /** Workers whose EC2 instance is running (billed). */
  billedWorkers: number;
  /** All instances whose EC2 instance is running. */
  runningInstances: number;
}

export interface ClusterCounters extends WorkloadCounters {
  /** Accepted StartInstance/StartInstances calls. */
  starts: number;
  /** Accepted stops that changed something. */
  stops: number;
  startFailures: number;
}

export interface WorkerSnapshot {
  hostname: string;
  opsworksId: string;
  status: OpsworksStatus;
  baseUrl: string;
  registered: boolean;
  hostOnline: boolean;
  maintenance: boolean;
  /** Since when maintenance has been on (epoch ms), when on. */
  maintenanceSince?: number;
  /** Since when Opencast has listed the host online (epoch ms), when it does. */
  hostOnlineSince?: number;
  /** Since when its instance has billed without Opencast listing its host online (epoch ms), while it does. */
  unservedSince?: number;
  runningJobs: number;
}

/** Everything stats.ts needs, as plain data. */
export interface SimRunData {
  start: number;
  now: number;
  waitsMs: readonly number[];
  counters: ClusterCounters;
  recordings: readonly SimRecording[];
  timeline: readonly TimelineSample[];
  workers: WorkerSnapshot[];
  billingRuns: readonly BillingRun[];
}
