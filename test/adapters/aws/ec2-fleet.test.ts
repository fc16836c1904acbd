import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ec2Fleet } from '../../../adapters/aws/ec2-fleet';
import { ConfigError, ScalingError, ThrottledError } from '../../../core/errors';
import { FixtureClusterState, instance, T0 } from '../../fixtures/aws-sim-state';
import { type Connected, connect, countCalls, transports } from './transports';

const cluster = { name: 'prod-cluster', id: 'prod-cluster' };

describe.each(transports)('Ec2Fleet over $name', (transport) => {
  let state: FixtureClusterState;
  let aws: Connected;
  let fleet: Ec2Fleet;

  beforeEach(async () => {
    state = new FixtureClusterState();
    aws = await connect(transport, state);
    fleet = new Ec2Fleet({ ec2: aws.clients.ec2 });
  });

  afterEach(async () => {
    await aws.close();
  });

  describe('findCluster', () => {
    it('returns the tag value as id when instances carry the cluster tag', async () => {
      // Act
      const found = await fleet.findCluster('prod-cluster');

      // Assess
      expect(found).toEqual(cluster);
    });

    it('throws ConfigError when no instance carries the cluster tag', async () => {
      // Act
      const found = fleet.findCluster('staging');

      // Assess
      await expect(found).rejects.toBeInstanceOf(ConfigError);
      await expect(found).rejects.toThrow(/opencast:cluster=staging/);
    });
  });

  describe('listInstances', () => {
    it('returns only the instances tagged with the cluster, with roles as layers, in one EC2 call', async () => {
      // Act
      const instances = await fleet.listInstances(cluster);

      // Assess: worker5 belongs to another cluster, worker4 has no EC2 instance.
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(1);
      expect(instances.map((i) => i.hostname)).toEqual(['admin1', 'worker1', 'worker2', 'worker3']);
      expect(instances[1]).toEqual({
        id: 'i-0b000000000000001',
        hostname: 'worker1',
        status: 'running',
        state: 'running',
        provider: 'ec2',
        ec2Id: 'i-0b000000000000001',
        instanceType: 'c4.8xlarge',
        privateDns: 'ip-10-0-1-11.ec2.internal',
        privateIp: '10.0.1.11',
        role: 'worker',
        layerNames: ['Workers'],
        layerIds: ['worker'],
        launchTime: new Date(T0 - 50 * 60_000).toISOString(),
        tags: { Name: 'worker1', 'opencast:cluster': 'prod-cluster', 'opencast:role': 'worker' },
      });
      expect(instances[0]).toMatchObject({ role: 'admin', layerNames: ['Admin'], publicDns: 'ec2-54-0-0-10.compute-1.amazonaws.com' });
    });

    it("keeps EC2's state words, translates them into the core's, and leaves terminated instances out", async () => {
      // Prepare
      const tagged = (n: number, ec2State: 'pending' | 'stopping' | 'stopped' | 'terminated') =>
        instance({
          opsworksId: `x${n}`,
          hostname: `worker-x${n}`,
          ec2Id: `i-0d00000000000000${n}`,
          ec2State,
          tags: { 'opencast:cluster': 'edge', 'opencast:role': 'worker', Name: `worker-x${n}` },
        });
      state.instances.push(tagged(1, 'pending'), tagged(2, 'stopping'), tagged(3, 'stopped'), tagged(4, 'terminated'));

      // Act
      const instances = await fleet.listInstances({ name: 'edge', id: 'edge' });

      // Assess
      expect(instances.map((i) => [i.hostname, i.status, i.state])).toEqual([
        ['worker-x1', 'pending', 'pending'],
        ['worker-x2', 'stopping', 'stopping'],
        ['worker-x3', 'stopped', 'stopped'],
      ]);
    });

    it('uses the configured tag keys and falls back to the private DNS label for the hostname', async () => {
      // Prepare
      state.instances.push(
        instance({
          opsworksId: 'y1',
          hostname: 'ignored',
          ec2Id: 'i-0e000000000000001',
          ec2State: 'running',
          privateDns: 'ip-10-9-9-9.ec2.internal',
          tags: { team: 'video', tier: 'engage' },
        }),
      );
      fleet = new Ec2Fleet({ ec2: aws.clients.ec2, clusterTagKey: 'team', roleTagKey: 'tier' });

      // Act
      const instances = await fleet.listInstances({ name: 'video', id: 'video' });

      // Assess
      expect(instances).toEqual([
        expect.objectContaining({ hostname: 'ip-10-9-9-9', status: 'running', state: 'running', role: 'engage', layerNames: ['Engage'], layerIds: ['engage'] }),
      ]);
    });

    it('follows NextToken across pages when the cluster exceeds one page', async () => {
      // Prepare
      for (let n = 0; n < 11; n++) {
        state.instances.push(
          instance({
            opsworksId: `p${n}`,
            hostname: `worker-p${n}`,
            ec2Id: `i-0f${String(n).padStart(15, '0')}`,
            ec2State: 'running',
            tags: { 'opencast:cluster': 'big', 'opencast:role': 'worker', Name: `worker-p${n}` },
          }),
        );
      }
      fleet = new Ec2Fleet({ ec2: aws.clients.ec2, pageSize: 5 });

      // Act
      const instances = await fleet.listInstances({ name: 'big', id: 'big' });

      // Assess
      expect(instances).toHaveLength(11);
      expect(new Set(instances.map((i) => i.id)).size).toBe(11);
      expect(countCalls(aws.calls, 'ec2', 'DescribeInstances')).toBe(3);
    });

    it('throws ThrottledError when EC2 answers RequestLimitExceeded', async () => {
      // Prepare
      state.faults.add('aws-throttle');

      // Act
      const listed = fleet.listInstances(cluster);

      // Assess
      await expect(listed).rejects.toBeInstanceOf(ThrottledError);
      await expect(listed).rejects.toThrow(/RequestLimitExceeded/);
    });
  });

  describe('listLayers', () => {
    it('returns the role layers without calling AWS', async () => {
      // Act
      const layers = await fleet.listLayers(cluster);

      // Assess
      expect(layers).toEqual([
        { id: 'worker', name: 'Workers' },
        { id: 'admin', name: 'Admin' },
        { id: 'engage', name: 'Engage' },
      ]);
      expect(aws.calls).toHaveLength(0);
    });
  });

  describe('startInstance / stopInstance', () => {
    it('starts a stopped instance with StartInstances', async () => {
      // Act
      await fleet.startInstance('i-0b000000000000003');

      // Assess
      expect(state.instances.find((i) => i.ec2Id === 'i-0b000000000000003')?.ec2State).toBe('pending');
      expect(countCalls(aws.calls, 'ec2', 'StartInstances')).toBe(1);
    });

    it('stops a running instance with StopInstances and never terminates it', async () => {
      // Act
      await fleet.stopInstance('i-0b000000000000002');

      // Assess
      expect(state.instances.find((i) => i.ec2Id === 'i-0b000000000000002')?.ec2State).toBe('stopping');
      expect(aws.calls.map((c) => c.operation)).toEqual(['StopInstances']);
    });

    it('throws ScalingError when EC2 refuses to start an instance that is stopping', async () => {
      // Prepare
      const target = state.instances.find((i) => i.ec2Id === 'i-0b000000000000002');
      if (target) target.ec2State = 'stopping';

      // Act
      const started = fleet.startInstance('i-0b000000000000002');

      // Assess
      await expect(started).rejects.toBeInstanceOf(ScalingError);
      await expect(started).rejects.toThrow(/IncorrectInstanceState/);
    });

    it('throws ScalingError when the instance id does not exist', async () => {
      // Act
      const stopped = fleet.stopInstance('i-0ffffffffffffffff');

      // Assess
      await expect(stopped).rejects.toBeInstanceOf(ScalingError);
      await expect(stopped).rejects.toThrow(/InvalidInstanceID.NotFound/);
    });

    it('throws ScalingError when the simulated model cannot start EC2 instances by id', async () => {
      // Prepare
      await aws.close();
      state = new FixtureClusterState({ withoutEc2Mutators: true });
      aws = await connect(transport, state);
      fleet = new Ec2Fleet({ ec2: aws.clients.ec2 });

      // Act
      const started = fleet.startInstance('i-0b000000000000003');

      // Assess
      await expect(started).rejects.toThrow(/UnsupportedOperation/);
    });
  });
});
