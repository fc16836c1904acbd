/**
 * The simulator publishes only what the scenario's world publishes: EC2's own
 * metrics in every world, with their real period and publishing delay;
 * OpsWorks' load_1 and DCE's queue metric only where OpsWorks (or DCE's
 * monitoring script) exists, or the scenario asks for them.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster, MIN, START, type TestCluster } from './helpers';

const WORKER = { hostname: 'worker1', state: 'online' as const, instanceType: 'c5.xlarge', uptimeMinutes: 30 };
const OTHERS = [
  { hostname: 'admin1', layer: 'admin' as const },
  { hostname: 'monitoring-master1', layer: 'monitoring' as const },
];

function ec2World(cloudwatch: Record<string, unknown> = {}): TestCluster {
  return buildCluster({ provider: 'ec2', workers: [WORKER], others: OTHERS, cloudwatch });
}

/** Every series the world has published so far, as `namespace metric dimension-name`. */
function published(t: TestCluster): string[] {
  return [...new Set(t.cluster.allMetricSeries().filter((s) => s.datapoints.length > 0).map((s) => `${s.namespace} ${s.metric} ${s.dimension.name}`))].sort();
}

function cpuOf(t: TestCluster, dimension: { name: string; value: string }) {
  return t.cluster.metricSeries('AWS/EC2', 'CPUUtilization', dimension)?.datapoints ?? [];
}

describe('CloudWatch in the simulated world', () => {
  it('publishes no AWS/OpsWorks or DCE metric in an EC2 world, only EC2 CPUUtilization by instance', () => {
    const t = ec2World();
    t.advance(30 * MIN);
    expect(published(t)).toEqual(['AWS/EC2 CPUUtilization InstanceId']);
  });

  it('publishes them in an EC2 world that asks for them', () => {
    const t = ec2World({ opsworks: true, queueMetric: true });
    t.advance(10 * MIN);
    expect(published(t)).toEqual([
      'AWS/EC2 CPUUtilization InstanceId',
      'AWS/OpsWorks load_1 LayerId',
      'AWS/OpsworksCustom MatterhornJobsQueued InstanceId',
      'AWS/OpsworksCustom MatterhornJobsQueued StackId',
      'AWS/OpsworksCustom OpencastJobsQueued InstanceId',
      'AWS/OpsworksCustom OpencastJobsQueued StackId',
    ]);
  });

  it('keeps publishing them in an OpsWorks world, as OpsWorks and DCE did', () => {
    const t = buildCluster({ provider: 'opsworks', workers: [WORKER], others: OTHERS });
    t.advance(10 * MIN);
    expect(published(t)).toContain('AWS/OpsWorks load_1 LayerId');
    expect(published(t)).toContain('AWS/OpsworksCustom OpencastJobsQueued StackId');
  });

  it('gives basic monitoring one datapoint per 5 minutes, stamped with its period start, readable 1-3 minutes after the period ends', () => {
    const t = ec2World();
    const id = { name: 'InstanceId', value: t.instance('worker1').ec2Id! };
    const periodStart = Math.ceil(START / (5 * MIN)) * 5 * MIN;
    t.advance(periodStart - START + 5 * MIN + 59_000);
    expect(cpuOf(t, id).filter((p) => p.timestamp === periodStart)).toEqual([]);
    t.advance(2 * MIN + 1000);
    const [point] = cpuOf(t, id).filter((p) => p.timestamp === periodStart);
    expect(point).toBeDefined();
    expect(point!.availableAt! - (periodStart + 5 * MIN)).toBeGreaterThanOrEqual(60_000);
    expect(point!.availableAt! - (periodStart + 5 * MIN)).toBeLessThanOrEqual(180_000);
    // Every timestamp on the 5-minute grid.
    t.advance(60 * MIN);
    const points = cpuOf(t, id);
    expect(points.length).toBeGreaterThanOrEqual(11);
    for (const p of points) expect(p.timestamp % (5 * MIN)).toBe(0);
  });

  it('gives detailed monitoring 1-minute datapoints, also by InstanceType, and none at once without the delay only when asked', () => {
    const t = ec2World({ ec2Monitoring: 'detailed', ec2Delay: false });
    t.advance(10 * MIN);
    const byId = cpuOf(t, { name: 'InstanceId', value: t.instance('worker1').ec2Id! });
    const byType = cpuOf(t, { name: 'InstanceType', value: 'c5.xlarge' });
    expect(byId.length).toBeGreaterThanOrEqual(9);
    expect(byType.length).toBe(byId.length);
    for (const p of byId) expect(p.availableAt).toBe(p.timestamp + MIN);
  });

  it('reads a worker at its max load as 100 % busy, and publishes nothing for a stopped instance', () => {
    const t = buildCluster({ provider: 'ec2', workers: [{ ...WORKER, runningJobs: 4 }, { hostname: 'worker2', state: 'stopped' }], others: OTHERS, cloudwatch: { ec2Monitoring: 'detailed', ec2Delay: false } });
    t.advance(3 * MIN);
    const busy = cpuOf(t, { name: 'InstanceId', value: t.instance('worker1').ec2Id! });
    expect(busy.at(-1)!.value).toBe(100);
    expect(cpuOf(t, { name: 'InstanceId', value: t.instance('worker2').ec2Id! })).toEqual([]);
  });
});
