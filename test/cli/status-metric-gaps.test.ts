/**
 * `moscaler status` with an autoscale config names each configured CloudWatch
 * metric that has no datapoint in its window: on the simulated EC2 cluster,
 * OpsWorks' load_1 (gone with OpsWorks) is a gap, EC2's CPUUtilization is not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet-ec2.json', import.meta.url));
const ENV = { MOSCALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'moscaler-gaps-')) };

const STALE = {
  strategies: [
    { method: 'cloudwatch', name: 'layer load', settings: { namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'LayerId', value: 'l-1' }, up_threshold: 10, down_threshold: 8 } },
    { method: 'cloudwatch', name: 'mh queued jobs', settings: { namespace: 'AWS/OpsworksCustom', metric: 'OpencastJobsQueued', instance_name: 'monitoring-master1', up_threshold: 4, down_threshold: 1 } },
    { method: 'queued_jobs', name: 'queue', settings: { up_threshold: 4, down_threshold: 1 } },
  ],
};

describe('moscaler status with an autoscale config', () => {
  it('names the configured metric that has no datapoints, and not the ones that do', async () => {
    const run = await runCli(['--sim', SCENARIO, 'status', '-c', JSON.stringify(STALE)], ENV);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Metric gap: strategy "layer load": AWS\/OpsWorks load_1 returned no datapoints in the last 300 s/);
    expect(run.stdout).not.toMatch(/mh queued jobs/);
  });

  it('puts the gaps in the JSON status, read from AUTOSCALE_CONFIG too', async () => {
    const run = await runCli(['--sim', SCENARIO, '--output', 'json', 'status'], { ...ENV, AUTOSCALE_CONFIG: JSON.stringify(STALE) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).metricGaps).toEqual([{ strategy: 'layer load', namespace: 'AWS/OpsWorks', metric: 'load_1', silentSeconds: 300 }]);
  });

  it('warns about a strategy that basic monitoring never feeds (CPU by InstanceType), as scale auto does', async () => {
    const detailedOnly = {
      strategies: [
        { method: 'cloudwatch', name: 'worker cpu', settings: { namespace: 'AWS/EC2', metric: 'CPUUtilization', dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, sample_period: 60, up_threshold: 90, down_threshold: 25 } },
      ],
    };
    const run = await runCli(['--sim', SCENARIO, 'status', '-c', JSON.stringify(detailedOnly)], ENV);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ warn  strategies\[0\] "worker cpu": EC2 publishes CPUUtilization by InstanceType only with detailed monitoring/);
    expect((await runCli(['--sim', SCENARIO, 'status', '-c', JSON.stringify(STALE)], ENV)).stderr).not.toMatch(/ warn  strategies/);
  });

  it('says nothing about metrics without a config, and refuses a bad one before observing', async () => {
    const plain = await runCli(['--sim', SCENARIO, '--output', 'json', 'status'], ENV);
    expect(JSON.parse(plain.stdout).metricGaps).toBeUndefined();
    const file = join(ENV.MOSCALER_STATE_DIR, 'bad.json');
    writeFileSync(file, JSON.stringify({ strategies: [{ method: 'cloudwatch', name: 'x', settings: { namespace: 'AWS/EC2' } }] }));
    const bad = await runCli(['--sim', SCENARIO, 'status', '-c', file], ENV);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--config file \S+bad\.json: strategies\[0\]\.settings\.metric: required, missing/);
  });
});
