/**
 * Ports: what core needs from the outside world, declared here and implemented
 * by adapters (real) and by the simulator. Adapters translate; they never decide.
 */
import type { ClusterRef, Datapoint, FleetInstance, Layer, OpencastHost, OpencastJob, ScheduledEvent } from './types';

export interface ListInstancesOptions {
  /**
   * Which instances need their EC2 facts (launch time, tags), judged on what the provider knows
   * without them; the others may come back without. Default: all. Lets the OpsWorks provider
   * leave the admin and engage nodes out of its EC2 call.
   */
  detailsFor?: (instance: FleetInstance) => boolean;
}

/** The machines: OpsWorks stack (original model) or EC2 instances found by tags. */
export interface FleetPort {
  findCluster(name: string): Promise<ClusterRef>;
  listLayers(cluster: ClusterRef): Promise<Layer[]>;
  /**
   * Every instance of the cluster with its EC2 facts, in a fixed number of calls whatever the fleet size.
   * `layers` from `listLayers` spares the provider looking them up again.
   */
  listInstances(cluster: ClusterRef, layers?: readonly Layer[], options?: ListInstancesOptions): Promise<FleetInstance[]>;
  startInstance(id: string): Promise<void>;
  stopInstance(id: string): Promise<void>;
}

/** Opencast's REST API on the admin node. */
export interface OpencastPort {
  /** Resolves when the credentials are accepted and carry ROLE_ADMIN; throws otherwise. */
  checkCredentials(): Promise<void>;
  listHosts(): Promise<OpencastHost[]>;
  /** Every non-terminal job (QUEUED, RUNNING, RESTART, ...), normalised. */
  activeJobs(): Promise<OpencastJob[]>;
  /** Harvard DCE's `/workflow/queuedJobCount` (not upstream): queued jobs of the given workflow operations. */
  queuedJobCount(operations?: readonly string[]): Promise<number>;
  /** Switch maintenance for the host whose base_url is exactly `baseUrl`. */
  setMaintenance(baseUrl: string, on: boolean): Promise<void>;
  /**
   * Scheduled captures whose scheduled start is in [from, to) (External API, Opencast 6.0+).
   * Optional: a port without it has no schedule, and the policies that use one fall back.
   */
  scheduledEvents?(from: Date, to: Date): Promise<ScheduledEvent[]>;
}

/** OpsWorks' LayerId/StackId (legacy), EC2's InstanceId, InstanceType, ImageId, AutoScalingGroupName, or any a custom metric carries. */
type DimensionName = string;

export interface MetricQuery {
  namespace: string;
  metric: string;
  dimension: { name: DimensionName; value: string };
  periodSeconds: number;
  start: Date;
  end: Date;
}

/** One query's datapoints (oldest first), or why CloudWatch gave none for it. */
export type MetricAnswer = { datapoints: Datapoint[] } | { error: string };

/**
 * CloudWatch averages (statistic Average) for every `cloudwatch` strategy of a
 * cycle at once: one answer per query, in order. Throws when the call itself
 * fails; a query CloudWatch could not answer gets its own `error`.
 */
export interface MetricsPort {
  getAverages(queries: readonly MetricQuery[]): Promise<MetricAnswer[]>;
}
