import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdkRequestHandler } from '../../../sim/wire/sdk-request-handler';
import { createAwsClients, SIM_CREDENTIALS, SIM_REGION } from '../../../adapters/aws/clients';
import { OpsWorksFleet } from '../../../adapters/aws/opsworks-fleet';
import { ConfigError, ScalingError, ThrottledError } from '../../../core/errors';
import { FixtureClusterState, instance, T0 } from '../../fixtures/aws-sim-state';
import { type Connected, connect, countCalls, transports } from './transports';

describe.each(transports)('OpsWorksFleet over $name', (transport) => {
  let state: FixtureClusterState;
  let aws: Connected;
  let fleet: OpsWorksFleet;

  beforeEach(async () => {
    state = new FixtureClusterState();
    aws = await connect(transport, state);
    fleet = new OpsWorksFleet({ opsworks: aws.clients.opsworks, ec2: aws.clients.ec2 });
  });

  afterEach(async () => {
    await aws.close();
  });

  describe('findCluster', () => {
    it('returns the stack id when one stack has exactly that name', async () => {
      // Act
      const cluster = await fleet.findCluster('prod-cluster');

      // Assess
      expect(cluster).toEqual({ name: 'prod-cluster', id: state.stack.id });
    });

    it('throws ConfigError when no stack has that name', async () => {
      // Act
      const found = fleet.findCluster('prod');

      // Assess: a prefix is not a match.
      await expect(found).rejects.toBeInstanceOf(ConfigError);
      await expect(found).rejects.toThrow(/no OpsWorks stack is named "prod"/);
    });

    it('throws ThrottledError when OpsWorks throttles', async () => {
      // Prepare
      state.faults.add('aws-throttle@opsworks');

      // Act
      const found = fleet.findCluster('prod-cluster');

      // Assess
      await expect(found).rejects.toBeInstanceOf(ThrottledError);
      await expect(found).rejects.toMatchObject({ system: 'opsworks', name: 'ThrottledError' });
    });
  });

  describe('listLayers', () => {
    it('returns the layers of the stack by id and name', async () => {
      // Act
      const layers = await fleet.listLayers({ name: 'prod-cluster', id: state.stack.id });

      // Assess
      expect(layers).toEqual([
        { id: 'layer-admin', name: 'Admin' },
        { id: 'layer-workers', name: 'Workers' },
        { id: 'layer-engage', name: 'Engage' },
      ]);
    });
  });

  describe('listInstances', () => {
    it('joins every OpsWorks instance with its EC2 facts using one EC2 call', async () => {
      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id });

      // Assess
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(1);
      expect(countCalls(aws.calls, 'opsworks', 'DescribeInstances')).toBe(1);
      expect(instances.map((i) => i.hostname)).toEqual(['admin1', 'worker1', 'worker2', 'worker3', 'worker4', 'worker5']);
      expect(instances[1]).toEqual({
        id: 'ow-worker1',
        hostname: 'worker1',
        status: 'online',
        state: 'running',
        provider: 'opsworks',
        ec2Id: 'i-0b000000000000001',
        instanceType: 'c4.8xlarge',
        privateDns: 'ip-10-0-1-11.ec2.internal',
        privateIp: '10.0.1.11',
        layerNames: ['Workers'],
        layerIds: ['layer-workers'],
        launchTime: new Date(T0 - 50 * 60_000).toISOString(),
        tags: { Name: 'worker1', 'opencast:cluster': 'prod-cluster', 'opencast:role': 'worker' },
      });
    });

    it('keeps public DNS, AutoScalingType and stopped instances without EC2 facts', async () => {
      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id });
      const byHost = new Map(instances.map((i) => [i.hostname, i]));

      // Assess
      expect(byHost.get('admin1')).toMatchObject({
        publicDns: 'ec2-54-0-0-10.compute-1.amazonaws.com',
        layerNames: ['Admin'],
      });
      expect(byHost.get('worker5')?.autoScalingType).toBe('load');
      expect(byHost.get('worker3')).toMatchObject({ status: 'stopped', state: 'stopped', ec2Id: 'i-0b000000000000003' });
      const neverStarted = byHost.get('worker4');
      expect(neverStarted?.ec2Id).toBeUndefined();
      expect(neverStarted?.launchTime).toBeUndefined();
      expect(neverStarted?.tags).toBeUndefined();
    });

    it('joins EC2 facts only to the instances the caller wants details for', async () => {
      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id }, undefined, {
        detailsFor: (i) => i.hostname.startsWith('worker'),
      });
      const byHost = new Map(instances.map((i) => [i.hostname, i]));

      // Assess: the admin keeps what OpsWorks says of it, without launch time or tags.
      expect(byHost.get('admin1')).toMatchObject({ privateDns: expect.any(String), publicDns: 'ec2-54-0-0-10.compute-1.amazonaws.com', ec2Id: expect.any(String) });
      expect(byHost.get('admin1')?.launchTime).toBeUndefined();
      expect(byHost.get('admin1')?.tags).toBeUndefined();
      expect(byHost.get('worker1')).toMatchObject({ launchTime: new Date(T0 - 50 * 60_000).toISOString(), tags: expect.objectContaining({ Name: 'worker1' }) });
    });

    it('makes no EC2 call when the caller wants no details at all', async () => {
      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id }, undefined, { detailsFor: () => false });

      // Assess
      expect(instances).toHaveLength(6);
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(0);
    });

    it('makes no EC2 call when no instance has an EC2 instance yet', async () => {
      // Prepare
      state.instances.splice(0, state.instances.length, instance({ opsworksId: 'ow-new', hostname: 'worker9' }));

      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id });

      // Assess
      expect(instances).toHaveLength(1);
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(0);
    });

    it('follows EC2 pages until every instance is joined when the fleet exceeds one page', async () => {
      // Prepare: 12 running workers, 5 per EC2 page.
      state.instances.splice(
        0,
        state.instances.length,
        ...Array.from({ length: 12 }, (_, n) =>
          instance({
            opsworksId: `ow-w${n}`,
            hostname: `worker${n}`,
            layerIds: ['layer-workers'],
            status: 'online',
            ec2State: 'running',
            ec2Id: `i-0c${String(n).padStart(15, '0')}`,
            launchTime: T0 - n * 60_000,
          }),
        ),
      );
      fleet = new OpsWorksFleet({ opsworks: aws.clients.opsworks, ec2: aws.clients.ec2, ec2PageSize: 5 });

      // Act
      const instances = await fleet.listInstances({ name: 'prod-cluster', id: state.stack.id });

      // Assess
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(3);
      expect(instances.every((i) => i.launchTime !== undefined)).toBe(true);
      expect(instances[11]?.launchTime).toBe(new Date(T0 - 11 * 60_000).toISOString());
    });

    it('throws ThrottledError naming EC2 when only EC2 throttles', async () => {
      // Prepare
      state.faults.add('aws-throttle@ec2');

      // Act
      const listed = fleet.listInstances({ name: 'prod-cluster', id: state.stack.id });

      // Assess
      await expect(listed).rejects.toBeInstanceOf(ThrottledError);
      await expect(listed).rejects.toMatchObject({ system: 'ec2' });
    });
  });

  describe('startInstance / stopInstance', () => {
    it('starts a stopped instance through OpsWorks StartInstance', async () => {
      // Act
      await fleet.startInstance('ow-worker3');

      // Assess
      expect(state.instances.find((i) => i.opsworksId === 'ow-worker3')?.status).toBe('requested');
      expect(countCalls(aws.calls, 'opsworks', 'StartInstance')).toBe(1);
    });

    it('stops an online instance through OpsWorks StopInstance', async () => {
      // Act
      await fleet.stopInstance('ow-worker2');

      // Assess
      expect(state.instances.find((i) => i.opsworksId === 'ow-worker2')?.status).toBe('stopping');
    });

    it('throws ScalingError when OpsWorks refuses to start an instance that is not stopped', async () => {
      // Act
      const started = fleet.startInstance('ow-worker1');

      // Assess
      await expect(started).rejects.toBeInstanceOf(ScalingError);
      await expect(started).rejects.toThrow(/StartInstance refused \(ValidationException\)/);
      expect(state.instances.find((i) => i.opsworksId === 'ow-worker1')?.status).toBe('online');
    });

    it('throws ScalingError when the instance id is unknown', async () => {
      // Act
      const stopped = fleet.stopInstance('ow-nope');

      // Assess
      await expect(stopped).rejects.toBeInstanceOf(ScalingError);
      await expect(stopped).rejects.toThrow(/ResourceNotFoundException/);
    });
  });
});

describe('OpsWorksFleet.findCluster with duplicate stack names', () => {
  it('throws ConfigError when two stacks share the name', async () => {
    // Prepare: a hand-written OpsWorks answer, since the simulated account has one stack.
    const router = async () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Stacks: [{ StackId: 'a', Name: 'twin' }, { StackId: 'b', Name: 'twin' }] }),
    });
    const clients = createAwsClients({
      region: SIM_REGION,
      credentials: SIM_CREDENTIALS,
      requestHandler: createSdkRequestHandler(router),
    });
    const fleet = new OpsWorksFleet({ opsworks: clients.opsworks, ec2: clients.ec2 });

    // Act
    const found = fleet.findCluster('twin');

    // Assess
    await expect(found).rejects.toBeInstanceOf(ConfigError);
    await expect(found).rejects.toThrow(/2 OpsWorks stacks are named "twin"/);
  });
});
