/**
 * FleetPort for clusters that left OpsWorks: plain EC2 instances found by tags.
 * The cluster tag (default `opencast:cluster=<name>`) selects the instances;
 * the role tag (default `opencast:role` = worker | admin | engage) is passed on
 * as the instance's role (core believes it instead of hostname prefixes) and as
 * its layer. Instances are started and stopped, never terminated.
 */
import {
  type EC2Client,
  type Filter,
  type Instance as Ec2Instance,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ConfigError, ProtocolError } from '../../core/errors';
import type { FleetPort } from '../../core/ports';
import type { ClusterRef, FleetInstance, InstanceState, Layer, Role } from '../../core/types';
import { describeEc2Instances, EC2_MAX_PAGE_SIZE, nonEmpty, tagsOf } from './ec2-describe';
import { callAws } from './errors';

export interface Ec2FleetOptions {
  ec2: EC2Client;
  /** Tag whose value is the cluster name. */
  clusterTagKey?: string;
  /** Tag whose value is the instance's role. */
  roleTagKey?: string;
  /** Tag holding the hostname (EC2 has none of its own); falls back to the private DNS name's first label. */
  hostnameTagKey?: string;
  /** Role tag value → layer name. */
  roleLayers?: Readonly<Record<string, string>>;
  /** EC2 page size (MaxResults, 5-1000). */
  pageSize?: number;
}

export const DEFAULT_ROLE_LAYERS: Readonly<Record<string, string>> = Object.freeze({
  worker: 'Workers',
  admin: 'Admin',
  engage: 'Engage',
});

/**
 * EC2 instance state → the core's instance state
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html). The EC2 word itself
 * stays the instance's `status`, for people: an EC2 cluster is shown in EC2's words.
 */
const INSTANCE_STATE_BY_EC2_STATE: Readonly<Record<string, InstanceState>> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminated',
  terminated: 'terminated',
};

/** The core's state of an EC2 instance state name; one EC2 does not document is `unknown`. */
export function ec2InstanceState(name: string): InstanceState {
  return INSTANCE_STATE_BY_EC2_STATE[name] ?? 'unknown';
}

/** Role tag values that name a domain role; any other value (or none) is `other`, never guessed from the hostname. */
export const ROLES: ReadonlySet<string> = new Set<Role>(['admin', 'worker', 'engage']);

/** Terminated instances stay visible for about an hour; they can never be started again, so they are left out. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

export class Ec2Fleet implements FleetPort {
  private readonly ec2: EC2Client;
  private readonly clusterTagKey: string;
  private readonly roleTagKey: string;
  private readonly hostnameTagKey: string;
  private readonly roleLayers: Readonly<Record<string, string>>;
  private readonly pageSize: number;

  constructor(options: Ec2FleetOptions) {
    this.ec2 = options.ec2;
    this.clusterTagKey = options.clusterTagKey ?? 'opencast:cluster';
    this.roleTagKey = options.roleTagKey ?? 'opencast:role';
    this.hostnameTagKey = options.hostnameTagKey ?? 'Name';
    this.roleLayers = options.roleLayers ?? DEFAULT_ROLE_LAYERS;
    this.pageSize = options.pageSize ?? EC2_MAX_PAGE_SIZE;
  }

  /** The tag value is the cluster's id; a name that tags no live instance is refused like an unknown stack. */
  async findCluster(name: string): Promise<ClusterRef> {
    const instances = await describeEc2Instances(this.ec2, this.clusterFilters(name), this.pageSize);
    if (instances.length === 0) {
      throw new ConfigError('cluster', `no EC2 instance is tagged ${this.clusterTagKey}=${name}`);
    }
    return { name, id: name };
  }

  /** Layers are the configured roles; no API call. */
  async listLayers(_cluster: ClusterRef): Promise<Layer[]> {
    return Object.entries(this.roleLayers).map(([id, name]) => ({ id, name }));
  }

  /** One paginated DescribeInstances whatever the fleet size. */
  async listInstances(cluster: ClusterRef): Promise<FleetInstance[]> {
    const instances = await describeEc2Instances(this.ec2, this.clusterFilters(cluster.id), this.pageSize);
    return instances.map((i) => this.toFleetInstance(i));
  }

  async startInstance(id: string): Promise<void> {
    await callAws({ system: 'ec2', operation: 'StartInstances', mutating: true }, () =>
      this.ec2.send(new StartInstancesCommand({ InstanceIds: [id] })),
    );
  }

  async stopInstance(id: string): Promise<void> {
    await callAws({ system: 'ec2', operation: 'StopInstances', mutating: true }, () =>
      this.ec2.send(new StopInstancesCommand({ InstanceIds: [id] })),
    );
  }

  private clusterFilters(clusterTagValue: string): Filter[] {
    return [
      { Name: `tag:${this.clusterTagKey}`, Values: [clusterTagValue] },
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ];
  }

  private toFleetInstance(i: Ec2Instance): FleetInstance {
    if (!i.InstanceId) throw new ProtocolError('ec2', 'DescribeInstances returned an instance without instanceId');
    const tags = tagsOf(i);
    const role = tags[this.roleTagKey];
    const layerName = role !== undefined ? this.roleLayers[role] : undefined;
    const privateDns = nonEmpty(i.PrivateDnsName);
    const publicDns = nonEmpty(i.PublicDnsName);
    const privateIp = nonEmpty(i.PrivateIpAddress);
    const publicIp = nonEmpty(i.PublicIpAddress);
    const stateName = i.State?.Name ?? 'unknown';
    return {
      id: i.InstanceId,
      hostname: tags[this.hostnameTagKey] || privateDns?.split('.')[0] || i.InstanceId,
      status: stateName,
      state: ec2InstanceState(stateName),
      provider: 'ec2',
      ec2Id: i.InstanceId,
      ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
      ...(privateDns ? { privateDns } : {}),
      ...(publicDns ? { publicDns } : {}),
      ...(privateIp ? { privateIp } : {}),
      ...(publicIp ? { publicIp } : {}),
      role: role !== undefined && ROLES.has(role) ? (role as Role) : 'other',
      layerNames: layerName ? [layerName] : [],
      layerIds: layerName && role ? [role] : [],
      ...(i.LaunchTime ? { launchTime: i.LaunchTime.toISOString() } : {}),
      tags,
    };
  }
}
