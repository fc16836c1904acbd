/**
 * OpsWorks Stacks (awsJson1_1, target prefix `OpsWorks_20130218`) over the
 * simulated cluster: the read calls the scaler makes and Start/StopInstance.
 * Field names are OpsWorks' own: StackId, InstanceId, Ec2InstanceId, Hostname,
 * Status, LayerIds, AutoScalingType, PrivateDns, PublicDns, ...
 */
import { SimAwsError, type SimClusterState, type SimInstance, type SimLayer } from '../model/types';
import { FragmentCache, type FragmentView } from '../model/fragment-cache';
import { type JsonObject, optionalString, optionalStringList, requiredString } from './json-input';
import { SerialisedJson } from './protocols';

export type JsonOperation = (state: SimClusterState, input: JsonObject) => JsonObject | SerialisedJson | undefined;

/** The simulated account; ARNs need one. */
export const SIM_ACCOUNT_ID = '123456789012';

export const opsworksOperations: Readonly<Record<string, JsonOperation>> = {
  DescribeStacks(state, input) {
    const ids = optionalStringList(input, 'StackIds');
    for (const id of ids ?? []) requireStack(state, id);
    const { stack } = state;
    return {
      Stacks: [
        {
          StackId: stack.id,
          Name: stack.name,
          Arn: `arn:aws:opsworks:${stack.region}:${SIM_ACCOUNT_ID}:stack/${stack.id}/`,
          Region: stack.region,
        },
      ],
    };
  },

  DescribeLayers(state, input) {
    const stackId = optionalString(input, 'StackId');
    const layerIds = optionalStringList(input, 'LayerIds');
    if (stackId === undefined && layerIds === undefined) {
      throw new SimAwsError('ValidationException', 'Please provide either a stack ID or layer IDs');
    }
    if (stackId !== undefined) requireStack(state, stackId);
    const layers = layerIds === undefined ? state.layers : layerIds.map((id) => requireLayer(state, id));
    return { Layers: layers.map((l) => layerJson(state, l)) };
  },

  DescribeInstances(state, input) {
    const stackId = optionalString(input, 'StackId');
    const layerId = optionalString(input, 'LayerId');
    const instanceIds = optionalStringList(input, 'InstanceIds');
    const given = [stackId, layerId, instanceIds].filter((v) => v !== undefined).length;
    if (given !== 1) {
      throw new SimAwsError('ValidationException', 'Please provide exactly one of StackId, LayerId or InstanceIds');
    }
    let instances: readonly SimInstance[];
    if (stackId !== undefined) {
      requireStack(state, stackId);
      instances = state.instances;
    } else if (layerId !== undefined) {
      requireLayer(state, layerId);
      instances = state.instances.filter((i) => i.layerIds.includes(layerId));
    } else {
      instances = (instanceIds ?? []).map((id) => requireInstance(state, id));
    }
    // JSON.stringify({ Instances: [...] }), from each instance's cached text.
    const texts = instances.map((i) => instanceTexts.text(i, instanceView(state, i)));
    return new SerialisedJson(`{"Instances":[${texts.join(',')}]}`);
  },

  StartInstance(state, input) {
    const id = requiredString(input, 'InstanceId');
    requireInstance(state, id);
    state.startInstance(id);
    return undefined;
  },

  StopInstance(state, input) {
    const id = requiredString(input, 'InstanceId');
    requireInstance(state, id);
    state.stopInstance(id);
    return undefined;
  },
};

function requireStack(state: SimClusterState, id: string): void {
  if (id !== state.stack.id) throw new SimAwsError('ResourceNotFoundException', `Unable to find stack with ID ${id}`);
}

function requireLayer(state: SimClusterState, id: string): SimLayer {
  const layer = state.layers.find((l) => l.id === id);
  if (!layer) throw new SimAwsError('ResourceNotFoundException', `Unable to find layer with ID ${id}`);
  return layer;
}

function requireInstance(state: SimClusterState, id: string): SimInstance {
  const instance = state.instances.find((i) => i.opsworksId === id);
  if (!instance) throw new SimAwsError('ResourceNotFoundException', `Unable to find instance with ID ${id}`);
  return instance;
}

function layerJson(state: SimClusterState, layer: SimLayer): JsonObject {
  return {
    StackId: state.stack.id,
    LayerId: layer.id,
    Arn: `arn:aws:opsworks:${state.stack.region}:${SIM_ACCOUNT_ID}:layer/${layer.id}`,
    Type: 'custom',
    Name: layer.name,
    Shortname: layer.shortname,
  };
}

/** Everything instanceJson reads, as a flat view (see FragmentCache). */
interface InstanceView extends FragmentView {
  region: string;
  stackId: string;
  opsworksId: string;
  layerIds: readonly string[];
  hostname: string;
  status: string;
  instanceType: string;
  privateDns: string;
  privateIp: string | undefined;
  ec2Id: string | undefined;
  publicDns: string | undefined;
  publicIp: string | undefined;
  autoScalingType: string | undefined;
}

function instanceView(state: SimClusterState, i: SimInstance): InstanceView {
  return {
    region: state.stack.region,
    stackId: state.stack.id,
    opsworksId: i.opsworksId,
    // A copy: the view must not change when the model edits the instance's array.
    layerIds: [...i.layerIds],
    hostname: i.hostname,
    status: i.status,
    instanceType: i.instanceType,
    privateDns: i.privateDns,
    privateIp: i.privateIp,
    ec2Id: i.ec2Id,
    publicDns: i.publicDns,
    publicIp: i.publicIp,
    autoScalingType: i.autoScalingType,
  };
}

const instanceTexts = new FragmentCache<SimInstance, InstanceView>((view) => JSON.stringify(instanceJson(view)));

function instanceJson(i: InstanceView): JsonObject {
  const json: JsonObject = {
    InstanceId: i.opsworksId,
    Arn: `arn:aws:opsworks:${i.region}:${SIM_ACCOUNT_ID}:instance/${i.opsworksId}`,
    StackId: i.stackId,
    LayerIds: i.layerIds,
    Hostname: i.hostname,
    Status: i.status,
    InstanceType: i.instanceType,
    InfrastructureClass: 'ec2',
    RootDeviceType: 'ebs',
    Architecture: 'x86_64',
    PrivateDns: i.privateDns,
  };
  if (i.ec2Id) json.Ec2InstanceId = i.ec2Id;
  if (i.privateIp) json.PrivateIp = i.privateIp;
  if (i.publicDns) json.PublicDns = i.publicDns;
  if (i.publicIp) json.PublicIp = i.publicIp;
  if (i.autoScalingType) json.AutoScalingType = i.autoScalingType;
  return json;
}
