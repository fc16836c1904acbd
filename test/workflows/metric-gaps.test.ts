/**
 * A configured CloudWatch metric that the world does not publish (OpsWorks'
 * load_1 after OpsWorks) is named in the cycle's record as a metric gap, not
 * only as a missing vote; a metric EC2 really publishes, with its delay, is
 * read and votes. The cycle's figures ride along for CloudWatch (EMF).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import type { HistoryEvent } from '../../engine/types';
import { simWorkflows } from './helpers';

type Sim = ReturnType<typeof simWorkflows>;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.done();
  sim = undefined;
});

const CONFIG = parseAutoscaleConfig(
  {
    strategies: [
      // Left over from the OpsWorks days: nothing publishes it any more.
      { method: 'cloudwatch', name: 'layer load', settings: { namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'LayerId', value: 'a-layer-id' }, up_threshold: 10, down_threshold: 8 } },
      // Detailed monitoring: one datapoint a minute, readable 1-3 minutes late; 3 of the last 7 minutes.
      {
        method: 'cloudwatch',
        name: 'worker cpu',
        settings: { namespace: 'AWS/EC2', metric: 'CPUUtilization', dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, sample_count: 3, sample_period: 60, up_threshold: 80, down_threshold: 20 },
      },
    ],
  },
  'test',
);
// (sample_count + 2) periods back: 3 + 2 minutes cannot hold 3 datapoints when each is 1-3 minutes late; 5 samples + 2 can.
const CPU_CONFIG = { ...CONFIG, strategies: CONFIG.strategies.map((s) => (s.name === 'worker cpu' && s.method === 'cloudwatch' ? { ...s, settings: { ...s.settings, sample_count: 5 } } : s)) };

function planOutput(history: HistoryEvent[]): Record<string, any> {
  const plan = history.find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan');
  return plan?.output as Record<string, any>;
}

describe('metric gaps in the autoscale cycle', () => {
  it('names the metric nobody publishes, while the EC2 metric with its real period and delay is read', async () => {
    sim = simWorkflows(
      {
        provider: 'ec2',
        cluster: 'c',
        start: '2025-10-13T10:00:00Z',
        billing: 'per-second',
        cloudwatch: { ec2Monitoring: 'detailed' },
        workers: [{ hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55 }],
        others: [{ hostname: 'admin1', layer: 'admin' }],
      },
      {},
      CPU_CONFIG,
    );
    // Ten minutes of EC2 datapoints behind us before the cycle.
    await sim.vt.run({ deadline: '2025-10-13T10:10:00Z' });
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-gap' });
    await sim.vt.drive(sim.engine.wait(ref));
    const out = planOutput(await sim.engine.history(ref));

    expect(out.decision.metricGaps).toEqual([{ strategy: 'layer load', namespace: 'AWS/OpsWorks', metric: 'load_1', silentSeconds: 300 }]);
    const cpu = out.decision.votes.find((v: { name: string }) => v.name === 'worker cpu');
    expect(cpu).toMatchObject({ vote: 'down', datapoints: [0, 0, 0, 0, 0] });
    expect(out.figures).toMatchObject({ metricGaps: 1, workersOnline: 1, workersInService: 1, boots: 0, drains: 0, opencastDown: 0 });
  });

  it('records no gap when every configured metric answered', async () => {
    sim = simWorkflows(
      {
        provider: 'ec2',
        cluster: 'c',
        start: '2025-10-13T10:00:00Z',
        cloudwatch: { ec2Monitoring: 'detailed' },
        workers: [{ hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55 }],
        others: [{ hostname: 'admin1', layer: 'admin' }],
      },
      {},
      { ...CPU_CONFIG, strategies: CPU_CONFIG.strategies.filter((s) => s.name === 'worker cpu') },
    );
    await sim.vt.run({ deadline: '2025-10-13T10:10:00Z' });
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-no-gap' });
    await sim.vt.drive(sim.engine.wait(ref));
    const out = planOutput(await sim.engine.history(ref));
    expect(out.decision.metricGaps).toBeUndefined();
    expect(out.figures.metricGaps).toBe(0);
  });
});

describe('the shipped autoscale examples', () => {
  const read = (name: string) => parseAutoscaleConfig(JSON.parse(readFileSync(new URL(`../../config/${name}`, import.meta.url), 'utf8')), name);

  it('scale an EC2-only cluster on Opencast\'s own queue and schedule by default, with no CloudWatch metric to miss', () => {
    const config = read('autoscale.example.json');
    expect(config.policy?.name).toBe('schedule-aware');
    expect(config.strategies.filter((s) => s.method === 'cloudwatch')).toEqual([]);
  });

  it('give the original policy only what an account with basic monitoring (EC2\'s default) publishes, read without a gap', async () => {
    const config = read('autoscale.original-ec2.example.json');
    expect(config.policy).toBeUndefined();
    sim = simWorkflows(
      {
        provider: 'ec2',
        cluster: 'c',
        start: '2025-10-13T10:00:00Z',
        cloudwatch: { ec2Monitoring: 'basic' },
        workers: [
          { hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55 },
          { hostname: 'worker2', instanceType: 'c5.9xlarge', state: 'stopped' },
        ],
        others: [{ hostname: 'admin1', layer: 'admin' }],
      },
      {},
      config,
    );
    await sim.vt.run({ deadline: '2025-10-13T10:10:00Z' });
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-example' });
    await sim.vt.drive(sim.engine.wait(ref));
    const out = planOutput(await sim.engine.history(ref));
    expect(out.decision.metricGaps).toBeUndefined();
    // Every strategy votes (issue 23 item 9: a CPU strategy by InstanceType never did without detailed monitoring).
    expect(out.decision.votes).toEqual([expect.objectContaining({ name: 'high-load queue', vote: 'down' })]);
  });
});
