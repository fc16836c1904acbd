/**
 * FleetPort for the original cluster model: an OpsWorks stack found by name,
 * its layers and instances, joined with EC2 facts (launch time, type, DNS,
 * tags) from one paginated EC2 DescribeInstances. Translates only: which
 * instance is a worker is decided in core.
 */
import {
  DescribeInstancesCommand,
  DescribeLayersCommand,
  DescribeStacksCommand,
  type Instance as OpsworksInstance,
  type OpsWorksClient,
  StartInstanceCommand,
  StopInstanceCommand,
} from '@aws-sdk/client-opsworks';
import type { EC2Client, Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { ConfigError, ProtocolError } from '../../core/errors';
import type { FleetPort, ListInstancesOptions } from '../../core/ports';
import type { ClusterRef, FleetInstance, InstanceState, Layer } from '../../core/types';
import { AnswerReader } from './answer-shape';
import { describeEc2Instances, EC2_MAX_PAGE_SIZE, nonEmpty, tagsOf } from './ec2-describe';
import { callAws } from './errors';

export interface OpsWorksFleetDeps {
  opsworks: OpsWorksClient;
  ec2: EC2Client;
  /** EC2 page size (MaxResults, 5-1000). */
  ec2PageSize?: number;
}

const NOT_RUNNING = new Set(['stopped', 'terminated']);

/**
 * OpsWorks instance status → the core's instance state
 * (https://docs.aws.amazon.com/opsworks/latest/APIReference/API_Instance.html, `Status`). The OpsWorks word
 * stays the instance's `status`, for people. `stop_failed` is left `unknown`: whether EC2 still runs it is not said.
 */
const INSTANCE_STATE_BY_STATUS: Readonly<Record<string, InstanceState>> = {
  requested: 'requested',
  pending: 'pending',
  booting: 'configuring',
  running_setup: 'configuring',
  rebooting: 'configuring',
  online: 'running',
  setup_failed: 'setup-failed',
  connection_lost: 'unreachable',
  start_failed: 'start-failed',
  stopping: 'stopping',
  shutting_down: 'stopping',
  stopped: 'stopped',
  terminating: 'terminated',
  terminated: 'terminated',
};

/** The core's state of an OpsWorks instance status. */
export function opsworksInstanceState(status: string): InstanceState {
  return INSTANCE_STATE_BY_STATUS[status] ?? 'unknown';
}

export class OpsWorksFleet implements FleetPort {
  private readonly opsworks: OpsWorksClient;
  private readonly ec2: EC2Client;
  private readonly ec2PageSize: number;

  constructor(deps: OpsWorksFleetDeps) {
    this.opsworks = deps.opsworks;
    this.ec2 = deps.ec2;
    this.ec2PageSize = deps.ec2PageSize ?? EC2_MAX_PAGE_SIZE;
  }

  async findCluster(name: string): Promise<ClusterRef> {
    // DescribeStacks without ids lists every stack of the region (it has no pagination).
    const out = await callAws({ system: 'opsworks', operation: 'DescribeStacks' }, () =>
      this.opsworks.send(new DescribeStacksCommand({})),
    );
    const read = new AnswerReader('opsworks', 'DescribeStacks');
    const stacks = read.list(out.Stacks, 'Stacks').map((stack, i) => {
      const s = read.record(stack, `Stacks[${i}]`);
      return { Name: read.optionalText(s.Name, `Stacks[${i}].Name`), StackId: read.optionalText(s.StackId, `Stacks[${i}].StackId`) };
    });
    const matches = stacks.filter((s) => s.Name === name);
    if (matches.length === 0) throw new ConfigError('cluster', `no OpsWorks stack is named "${name}"`);
    if (matches.length > 1) {
      throw new ConfigError('cluster', `${matches.length} OpsWorks stacks are named "${name}"; rename one`);
    }
    const stackId = matches[0]?.StackId;
    if (!stackId) throw new ProtocolError('opsworks', `DescribeStacks returned stack "${name}" without a StackId`);
    return { name, id: stackId };
  }

  async listLayers(cluster: ClusterRef): Promise<Layer[]> {
    const out = await callAws({ system: 'opsworks', operation: 'DescribeLayers' }, () =>
      this.opsworks.send(new DescribeLayersCommand({ StackId: cluster.id })),
    );
    const read = new AnswerReader('opsworks', 'DescribeLayers');
    return read.list(out.Layers, 'Layers').flatMap((layer, i) => {
      const l = read.record(layer, `Layers[${i}]`);
      const id = read.optionalText(l.LayerId, `Layers[${i}].LayerId`);
      const name = read.optionalText(l.Name, `Layers[${i}].Name`);
      return id && name ? [{ id, name }] : [];
    });
  }

  /**
   * Three calls whatever the fleet size: DescribeLayers (skipped when the caller has them),
   * OpsWorks DescribeInstances, EC2 DescribeInstances (only for instances `detailsFor` wants).
   */
  async listInstances(cluster: ClusterRef, knownLayers?: readonly Layer[], options: ListInstancesOptions = {}): Promise<FleetInstance[]> {
    const [layers, described] = await Promise.all([
      knownLayers ?? this.listLayers(cluster),
      callAws({ system: 'opsworks', operation: 'DescribeInstances' }, () =>
        this.opsworks.send(new DescribeInstancesCommand({ StackId: cluster.id })),
      ),
    ]);
    const read = new AnswerReader('opsworks', 'DescribeInstances');
    const opsworksInstances = read.list(described.Instances, 'Instances').map((i, n) => checkInstance(read, i, `Instances[${n}]`));
    const layerNames = new Map(layers.map((l) => [l.id, l.name]));
    // Only instances whose EC2 instance may be running: launch time and tags matter only there,
    // and a stopped fleet's XML would be most of the answer (OpsWorks has type and DNS itself).
    // Of those, only the ones the caller wants details for (judged on the OpsWorks facts alone).
    // Each instance is built once from OpsWorks alone; only those joined with EC2 facts are built again.
    const bare = opsworksInstances.map((i) => toFleetInstance(i, undefined, layerNames));
    const wanted = options.detailsFor ?? (() => true);
    const ec2Ids = opsworksInstances.flatMap((i, n) =>
      i.Ec2InstanceId && !NOT_RUNNING.has(i.Status ?? '') && wanted(bare[n]!) ? [i.Ec2InstanceId] : [],
    );
    // Instances never started have no EC2 instance yet: no EC2 call is needed for them.
    const ec2ById = new Map<string, Ec2Instance>();
    if (ec2Ids.length > 0) {
      const ec2Instances = await describeEc2Instances(
        this.ec2,
        [{ Name: 'instance-id', Values: ec2Ids }],
        this.ec2PageSize,
      );
      for (const e of ec2Instances) if (e.InstanceId) ec2ById.set(e.InstanceId, e);
    }
    return opsworksInstances.map((i, n) => {
      const ec2 = i.Ec2InstanceId ? ec2ById.get(i.Ec2InstanceId) : undefined;
      return ec2 ? toFleetInstance(i, ec2, layerNames) : bare[n]!;
    });
  }

  async startInstance(id: string): Promise<void> {
    await callAws({ system: 'opsworks', operation: 'StartInstance', mutating: true }, () =>
      this.opsworks.send(new StartInstanceCommand({ InstanceId: id })),
    );
  }

  async stopInstance(id: string): Promise<void> {
    await callAws({ system: 'opsworks', operation: 'StopInstance', mutating: true }, () =>
      this.opsworks.send(new StopInstanceCommand({ InstanceId: id })),
    );
  }
}

const INSTANCE_TEXT_FIELDS = ['InstanceId', 'Hostname', 'Status', 'Ec2InstanceId', 'InstanceType', 'PrivateDns', 'PublicDns', 'PrivateIp', 'PublicIp', 'AutoScalingType'] as const;

/** The fields read below, type-checked: the SDK passes whatever the answer held. */
function checkInstance(read: AnswerReader, value: unknown, field: string): OpsworksInstance {
  const i = read.record(value, field);
  for (const key of INSTANCE_TEXT_FIELDS) read.optionalText(i[key], field, key);
  const layerIds = read.optionalList(i.LayerIds, field, 'LayerIds');
  for (let n = 0; n < layerIds.length; n++) if (typeof layerIds[n] !== 'string') read.text(layerIds[n], `${field}.LayerIds[${n}]`);
  return i as OpsworksInstance;
}

function toFleetInstance(
  i: OpsworksInstance,
  ec2: Ec2Instance | undefined,
  layerNames: ReadonlyMap<string, string>,
): FleetInstance {
  if (!i.InstanceId) throw new ProtocolError('opsworks', 'DescribeInstances returned an instance without InstanceId');
  const layerIds = i.LayerIds ?? [];
  // OpsWorks' own DNS names and type first, as the original matched on them; EC2 fills the gaps.
  const privateDns = nonEmpty(i.PrivateDns) ?? nonEmpty(ec2?.PrivateDnsName);
  const publicDns = nonEmpty(i.PublicDns) ?? nonEmpty(ec2?.PublicDnsName);
  // Addresses too: Opencast may be registered under one (core/host-match.ts).
  const privateIp = nonEmpty(i.PrivateIp) ?? nonEmpty(ec2?.PrivateIpAddress);
  const publicIp = nonEmpty(i.PublicIp) ?? nonEmpty(ec2?.PublicIpAddress);
  const instanceType = i.InstanceType ?? ec2?.InstanceType;
  // Optional fields are assigned in place (not spread): this runs for every instance of every observation.
  const status = i.Status ?? 'unknown';
  const out = { id: i.InstanceId, hostname: i.Hostname ?? '', status, state: opsworksInstanceState(status), provider: 'opsworks' } as FleetInstance;
  if (i.Ec2InstanceId) out.ec2Id = i.Ec2InstanceId;
  if (instanceType) out.instanceType = instanceType;
  if (privateDns) out.privateDns = privateDns;
  if (publicDns) out.publicDns = publicDns;
  if (privateIp) out.privateIp = privateIp;
  if (publicIp) out.publicIp = publicIp;
  out.layerNames = layerIds.flatMap((id) => {
    const name = layerNames.get(id);
    return name ? [name] : [];
  });
  out.layerIds = layerIds;
  if (i.AutoScalingType) out.autoScalingType = i.AutoScalingType;
  if (ec2?.LaunchTime) out.launchTime = ec2.LaunchTime.toISOString();
  if (ec2) out.tags = tagsOf(ec2);
  return out;
}
