/**
 * The shipped original-on-EC2 example scales down on an account with EC2's default (basic) monitoring
 * (issue 23 item 9). Basic monitoring publishes CPUUtilization per InstanceId every 5 minutes only: no
 * InstanceType roll-up, nothing at 60 s (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html),
 * so a strategy that reads one never votes and the original's all-down never holds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig, type AutoscaleConfig } from '../../core/autoscale-config';
import { basicMonitoringWarnings } from '../../core/autoscale-config';
import { parseScenario } from '../../sim/model/scenario';
import { runSimulation } from '../../wiring/sim-run';

const read = (path: string) => JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8'));
const EXAMPLE = parseAutoscaleConfig(read('../../config/autoscale.original-ec2.example.json'), 'autoscale.original-ec2.example.json');
/** The example as it shipped before: CPU by InstanceType at 60 s (detailed monitoring only). */
const DETAILED_ONLY = parseAutoscaleConfig(
  {
    ...read('../../config/autoscale.original-ec2.example.json'),
    strategies: [
      ...EXAMPLE.strategies.filter((s) => s.method === 'queued_jobs'),
      {
        method: 'cloudwatch',
        name: 'worker cpu',
        settings: { namespace: 'AWS/EC2', metric: 'CPUUtilization', dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, sample_period: 60, sample_count: 5, up_threshold: 90, down_threshold: 25 },
      },
    ],
  },
  'test',
);

/** The small EC2 cluster (basic monitoring, the default) at night: two workers online, nothing queued, a floor of one. */
function night() {
  const base = read('../../scenarios/small-quiet-ec2.json');
  delete base.$schema;
  return parseScenario({ ...base, queue: { queued: 0, queuedHighLoad: 0 }, workers: base.workers.map((w: Record<string, unknown>) => ({ ...w, runningJobs: 0 })) }, 'test');
}

const threeHours = (config: AutoscaleConfig) => runSimulation({ scenario: night(), config, durationMs: 3 * 3_600_000 });

describe('config/autoscale.original-ec2.example.json with basic monitoring', () => {
  it('drains the idle worker down to the floor within a few simulated hours', async () => {
    const result = await threeHours(EXAMPLE);

    expect(result.failedCycles).toBe(0);
    expect(result.stats.stops).toBe(1);
    expect(result.cycleLog.filter((c) => c.action === 'stop')).toHaveLength(1);
    expect(basicMonitoringWarnings(EXAMPLE)).toEqual([]);
  });

  it('(the example as it shipped, CPU by InstanceType at 60 s, never scaled down: its strategy never votes)', async () => {
    const result = await threeHours(DETAILED_ONLY);

    expect(result.stats.stops).toBe(0);
    expect(basicMonitoringWarnings(DETAILED_ONLY)).toHaveLength(1);
  });
});
