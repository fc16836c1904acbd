/**
 * Flags a simulation of its own cannot honour are refused (exit 2) before
 * anything is simulated, instead of being silently ignored: `-n` (a simulation
 * changes only the simulated cluster, and a run where nothing acts shows
 * nothing) and `--engine direct` for `ui --sim` (the live view starts
 * autoscale workflows: on the local engine, or with `--engine aws` on the
 * simulated deployed stack, test/ui/browser-aws.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

describe('--dry-run with a simulation of its own', () => {
  it('is refused by sim run and demo, naming the command that does what was meant', async () => {
    for (const argv of [['-n', 'sim', 'run', SCENARIO], ['demo', '--dry-run']]) {
      const r = await runCli(argv, {});
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--dry-run: not with sim run or demo: .*moscaler --sim FILE -n scale auto/);
      expect(r.stdout).toBe('');
    }
  });

  it('is refused by ui --sim, and still decides without acting in scale auto on the simulator', async () => {
    const ui = await runCli(['--sim', SCENARIO, '-n', 'ui', '--port', '0'], {});
    expect(ui.code).toBe(2);
    expect(ui.stderr).toMatch(/--dry-run: not with ui --sim/);
    const auto = await runCli(['--sim', SCENARIO, '-n', '--output', 'json', 'scale', 'auto'], {});
    expect(auto.code).toBe(0);
    expect(JSON.parse(auto.stdout)).toMatchObject({ dryRun: true });
  });
});

describe('ui --sim without workflows', () => {
  it('is refused with --engine direct, naming the engines it runs on', async () => {
    const r = await runCli(['--engine', 'direct', '--sim', SCENARIO, 'ui', '--port', '0'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine: ui --sim runs the workflows on virtual time, on the local engine or \(--engine aws\) the simulated deployed stack, not direct/);
    expect(r.stdout).toBe('');
  });
});
