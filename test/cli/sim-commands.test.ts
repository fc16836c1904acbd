/**
 * The built command as a user runs it: `node bin/moscaler.js --sim ...` in a
 * child process, through the workflows on virtual time, then `history`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/moscaler.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

async function moscaler(args: string[], stateDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, '--state-dir', stateDir, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: stateDir, MOSCALER_ENV_FILE: join(stateDir, 'none.env') },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The small scenario without its initial backlog, so one online worker is idle. */
function idleVariant(dir: string): string {
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  delete scenario.$schema;
  scenario.queue = { queued: 0, queuedHighLoad: 0 };
  const file = join(dir, 'idle.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

describe('moscaler --sim through the workflows', () => {
  it('drains and stops the idle worker with scale down, and history shows every step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-e2e-'));
    const scenario = idleVariant(dir);
    const down = await moscaler(['--sim', scenario, '--sim-wait', '--output', 'json', 'scale', 'down', '1'], dir);
    expect(down.code).toBe(0);
    // One JSON document: the result, with the cluster after the workflows as `after`.
    const result = JSON.parse(down.stdout);
    const stoppedHost = result.decision.chosen[0].hostname;
    expect(result.executions).toEqual([
      expect.objectContaining({ workflow: 'drain-worker', hostname: stoppedHost, status: 'SUCCEEDED', reason: expect.stringMatching(/StopConfirmed/) }),
    ]);
    expect(result.after.workers.find((w: { hostname: string }) => w.hostname === stoppedHost).opsworksState).toBe('stopped');

    const history = await moscaler(['--sim', scenario, 'history', '--events', stoppedHost], dir);
    expect(history.code).toBe(0);
    for (const state of ['BeginDrain', 'MaintenanceOn', 'CheckDrained', 'StopInstance', 'CheckStopped', 'Stopped']) {
      expect(history.stdout).toContain(`StateEntered ${state}`);
    }
    expect(history.stdout).toMatch(/TaskSucceeded MaintenanceOn — MaintenanceOn/);
  });

  it('refuses bad input with exit 2 before starting anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-e2e-'));
    const bad = await moscaler(['--sim', SCENARIO, '--engine', 'warp', 'scale', 'down'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--engine/);
    const missing = await moscaler(['--sim', join(dir, 'nope.json'), 'status'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: scenario \S+nope\.json: no such file$/m);
    // sim run runs in a second node with a larger young generation: its exit code and messages come through.
    const simRun = await moscaler(['sim', 'run', join(dir, 'nope.json')], dir);
    expect(simRun.code).toBe(2);
    expect(simRun.stderr).toMatch(/^error: scenario \S+nope\.json: no such file$/m);
  });

  it('runs a few autoscale cycles with moscaler run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-e2e-'));
    const config = fileURLToPath(new URL('../../config/autoscale.example.json', import.meta.url));
    const out = await moscaler(['--sim', SCENARIO, 'run', '--cycles', '3', '--every', '60s', '-c', config], dir);
    expect(out.code).toBe(0);
    expect(out.stdout.match(/autoscale-\d{8}T\d{6}Z: SUCCEEDED/g)).toHaveLength(3);
    // Each cycle once: not again among the progress lines on stderr.
    expect((out.stdout + out.stderr).match(/autoscale-\d{8}T\d{6}Z/g)).toHaveLength(3);
    expect(out.stdout).not.toMatch(/^\{/m);
  });
});
