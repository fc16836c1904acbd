import { describe, expect, it } from 'vitest';
import { isFaultActive } from '../../../sim/model/faults';
import { buildCluster, MIN, START } from './helpers';

describe('isFaultActive', () => {
  const faults = [
    { kind: 'opencast-down' as const, from: 100, until: 200 },
    { kind: 'start-failure' as const, from: 0, until: 1000, target: 'worker3' },
  ];

  it('is active on [from, until)', () => {
    expect(isFaultActive(faults, 'opencast-down', 99)).toBe(false);
    expect(isFaultActive(faults, 'opencast-down', 100)).toBe(true);
    expect(isFaultActive(faults, 'opencast-down', 199)).toBe(true);
    expect(isFaultActive(faults, 'opencast-down', 200)).toBe(false);
  });

  it('matches an untargeted fault for any target, a targeted one only for its target', () => {
    expect(isFaultActive(faults, 'opencast-down', 150, ['admin1'])).toBe(true);
    expect(isFaultActive(faults, 'start-failure', 150, ['worker3'])).toBe(true);
    expect(isFaultActive(faults, 'start-failure', 150, ['worker4'])).toBe(false);
    expect(isFaultActive(faults, 'start-failure', 150)).toBe(false);
  });
});

describe('SimCluster faults', () => {
  it('follows the schedule in virtual time, with offsets and ISO times', () => {
    const t = buildCluster({
      workers: [{ hostname: 'worker1', state: 'online' }],
      faults: [
        { at: '+10m', kind: 'opencast-slow', forMinutes: 5 },
        { at: new Date(START + 30 * MIN).toISOString(), kind: 'aws-throttle', forMinutes: 1, target: 'OpsWorks' },
      ],
    });

    expect(t.cluster.faultActive('opencast-slow')).toBe(false);
    t.advance(10 * MIN);
    expect(t.cluster.faultActive('opencast-slow')).toBe(true);
    t.advance(5 * MIN);
    expect(t.cluster.faultActive('opencast-slow')).toBe(false);
    t.advance(15 * MIN);
    expect(t.cluster.faultActive('aws-throttle', 'OpsWorks')).toBe(true);
    expect(t.cluster.faultActive('aws-throttle', 'EC2')).toBe(false);
  });

  it('matches a fault targeted at a hostname when asked by OpsWorks id, EC2 id or base_url', () => {
    const t = buildCluster({
      workers: [{ hostname: 'worker1', state: 'online' }],
      faults: [{ at: '+0m', kind: 'opencast-slow', forMinutes: 5, target: 'worker1' }],
    });
    const i = t.instance('worker1');

    for (const name of [i.hostname, i.opsworksId, i.ec2Id!, `http://${i.privateDns}`]) {
      expect(t.cluster.faultActive('opencast-slow', name)).toBe(true);
    }
    expect(t.cluster.faultActive('opencast-slow', 'admin1')).toBe(false);
  });
});

describe('SimCluster CloudWatch series', () => {
  const build = (faults: { at: string; kind: 'metrics-missing' | 'opencast-down'; forMinutes: number; target?: string }[] = []) =>
    buildCluster({
      others: [
        { hostname: 'admin1', layer: 'admin' },
        { hostname: 'monitoring-master1', layer: 'monitoring' },
      ],
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' },
        { hostname: 'worker2', instanceType: 'c5.xlarge', state: 'online' },
      ],
      trace: { jobs: [{ at: '+0m', durationMinutes: 60, load: 1.5, count: 4 }] },
      metrics: [
        {
          namespace: 'AWS/OpsWorks',
          metric: 'load_1',
          dimension: { name: 'LayerId', layer: 'Workers' },
          datapoints: [
            { at: '-2m', value: 9 },
            { at: '-1m', value: 8 },
          ],
        },
      ],
      faults,
    });

  const workersLayer = (t: ReturnType<typeof build>) => t.cluster.layers.find((l) => l.name === 'Workers')!.id;

  it('publishes load_1 by LayerId as running load per online worker, after the given history', () => {
    const t = build();

    t.advance(3 * MIN);

    const series = t.cluster.metricSeries('AWS/OpsWorks', 'load_1', { name: 'LayerId', value: workersLayer(t) });
    expect(series?.datapoints).toEqual([
      { timestamp: START - 2 * MIN, value: 9 },
      { timestamp: START - 1 * MIN, value: 8 },
      { timestamp: START, value: 3 },
      { timestamp: START + 1 * MIN, value: 3 },
      { timestamp: START + 2 * MIN, value: 3 },
      { timestamp: START + 3 * MIN, value: 3 },
    ]);
  });

  it('publishes the backlog as OpencastJobsQueued and MatterhornJobsQueued by monitoring InstanceId and by StackId', () => {
    const t = buildCluster({
      others: [
        { hostname: 'admin1', layer: 'admin' },
        { hostname: 'monitoring-master1', layer: 'monitoring' },
      ],
      workers: [{ hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' }],
      queue: { queued: 5, queuedHighLoad: 2 },
    });
    const monitor = t.cluster.instances.find((i) => i.hostname === 'monitoring-master1')!;

    t.advance(1 * MIN);

    const byInstance = t.cluster.metricSeries('AWS/OpsworksCustom', 'OpencastJobsQueued', { name: 'InstanceId', value: monitor.ec2Id! });
    const byStack = t.cluster.metricSeries('AWS/OpsworksCustom', 'MatterhornJobsQueued', { name: 'StackId', value: t.cluster.stack.id });
    // The c5.xlarge (max 4) takes one 4-load encode; nothing fits beside it, so 4 of the 5 wait.
    expect(byInstance?.datapoints.map((d) => d.value)).toEqual([4, 4]);
    expect(byStack?.datapoints.map((d) => d.value)).toEqual([4, 4]);
  });

  it('leaves gaps while metrics are missing, and pushes no queue count while Opencast is down', () => {
    const t = build([
      { at: '+2m', kind: 'metrics-missing', forMinutes: 2, target: 'load_1' },
      { at: '+5m', kind: 'opencast-down', forMinutes: 2 },
    ]);
    const stack = { name: 'StackId', value: t.cluster.stack.id };

    t.advance(8 * MIN);

    const load = t.cluster.metricSeries('AWS/OpsWorks', 'load_1', { name: 'LayerId', value: workersLayer(t) })!;
    const queued = t.cluster.metricSeries('AWS/OpsworksCustom', 'OpencastJobsQueued', stack)!;
    const minutes = (ts: { timestamp: number }[]) => ts.map((d) => (d.timestamp - START) / MIN);
    expect(minutes(load.datapoints)).toEqual([-2, -1, 0, 1, 4, 5, 6, 7, 8]);
    expect(minutes(queued.datapoints)).toEqual([0, 1, 2, 3, 4, 7, 8]);
  });

  it('answers undefined for a series CloudWatch never had', () => {
    const t = build();
    expect(t.cluster.metricSeries('AWS/OpsWorks', 'load_1', { name: 'LayerId', value: 'nope' })).toBeUndefined();
  });
});
