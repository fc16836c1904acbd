/**
 * A manual scale-up does not give up on the first capacity error (issue 23 item 8): when EC2 has no capacity
 * for the chosen worker's instance type, the same request tries the next stopped worker, of another type
 * first, and says so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const EC2_SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet-ec2.json', import.meta.url));

/** The small EC2 cluster with worker4 of another type (or the one given), and no c5.9xlarge capacity for the first hour. */
function scenario(types: { worker4?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-capacity-'));
  const base = JSON.parse(readFileSync(EC2_SCENARIO, 'utf8'));
  delete base.$schema;
  base.workers = base.workers.map((w: { hostname: string }) => (w.hostname === 'worker4' ? { ...w, instanceType: types.worker4 ?? 'c5.xlarge' } : w));
  base.faults = [{ at: '+0m', kind: 'insufficient-capacity', forMinutes: 60, target: 'c5.9xlarge' }];
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(base));
  return file;
}

const SAYS_SO = /worker3 \(c5\.9xlarge\): EC2 has no capacity for its instance type: trying worker4 \(c5\.xlarge\) instead/;

describe('moscaler scale up when EC2 has no capacity for the chosen type', () => {
  it('through the workflows, starts the stopped worker of another type in the same request, says so, and exits 0', async () => {
    const env = { MOSCALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'moscaler-capacity-state-')) };

    const run = await runCli(['--sim', scenario(), '--sim-wait', '--output', 'json', 'scale', 'up', '1'], env);

    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      decision: { chosen: Array<{ hostname: string }>; reasons: string[] };
      executions: Array<{ hostname: string; status: string }>;
      capacityRetries: unknown[];
      after: { workers: Array<{ hostname: string; opsworksState: string }> };
    };
    const state = (hostname: string) => out.after.workers.find((w) => w.hostname === hostname)?.opsworksState;
    expect({ worker3: state('worker3'), worker4: state('worker4') }).toEqual({ worker3: 'stopped', worker4: 'online' });
    expect(out.executions.map((e) => [e.hostname, e.status])).toEqual([
      ['worker3', 'FAILED'],
      ['worker4', 'SUCCEEDED'],
    ]);
    expect(out.capacityRetries).toEqual([{ refused: 'worker3', instanceType: 'c5.9xlarge', tried: ['worker4'] }]);
    expect(out.decision.chosen.map((c) => c.hostname)).toEqual(['worker4']);
    expect(out.decision.reasons).toContainEqual(expect.stringMatching(SAYS_SO));
  });

  it('with --engine direct, starts the stopped worker of another type at once and says so, exit 0', async () => {
    const env = { MOSCALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'moscaler-capacity-state-')) };

    const run = await runCli(['--engine', 'direct', '--sim', scenario(), '--output', 'json', 'scale', 'up', '1'], env);

    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { decision: { chosen: Array<{ hostname: string }>; reasons: string[] }; actions: Array<{ action: string; hostname: string; error?: string }> };
    expect(out.actions.map((a) => [a.action, a.hostname, a.error === undefined ? 'ok' : /InsufficientInstanceCapacity/.test(a.error) ? 'no capacity' : a.error])).toEqual([
      ['start', 'worker3', 'no capacity'],
      ['start', 'worker4', 'ok'],
    ]);
    expect(out.decision.chosen.map((c) => c.hostname)).toEqual(['worker4']);
    expect(out.decision.reasons).toContainEqual(expect.stringMatching(SAYS_SO));
  });

  it('fails (exit 1) naming the capacity error when no stopped worker is left to try', async () => {
    const env = { MOSCALER_STATE_DIR: mkdtempSync(join(tmpdir(), 'moscaler-capacity-state-')) };
    const only = scenario({ worker4: 'c5.9xlarge' });

    const run = await runCli(['--sim', only, 'scale', 'up', '1'], env);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/worker3 \(c5\.9xlarge\): EC2 has no capacity for its instance type: trying worker4 \(c5\.9xlarge\) instead/);
    expect(run.stdout).toMatch(/worker4 \(c5\.9xlarge\): EC2 has no capacity for its instance type: no other stopped worker to try/);
  });
});
