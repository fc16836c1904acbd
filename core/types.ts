/**
 * The domain: what the scaler knows about a cluster, shared by every layer.
 * Adapters turn wire data into these types; core, machines and the CLI read them.
 * Times are ISO-8601 strings so that every value here survives JSON (workflow
 * inputs, history files, Lambda payloads) unchanged.
 */

/** How a worker was matched to its Opencast host, strongest first (core/host-match.ts). */
export type HostMatchKind = 'setting' | 'tag' | 'name' | 'node-name' | 'address' | 'short-name';

/** Instance states grouped as the original did: only these classes drive decisions. */
export type StatusClass = 'online' | 'pending' | 'stopped' | 'other';

/**
 * An instance's state in the core's own words, whatever runs the fleet: each fleet adapter translates its
 * provider's states into these and keeps its own word beside them for people (core/instance-state.ts).
 */
export type InstanceState =
  /** A start was asked for and nothing is launched yet (OpsWorks `requested`; EC2 goes straight to `pending`). */
  | 'requested'
  /** Launching (EC2 `pending`, OpsWorks `pending`). */
  | 'pending'
  /** Launched (billed) and being set up before it is ready (OpsWorks `booting`, `running_setup`, `rebooting`). */
  | 'configuring'
  /** Ready (EC2 `running`, OpsWorks `online`). */
  | 'running'
  /** Launched (billed), but its setup failed (OpsWorks `setup_failed`). */
  | 'setup-failed'
  /** Launched (billed), and the provider lost contact with it (OpsWorks `connection_lost`). */
  | 'unreachable'
  /** The start failed and nothing runs (OpsWorks `start_failed`); it may be started again. */
  | 'start-failed'
  /** EC2 `stopping`, OpsWorks `stopping` and `shutting_down`. */
  | 'stopping'
  | 'stopped'
  /** Gone for good: EC2 `shutting-down` and `terminated`, OpsWorks `terminating` and `terminated`. */
  | 'terminated'
  /** A word the adapter does not know: decided on as neither running nor stopped. */
  | 'unknown';

/** Who runs the fleet: plain EC2 instances found by tags (the default), or a legacy OpsWorks stack. */
export type FleetProvider = 'ec2' | 'opsworks';

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
  /** The provider's own word for its state, for people: EC2 `running`, `stopping`; OpsWorks `online`, `running_setup`. */
  status: string;
  /** The same in the core's words, translated by the adapter: what everything decides on. */
  state: InstanceState;
  provider: FleetProvider;
  ec2Id?: string;
  instanceType?: string;
  privateDns?: string;
  publicDns?: string;
  /** Addresses the provider knows (OpsWorks PrivateIp/PublicIp, EC2 PrivateIpAddress/PublicIpAddress): Opencast may be registered under one. */
  privateIp?: string;
  publicIp?: string;
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
  /** The node's `org.opencastproject.server.url`, exactly as Opencast has it: the key of maintenance calls and jobs. */
  baseUrl: string;
  /** What the base_url's host name resolves to on the node itself (2.0+). */
  address?: string;
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
  /** Who runs the instance: its states and ids are that provider's. */
  provider: FleetProvider;
  /** The provider's own word for the instance's state, for people (EC2 `running`, OpsWorks `online`). */
  state: string;
  /** The instance's state in the core's words: what rules and activities decide on. */
  instanceState: InstanceState;
  statusClass: StatusClass;
  /**
   * The exact `base_url` of the Opencast host this worker is (core/host-match.ts), when
   * Opencast lists one: maintenance calls and job counts use it, never a guessed URL.
   */
  hostUrl?: string;
  /** How the host was matched to the instance. */
  hostMatch?: HostMatchKind;
  /** Opencast lists the matched host online (registered and not unregistered since). */
  hostOnline?: boolean;
  hasEc2: boolean;
  launchTime?: string;
  uptimeSeconds: number;
  billedMinutes: number;
  registered: boolean;
  /**
   * Online Opencast hosts no single instance owns (unclaimed or ambiguous) that may be this worker,
   * when it has no online host of its own: its jobs and serving are then unknown (core/host-match.ts `mayBe`).
   */
  unsureHosts?: string[];
  maintenance: boolean;
  /** null when Opencast could not tell us, or when an unclaimed host may be this worker ({@link unsureHosts}). */
  runningJobs: number | null;
  /** true when Opencast reports no running job on the host; null when unknown. */
  idle: boolean | null;
  protected: boolean;
}

/**
 * What the autoscale cycles saw of serving (Opencast listing a worker's host online), carried from cycle
 * to cycle in the autoscale execution's output since the scaler keeps nothing between invocations
 * (core/serving.ts `nextServingMemory`). ISO times.
 */
export interface ServingMemory {
  /** Since when cycles have watched without a break (a lost or stale memory starts afresh). */
  watchedSince: string;
  /** Running workers' instance ids ({@link Worker.id}) and when a cycle last saw each serving. */
  lastServed: Readonly<Record<string, string>>;
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
  /** Opencast hosts no instance could be matched to (their base_urls), when Opencast answered. */
  hostMatch?: { unclaimed: string[]; ambiguous: string[] };
}

/** A CloudWatch datapoint (statistic Average), timestamp ISO-8601. */
export interface Datapoint {
  timestamp: string;
  value: number;
}
