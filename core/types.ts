/**
 * The domain: what the scaler knows about a cluster, shared by every layer.
 * Adapters turn wire data into these types; core, machines and the CLI read them.
 * Times are ISO-8601 strings so that every value here survives JSON (workflow
 * inputs, history files, Lambda payloads) unchanged.
 */

/** Provider status grouped as the original did: only these classes drive decisions. */
export type StatusClass = 'online' | 'pending' | 'stopped' | 'other';

export type Role = 'admin' | 'worker' | 'engage' | 'other';

export type BillingMode = 'hourly' | 'per-second';

/** The cluster itself: an OpsWorks stack (or, for the ec2 provider, a tag value). */
export interface ClusterRef {
  name: string;
  id: string;
}

export interface Layer {
  id: string;
  name: string;
}

/** One machine of the cluster as the fleet provider reports it. */
export interface FleetInstance {
  /** The id the provider starts and stops by (OpsWorks InstanceId, or EC2 id for the ec2 provider). */
  id: string;
  hostname: string;
  /** The provider's own status word, e.g. OpsWorks `online`, `running_setup`, `stopped`. */
  status: string;
  ec2Id?: string;
  instanceType?: string;
  privateDns?: string;
  publicDns?: string;
  /**
   * The role the provider itself records, when it has one: the ec2 provider's role tag.
   * Absent for OpsWorks, whose roles core infers from hostname and layer as the original did.
   */
  role?: Role;
  /** Names of the layers the instance belongs to (OpsWorks), or its role tag (ec2). */
  layerNames: string[];
  layerIds: string[];
  /** Set for OpsWorks time/load-based instances, which the scaler leaves alone. */
  autoScalingType?: string;
  /** EC2 launch time of the current run, ISO-8601. */
  launchTime?: string;
  /** Tags of the EC2 instance, when known. */
  tags?: Record<string, string>;
}

/** A host registered in Opencast's service registry (`/services/hosts.json`). */
export interface OpencastHost {
  baseUrl: string;
  online: boolean;
  active: boolean;
  maintenance: boolean;
  maxLoad?: number;
  cores?: number;
  nodeName?: string;
}

/** Non-terminal job from Opencast, normalised across versions. */
export interface OpencastJob {
  id: string;
  type: string;
  status: string;
  operation: string;
  processingHost?: string;
  createdHost?: string;
  jobLoad?: number;
}

/**
 * A capture Opencast's scheduler holds, as the External API lists it
 * (`GET /api/events?withscheduling=true`, Opencast 6.0+): when it starts and
 * ends, on which capture agent, and how far the event has come (its `status`,
 * e.g. `EVENTS.EVENTS.STATUS.SCHEDULED`, `...RECORDING`, `...PROCESSING`).
 */
export interface ScheduledEvent {
  id: string;
  /** Scheduled capture start and end, ISO-8601. */
  start: string;
  end: string;
  agentId?: string;
  status?: string;
}

/** The scheduled captures of a time range, or why they could not be read (no schedule is not an error for the scaler). */
export type ScheduleObservation = { up: true; from: string; to: string; events: ScheduledEvent[] } | { up: false; error: string };

export interface QueueCounts {
  /** Backlog: queued (or restarting) non-workflow jobs. */
  queued: number;
  /** Backlog restricted to the high-load operation types. */
  queuedHighLoad: number;
}

/** What Opencast told us in one observation, or why it could not. */
export type OpencastObservation =
  | {
      up: true;
      hosts: OpencastHost[];
      /** RUNNING jobs by processing host base_url. */
      runningByHost: Record<string, number>;
      queue: QueueCounts;
      running: number;
    }
  | {
      up: false;
      error: string;
      /** Opencast answered and refused our credentials (401, or no ROLE_ADMIN): a configuration error, not an outage. */
      credentialsRefused?: true;
    };

/** A worker as the scaler sees it: fleet facts joined with Opencast facts. */
export interface Worker {
  hostname: string;
  /** Provider id used to start and stop (OpsWorks InstanceId or EC2 id). */
  id: string;
  opsworksId?: string;
  ec2Id?: string;
  instanceType?: string;
  state: string;
  statusClass: StatusClass;
  /** `http://` + private DNS: how an instance is matched to an Opencast host. */
  hostUrl?: string;
  hasEc2: boolean;
  launchTime?: string;
  uptimeSeconds: number;
  billedMinutes: number;
  registered: boolean;
  maintenance: boolean;
  /** null when Opencast could not tell us. */
  runningJobs: number | null;
  /** true when Opencast reports no running job on the host; null when unknown. */
  idle: boolean | null;
  protected: boolean;
}

export interface ClusterCounts {
  instances: number;
  onlineInstances: number;
  workers: number;
  onlineWorkers: number;
  pendingWorkers: number;
}

/** One observation of the whole cluster, taken at `observedAt`. */
export interface ClusterView {
  cluster: string;
  clusterId: string;
  observedAt: string;
  layers: Layer[];
  instances: FleetInstance[];
  admin?: FleetInstance;
  workers: Worker[];
  counts: ClusterCounts;
  opencast: OpencastObservation;
}

/** A CloudWatch datapoint (statistic Average), timestamp ISO-8601. */
export interface Datapoint {
  timestamp: string;
  value: number;
}
