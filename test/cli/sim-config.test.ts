/**
 * Commands on a simulated cluster need no autoscale config: like `sim run` and
 * `ui`, `scale auto` and `run` take the shipped default (config/autoscale.example.json).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

describe('moscaler --sim without -c', () => {
  it.each([
    // scale auto decides through a scale execution (the console's path), with the autoscale cycle's plan.
    [['scale', 'auto'], /^cycle scale-auto-20251013T040000Z: SUCCEEDED \(.+\)$/m],
    [['run', '--cycles', '1'], /autoscale-20251013T040000Z: SUCCEEDED/],
  ])('runs %j with the shipped default config', async (argv, output) => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-simcfg-'));
    const run = await runCli(['--sim', SCENARIO, '--state-dir', dir, ...argv], {});
    expect(run.stderr).not.toMatch(/no autoscale config/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(output);
  });

  it('still asks for a config against a real cluster', async () => {
    const run = await runCli(['scale', 'auto'], { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--config: no autoscale config/);
  });
});
