/**
 * `status` tells "Opencast refused our credentials" (ours to fix: exit 2, the
 * configuration-error code) from "Opencast did not answer" (an outage: reported, exit 0).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

function scenarioWith(changes: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-status-'));
  const scenario = { ...JSON.parse(readFileSync(SCENARIO, 'utf8')), ...changes };
  delete scenario.$schema;
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

describe('moscaler status when Opencast does not let us in', () => {
  it('says the credentials were refused and exits 2, naming the variables to fix', async () => {
    const run = await runCli(['--sim', SCENARIO, 'status'], { MATTERHORN_PASS: 'not-the-password' });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^Opencast: REFUSED our credentials$/m);
    expect(run.stderr).toMatch(/^error: MATTERHORN_USER\/MATTERHORN_PASS: Opencast refused our credentials \(.*refused the credentials of "opencast_system_account" \(401\)\)/m);
    expect(run.stdout + run.stderr).not.toContain('not-the-password');
  });

  it('marks refused credentials in the JSON status', async () => {
    const run = await runCli(['--sim', SCENARIO, '--output', 'json', 'status'], { MATTERHORN_PASS: 'not-the-password' });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ opencastUp: false, opencastCredentialsRefused: true });
  });

  it('reports an unreachable Opencast as an outage, exit 0', async () => {
    const down = scenarioWith({ faults: [{ at: '-1m', kind: 'opencast-down', forMinutes: 30 }] });
    const run = await runCli(['--sim', down, 'status'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Opencast: UNREACHABLE$/m);
    expect(run.stdout).not.toMatch(/REFUSED our credentials/);
  });
});
