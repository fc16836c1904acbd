/**
 * Boots that fail as real ones do: EC2 without capacity for the type, OpsWorks
 * setup that fails or an agent that never connects, and an instance whose
 * Opencast never registers. Each leaves the instance billing (or not) as AWS would.
 */
import { describe, expect, it } from 'vitest';
import { SimAwsError } from '../../../sim/model/types';
import { buildCluster, MIN } from './helpers';

const stopped = (hostname: string, instanceType = 'c5.9xlarge') => ({ hostname, instanceType, state: 'stopped' as const, hasEc2: true });

describe('boot faults on OpsWorks', () => {
  it.each([
    ['setup-failed', 'setup_failed'],
    ['connection-lost', 'connection_lost'],
    ['never-registers', 'online'],
  ] as const)('%s leaves the instance %s, its EC2 instance running and billed, never registered', (kind, status) => {
    const t = buildCluster({ workers: [stopped('worker1')], faults: [{ at: '+0m', kind, forMinutes: 20, target: 'worker1' }] });
    t.cluster.startInstance(t.instance('worker1').opsworksId);
    t.advance(60 * MIN);
    expect(t.instance('worker1')).toMatchObject({ status, ec2State: 'running' });
    expect(t.cluster.hosts.filter((h) => h.nodeName === 'worker1')).toEqual([]);
    const snapshot = t.cluster.runData().workers.find((w) => w.hostname === 'worker1')!;
    // Billing began when EC2 ran (32 s in), and it has not served since.
    expect(snapshot.unservedSince).toBe(t.cluster.start + 32_000);
    expect(t.cluster.billing.runs().find((r) => r.hostname === 'worker1')?.end).toBeUndefined();
  });

  it('boots normally once the window is over: the fault hits the boot under way when it starts', () => {
    const t = buildCluster({ workers: [stopped('worker1')], faults: [{ at: '+0m', kind: 'setup-failed', forMinutes: 10, target: 'worker1' }] });
    const id = t.instance('worker1').opsworksId;
    t.cluster.startInstance(id);
    t.advance(11 * MIN);
    t.cluster.stopInstance(id);
    t.advance(2 * MIN);
    t.cluster.startInstance(id);
    t.advance(10 * MIN);
    expect(t.instance('worker1').status).toBe('online');
    expect(t.host('worker1')?.online).toBe(true);
    expect(t.cluster.runData().workers.find((w) => w.hostname === 'worker1')?.unservedSince).toBeUndefined();
  });

  it('insufficient-capacity makes an OpsWorks start end in start_failed, unbilled', () => {
    const t = buildCluster({ workers: [stopped('worker1')], faults: [{ at: '+0m', kind: 'insufficient-capacity', forMinutes: 20, target: 'c5.9xlarge' }] });
    t.cluster.startInstance(t.instance('worker1').opsworksId);
    t.advance(5 * MIN);
    expect(t.instance('worker1')).toMatchObject({ status: 'start_failed', ec2State: 'stopped' });
    expect(t.cluster.counters().startFailures).toBe(1);
  });
});

describe('boot faults on EC2', () => {
  it('refuses StartInstances with InsufficientInstanceCapacity (HTTP 500) for the instance type that has none', () => {
    const t = buildCluster({
      provider: 'ec2',
      workers: [stopped('worker1', 'c5.9xlarge'), stopped('worker2', 'c5.xlarge')],
      faults: [{ at: '+0m', kind: 'insufficient-capacity', forMinutes: 20, target: 'c5.9xlarge' }],
    });
    const act = () => t.cluster.startEc2Instance(t.instance('worker1').ec2Id!);
    expect(act).toThrow(SimAwsError);
    expect(act).toThrow(expect.objectContaining({ code: 'InsufficientInstanceCapacity', status: 500, message: expect.stringMatching(/^We currently do not have sufficient c5\.9xlarge capacity/) }));
    expect(t.instance('worker1').ec2State).toBe('stopped');
    t.cluster.startEc2Instance(t.instance('worker2').ec2Id!);
    t.advance(5 * MIN);
    expect(t.instance('worker2').status).toBe('online');
  });

  it('start-failure lets the instance go pending, then back to stopped, never billed', () => {
    const t = buildCluster({ provider: 'ec2', workers: [stopped('worker1')], faults: [{ at: '+0m', kind: 'start-failure', forMinutes: 20 }] });
    t.cluster.startEc2Instance(t.instance('worker1').ec2Id!);
    expect(t.instance('worker1').ec2State).toBe('pending');
    t.advance(1 * MIN);
    expect(t.instance('worker1')).toMatchObject({ ec2State: 'stopped', status: 'stopped' });
    expect(t.cluster.billing.runs().filter((r) => r.hostname === 'worker1')).toEqual([]);
  });

  it.each(['setup-failed', 'connection-lost', 'never-registers'] as const)('%s leaves the instance running with no Opencast', (kind) => {
    const t = buildCluster({ provider: 'ec2', workers: [stopped('worker1')], faults: [{ at: '+0m', kind, forMinutes: 20 }] });
    t.cluster.startEc2Instance(t.instance('worker1').ec2Id!);
    t.advance(30 * MIN);
    expect(t.instance('worker1')).toMatchObject({ status: 'online', ec2State: 'running' });
    expect(t.host('worker1')).toBeUndefined();
  });
});
