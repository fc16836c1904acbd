/**
 * The simulated cluster as the wire routers see it. `sim/model/` implements it
 * (virtual clock, boot times, job dispatch, billing); `sim/aws/` and
 * `sim/opencast/` only read this state and call these mutators, so a router never
 * holds state of its own and a scenario drives every protocol at once.
 */

import type { Consistency } from './consistency';

/** OpsWorks instance status words (the ones the simulator uses). */
export type OpsworksStatus =
  | 'requested'
  | 'pending'
  | 'booting'
  | 'running_setup'
  | 'online'
  | 'stopping'
  | 'stopped'
  | 'start_failed'
  | 'setup_failed'
  | 'connection_lost'
  | 'terminated';

export type Ec2State = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';

export type FaultKind =
  | 'schedule-unavailable'
  | 'schedule-stale'
  | 'schedule-missing'
  | 'opencast-down'
  | 'opencast-slow'
  | 'opencast-garbage'
  | 'aws-throttle'
  | 'aws-5xx'
  | 'list-lag'
  | 'cold-start'
  | 'start-failure'
  | 'insufficient-capacity'
  | 'setup-failed'
  | 'connection-lost'
  | 'never-registers'
  | 'metrics-missing'
  | 'kill-scaler'
  | 'host-moved'
  | 'capture-missed'
  | 'password-rotated'
  | 'console-execution';

export interface SimStack {
  id: string;
  name: string;
  region: string;
}

export interface SimLayer {
  id: string;
  name: string;
  shortname: string;
}

export interface SimInstance {
  opsworksId: string;
  /** Absent until the instance has been started once (OpsWorks creates the EC2 instance lazily). */
  ec2Id?: string;
  hostname: string;
  layerIds: string[];
  instanceType: string;
  status: OpsworksStatus;
  ec2State: Ec2State;
  /** Epoch ms of the current EC2 run's launch. */
  launchTime?: number;
  privateDns: string;
  publicDns?: string;
  /** VPC addresses EC2 and OpsWorks report (PrivateIpAddress / PrivateIp, and the public ones). */
  privateIp?: string;
  publicIp?: string;
  /** The node's `org.opencastproject.server.url`: the `base_url` its Opencast registers under (absent: runs no Opencast). */
  baseUrl?: string;
  autoScalingType?: 'load' | 'timer';
  tags: Record<string, string>;
}

export interface SimHost {
  /** Exact `base_url`: the node's `org.opencastproject.server.url` (by default `http://` + private DNS here). */
  baseUrl: string;
  /** What the base_url's host resolves to on the node (`InetAddress.getByName(...)` in ServiceRegistryJpaImpl.activate). */
  address?: string;
  online: boolean;
  active: boolean;
  maintenance: boolean;
  maxLoad: number;
  cores: number;
  nodeName?: string;
}

export type SimJobStatus = 'QUEUED' | 'DISPATCHING' | 'RUNNING' | 'RESTART' | 'FINISHED' | 'FAILED';

export interface SimJob {
  id: number;
  /** Service type, e.g. `org.opencastproject.composer`. */
  type: string;
  /** Job operation, e.g. `Encode`, `Composite`, `Inspect`. */
  operation: string;
  /** Workflow operation id that created it, e.g. `encode`, `composite`, `segment-video`. */
  workflowOperation: string;
  status: SimJobStatus;
  load: number;
  createdHost: string;
  processingHost?: string;
  /** Epoch ms (virtual). */
  createdAt: number;
  startedAt?: number;
  durationMs: number;
  /** How many times it was restarted from scratch because its host went away. */
  restarts: number;
}

/** A capture Opencast's scheduler holds, with what became of it (the External API derives its status from this). */
export interface SimScheduledEvent {
  /** Event identifier (the media package id). */
  id: string;
  agent: string;
  /** Scheduled capture start and end, epoch ms. */
  start: number;
  end: number;
  /** When the recording was ingested (its workflow started); undefined before. */
  ingestedAt?: number;
  /** When its processing finished. */
  completedAt?: number;
  /** The capture never arrived (its agent was offline): no recording state was ever reported for it. */
  missed?: boolean;
}

export interface SimDatapoint {
  timestamp: number;
  value: number;
  /** When CloudWatch first answers with it (publishing delay); absent: at its timestamp. */
  availableAt?: number;
}

export interface SimMetricSeries {
  namespace: string;
  metric: string;
  dimension: { name: string; value: string };
  datapoints: SimDatapoint[];
}

export interface SimOpencastSettings {
  /** Opencast version the wire formats follow, e.g. `1.6`, `2.3`, `7.4`, `15.0`. */
  version: string;
  user: string;
  password: string;
  /** DCE fork's `/workflow/queuedJobCount` endpoint present. */
  queuedJobCountEndpoint: boolean;
}

/** The error an AWS API answers with; routers turn it into the protocol's error shape. */
export class SimAwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SimAwsError';
  }
}

export interface SimClusterState {
  /** Virtual now, epoch ms. */
  now(): number;
  readonly stack: SimStack;
  readonly layers: readonly SimLayer[];
  readonly instances: readonly SimInstance[];
  /** Hosts registered in Opencast (admin, engage and workers that came online). */
  readonly hosts: readonly SimHost[];
  /** All jobs, including finished ones. */
  readonly jobs: readonly SimJob[];
  /** Only the non-terminal jobs, when the model indexes them (a week's finished jobs would be scanned per request). */
  activeJobs?(): readonly SimJob[];
  /** Scheduled captures whose scheduled start is in [from, to) (the scheduler's index), when the model has a schedule. */
  scheduledEvents?(from: number, to: number): readonly SimScheduledEvent[];
  readonly opencast: SimOpencastSettings;
  /** Is a fault of this kind active now (optionally for this target host/instance)? */
  faultActive(kind: FaultKind, target?: string): boolean;
  /** How far the simulated AWS reads trail the truth (consistency.ts); absent: the default lags, seed 0. */
  readonly consistency?: Consistency;
  /** CloudWatch series derived from the model plus any scenario-given datapoints (those from `from` on, when given). */
  metricSeries(namespace: string, metric: string, dimension: { name: string; value: string }, from?: number): SimMetricSeries | undefined;

  /** OpsWorks StartInstance: throws SimAwsError as AWS would (e.g. instance not stopped). */
  startInstance(opsworksId: string): void;
  /** OpsWorks StopInstance. */
  stopInstance(opsworksId: string): void;
  /**
   * EC2 StartInstances / StopInstances by EC2 id, for clusters run without
   * OpsWorks (the ec2 fleet provider). Optional so OpsWorks-only models need
   * not implement them; without them the EC2 router answers UnsupportedOperation.
   * Throw SimAwsError as EC2 would (e.g. `IncorrectInstanceState`).
   */
  startEc2Instance?(ec2Id: string): void;
  stopEc2Instance?(ec2Id: string): void;
  /** Opencast POST /services/maintenance; false when no host has that exact base_url. */
  setMaintenance(baseUrl: string, on: boolean): boolean;
}
