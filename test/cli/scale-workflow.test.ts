/**
 * `moscaler scale ...` on every engine: the local engine and the deployed path
 * (`--engine aws --sim`: the AWS engine → simulated Step Functions → the Lambda
 * handlers) both run the scale workflow; `-n` decides, prints what it would
 * start, starts nothing and says `dryRun: true` in the log.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const EC2_SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet-ec2.json', import.meta.url));
const env = () => ({ MOSCALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'moscaler-scale-')) });
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('moscaler scale through the scale workflow', () => {
  it('--engine aws --sim: scale up 1 boots the worker through simulated Step Functions and it comes online', async () => {
    const run = await runCli(['--engine', 'aws', '--sim', EC2_SCENARIO, '--sim-wait', '--output', 'json', 'scale', 'up', '1'], env());
    expect(run.code, run.stderr).toBe(0);
    // One JSON document on stdout: the result, and the cluster after the workflows as `after`.
    const out = JSON.parse(run.stdout) as {
      executions: Array<{ workflow: string; status: string; hostname: string; consoleUrl: string }>;
      after: { workers: Array<{ hostname: string; opsworksState: string; registered: boolean }> };
    };
    expect(out.executions).toEqual([
      expect.objectContaining({ workflow: 'boot-worker', status: 'SUCCEEDED', hostname: 'worker3', consoleUrl: expect.stringContaining(':execution:moscaler-boot-worker:') }),
    ]);
    expect(out.after.workers.find((w) => w.hostname === 'worker3')).toMatchObject({ opsworksState: 'online', registered: true });
  });

  it.each(['local', 'aws'])('-n scale auto on engine %s prints the decision and what it would start, starts nothing, exits 0', async (engine) => {
    const config = JSON.stringify({ strategies: [], policy: { name: 'static-peak', workers: 4 } });
    const run = await runCli(['--engine', engine, '--sim', EC2_SCENARIO, '--sim-wait', '-n', '--output', 'json', 'scale', 'auto', '-c', config], env());
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      dryRun: boolean;
      wouldStart: Array<{ workflow: string; hostname: string }>;
      executions: unknown[];
      after: { counts: { onlineWorkers: number; pendingWorkers: number } };
    };
    expect(out.dryRun).toBe(true);
    expect(out.wouldStart.map((w) => [w.workflow, w.hostname]).sort()).toEqual([
      ['boot-worker', 'worker3'],
      ['boot-worker', 'worker4'],
    ]);
    expect(out.executions).toEqual([]);
    expect(out.after.counts).toMatchObject({ onlineWorkers: 2, pendingWorkers: 0 });
    expect(logLines(run.stderr).find((l) => l.event === 'decision')).toMatchObject({ dryRun: true });
  });

  it('-n scale down prints the drain it would start in text', async () => {
    const run = await runCli(['--sim', EC2_SCENARIO, '-n', '--force', 'scale', 'down', '1'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/dry run: would start\n {2}drain-worker drain-worker\d-20251013T040000Z \(worker\d\)/);
  });

  it('--engine direct -n logs dryRun: true even when the decision acts on nothing', async () => {
    const config = JSON.stringify({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 300, down_threshold: 1 } }] });
    const run = await runCli(['--engine', 'direct', '--sim', EC2_SCENARIO, '-n', '--output', 'json', 'scale', 'auto', '-c', config], env());
    expect(run.code, run.stderr).toBe(0);
    expect(logLines(run.stderr).find((l) => l.event === 'after')).toMatchObject({ started: [], stopped: [], dryRun: true });
  });

  it('a rule that forbids the request exits 1 with its message on every engine', async () => {
    for (const engine of ['local', 'aws']) {
      const run = await runCli(['--engine', engine, '--sim', EC2_SCENARIO, 'scale', 'up', '5'], env());
      expect(run.code, engine).toBe(1);
      expect(run.stderr, engine).toContain('Cluster does not have 5 stopped workers to start (has 2).');
    }
  });

  it('refuses -c with the deployed stack: its functions decide with the stack config', async () => {
    const run = await runCli(['--engine', 'aws', 'scale', 'auto', '-c', '{"strategies":[]}'], { MOSCALER_CLUSTER: 'c' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--config');
  });
});
