/**
 * Wrong Opencast credentials are a configuration error before any side effect (issue 23 item 10): `scale`
 * exits 2 naming the account to fix, on every engine, and starts no paid instance; `scale auto` does not
 * read the refusal as "no schedule" and plan on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
const WRONG = { MATTERHORN_PASS: 'not-the-password' };
const REFUSED = /^error: MATTERHORN_USER\/MATTERHORN_PASS: Opencast refused the account "opencast_system_account" \(.*\(401\)\)/m;

function session() {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-credentials-'));
  const run = (argv: string[], env: Record<string, string> = {}) => runCli(['--state-dir', dir, '--sim', SCENARIO, '--sim-keep', ...argv], env);
  const worker3 = async () => {
    const status = await run(['--output', 'json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    return (JSON.parse(status.stdout) as { workers: Array<{ hostname: string; opsworksState: string }> }).workers.find((w) => w.hostname === 'worker3')!;
  };
  return { run, worker3 };
}

describe('moscaler scale with credentials Opencast refuses', () => {
  it.each(['local', 'direct'])('scale up 1 on engine %s exits 2, names the account, and starts no instance', async (engine) => {
    const { run, worker3 } = session();

    const up = await run(['--engine', engine, 'scale', 'up', '1'], WRONG);

    expect(up.code, up.stderr).toBe(2);
    expect(up.stderr).toMatch(REFUSED);
    expect(up.stdout + up.stderr).not.toContain('not-the-password');
    expect(up.stdout).not.toMatch(/boot-worker/);
    expect(await worker3()).toMatchObject({ opsworksState: 'stopped' });
  });

  it('scale up 1 through the deployed path (--engine aws --sim) fails its Plan with the same error, exit 2', async () => {
    const run = await runCli(['--engine', 'aws', '--sim', SCENARIO, '--state-dir', mkdtempSync(join(tmpdir(), 'moscaler-credentials-')), 'scale', 'up', '1'], WRONG);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(REFUSED);
    expect(run.stdout).not.toMatch(/boot-worker/);
    // The simulated deployment (CDK synth, Step Functions, Lambda) is slow on a shared machine; virtual time inside.
  }, 120_000);

  it.each(['local', 'direct'])('scale auto on engine %s exits 2 instead of planning without a schedule', async (engine) => {
    const { run } = session();
    const config = JSON.stringify({ strategies: [], policy: { name: 'schedule-aware' } });

    const auto = await run(['--engine', engine, 'scale', 'auto', '-c', config], WRONG);

    expect(auto.code, auto.stderr).toBe(2);
    expect(auto.stderr).toMatch(REFUSED);
    expect(auto.stdout).not.toMatch(/SUCCEEDED/);
  });
});
