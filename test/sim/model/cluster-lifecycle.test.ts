import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../../sim/model/cluster';
import { SimAwsError } from '../../../sim/model/types';
import { buildCluster, MIN, SEC, START } from './helpers';

describe('SimCluster instance lifecycle', () => {
  describe('StartInstance', () => {
    it('moves stopped → requested → pending → booting → running_setup → online, then Opencast registers the host', () => {
      // Prepare
      const t = buildCluster({ workers: [{ hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'stopped' }] });
      const seen: [number, string, string][] = [];
      const watch = () => {
        const i = t.instance('worker1');
        seen.push([t.cluster.now() - START, i.status, i.ec2State]);
      };

      // Act
      t.cluster.startInstance(t.instance('worker1').opsworksId);
      watch();
      for (const at of [15, 32, 45, 105, 255]) {
        t.clock.set(START + at * SEC);
        watch();
      }

      // Assess
      expect(seen).toEqual([
        [0, 'requested', 'stopped'],
        [15_000, 'pending', 'pending'],
        [32_000, 'pending', 'running'],
        [45_000, 'booting', 'running'],
        [105_000, 'running_setup', 'running'],
        [255_000, 'online', 'running'],
      ]);
      expect(t.host('worker1')).toBeUndefined();
      t.clock.set(START + 255 * SEC + DEFAULT_TIMINGS.registerMs);
      expect(t.host('worker1')).toMatchObject({
        baseUrl: `http://${t.instance('worker1').privateDns}`,
        online: true,
        active: true,
        maintenance: false,
        maxLoad: 36,
        cores: 36,
        nodeName: 'worker1',
      });
    });

    it('creates the EC2 instance on the first start, with the launch time of that run', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'stopped', hasEc2: false }] });
      expect(t.instance('worker1').ec2Id).toBeUndefined();

      t.cluster.startInstance(t.instance('worker1').opsworksId);
      t.advance(20 * SEC);

      expect(t.instance('worker1').ec2Id).toMatch(/^i-0[0-9a-f]{16}$/);
      expect(t.instance('worker1').launchTime).toBe(START + 15 * SEC);
    });

    it('refuses to start an instance that is not stopped, as OpsWorks does', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });

      const act = () => t.cluster.startInstance(t.instance('worker1').opsworksId);

      expect(act).toThrow(SimAwsError);
      expect(act).toThrow(expect.objectContaining({ code: 'ValidationException', message: expect.stringMatching(/is online/) }));
      expect(t.instance('worker1').status).toBe('online');
    });

    it('answers ResourceNotFoundException for an unknown id', () => {
      const t = buildCluster();
      expect(() => t.cluster.startInstance('nope')).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
    });

    it('ends in start_failed while a start-failure fault targets the instance, and starts normally afterwards', () => {
      const t = buildCluster({
        workers: [{ hostname: 'worker1', state: 'stopped' }],
        faults: [{ at: '+0m', kind: 'start-failure', forMinutes: 10, target: 'worker1' }],
      });
      const id = t.instance('worker1').opsworksId;

      t.cluster.startInstance(id);
      t.advance(1 * MIN);
      expect(t.instance('worker1').status).toBe('start_failed');
      expect(t.instance('worker1').ec2Id).toBeUndefined();

      t.advance(10 * MIN);
      t.cluster.startInstance(id);
      t.advance(5 * MIN);
      expect(t.instance('worker1').status).toBe('online');
      expect(t.cluster.counters()).toMatchObject({ starts: 2, startFailures: 1 });
    });
  });

  describe('StopInstance', () => {
    it('moves online → stopping → stopped; Opencast unregisters at once and EC2 stops after the shutdown recipes', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online', uptimeMinutes: 30 }] });

      t.cluster.stopInstance(t.instance('worker1').opsworksId);
      expect(t.instance('worker1')).toMatchObject({ status: 'stopping', ec2State: 'running' });
      expect(t.host('worker1')?.online).toBe(false);

      t.advance(30 * SEC);
      expect(t.instance('worker1')).toMatchObject({ status: 'stopping', ec2State: 'stopping' });

      t.advance(30 * SEC);
      expect(t.instance('worker1')).toMatchObject({ status: 'stopped', ec2State: 'stopped' });
    });

    it('abandons a boot in progress when stopped mid-boot', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'stopped' }] });
      const id = t.instance('worker1').opsworksId;
      t.cluster.startInstance(id);
      t.advance(60 * SEC);

      t.cluster.stopInstance(id);
      t.advance(30 * MIN);

      expect(t.instance('worker1').status).toBe('stopped');
      expect(t.host('worker1')).toBeUndefined();
    });

    it('keeps the maintenance flag across a restart, as Opencast does', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });
      const id = t.instance('worker1').opsworksId;
      t.cluster.setMaintenance(t.host('worker1')!.baseUrl, true);

      t.cluster.stopInstance(id);
      t.advance(2 * MIN);
      t.cluster.startInstance(id);
      t.advance(10 * MIN);

      expect(t.host('worker1')).toMatchObject({ online: true, maintenance: true });
    });
  });

  describe('setMaintenance', () => {
    it('answers false for a base_url no host has', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });
      expect(t.cluster.setMaintenance('http://nowhere', true)).toBe(false);
      expect(t.cluster.setMaintenance(`${t.host('worker1')!.baseUrl}/`, true)).toBe(false);
    });
  });

  describe('EC2 StartInstances/StopInstances', () => {
    it('boots a stopped instance without an OpsWorks setup run and registers it', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'stopped', hasEc2: true }] });
      const ec2Id = t.instance('worker1').ec2Id!;

      t.cluster.startEc2Instance(ec2Id);
      expect(t.instance('worker1').ec2State).toBe('pending');
      t.advance(17 * SEC);
      expect(t.instance('worker1').ec2State).toBe('running');
      t.advance(4 * MIN);

      expect(t.instance('worker1').status).toBe('online');
      expect(t.host('worker1')?.online).toBe(true);
    });

    it('is a no-op on a running instance and refuses one that is stopping', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });
      const ec2Id = t.instance('worker1').ec2Id!;

      t.cluster.startEc2Instance(ec2Id);
      expect(t.cluster.counters().starts).toBe(0);

      t.cluster.stopEc2Instance(ec2Id);
      expect(t.instance('worker1').ec2State).toBe('stopping');
      expect(() => t.cluster.startEc2Instance(ec2Id)).toThrow(expect.objectContaining({ code: 'IncorrectInstanceState' }));
      t.advance(1 * MIN);
      expect(t.instance('worker1')).toMatchObject({ ec2State: 'stopped', status: 'stopped' });
      t.cluster.stopEc2Instance(ec2Id);
      expect(t.cluster.counters().stops).toBe(1);
    });

    it('answers InvalidInstanceID.NotFound for an unknown id', () => {
      const t = buildCluster();
      expect(() => t.cluster.stopEc2Instance('i-0000')).toThrow(expect.objectContaining({ code: 'InvalidInstanceID.NotFound' }));
    });
  });

  describe('scenario starting states', () => {
    it('continues a boot that was under way at the start', () => {
      const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'running_setup', uptimeMinutes: 2 }] });
      expect(t.instance('worker1').ec2State).toBe('running');

      t.advance(DEFAULT_TIMINGS.setupMs);

      expect(t.instance('worker1').status).toBe('online');
    });

    it('gives layers, an admin host and deterministic ids', () => {
      const a = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });
      const b = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }] });

      expect(a.cluster.layers.map((l) => l.name)).toEqual(['Admin', 'Workers']);
      expect(a.cluster.hosts.map((h) => h.nodeName)).toEqual(['admin1', 'worker1']);
      expect(a.cluster.instances.map((i) => [i.opsworksId, i.ec2Id])).toEqual(
        b.cluster.instances.map((i) => [i.opsworksId, i.ec2Id]),
      );
    });
  });
});
