/**
 * Global options go before the command (as in the original) or after it; after
 * it, a command's own short flag wins (`status -f` is `--format`, `scale auto -c`
 * is `--config`) and the long form of the global one still works.
 */
import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../core/errors';
import type { RuntimeFor } from '../../cli/context';
import type { GlobalOptions } from '../../cli/options';
import { fakeRuntime, runCli } from '../helpers/cli';
import { NOW } from '../helpers/views';

const ENV = { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' };
const CONFIG = JSON.stringify({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 5, down_threshold: 1 } }] });

/** The globals a command was given, stopping it before it builds anything. */
async function globalsOf(argv: string[]): Promise<GlobalOptions> {
  let seen: GlobalOptions | undefined;
  const runtimeFor: RuntimeFor = async (globals) => {
    seen = globals;
    throw new DependencyError('sim', 'stopped by the test');
  };
  const run = await runCli(argv, ENV, runtimeFor);
  expect(run.stderr).toContain('stopped by the test');
  return seen!;
}

describe('moscaler global options', () => {
  it.each([
    [['ui', '--sim', 'scenarios/lecture-week.json'], { sim: 'scenarios/lecture-week.json' }],
    [['--sim', 'scenarios/lecture-week.json', 'ui'], { sim: 'scenarios/lecture-week.json' }],
    [['status', '--output', 'json'], { output: 'json' }],
    [['history', '-c', 'staging', '-n'], { cluster: 'staging', dryRun: true }],
    [['status', '--force'], { force: true }],
    [['scale', 'down', '2', '-f', '--engine', 'direct'], { force: true, engine: 'direct' }],
    [['scale', '--debug', 'up'], { debug: true }],
    [['--cluster', 'a', 'history', '--cluster', 'b'], { cluster: 'b' }],
    [['scale', 'auto', '-c', CONFIG, '--cluster', 'staging'], { cluster: 'staging' }],
    [['status'], { output: 'table', engine: 'local' }],
  ])('takes them on either side of the command: %j', async (argv, expected) => {
    expect(await globalsOf(argv)).toMatchObject(expected);
  });

  it('lets the command keep its own short flags after the command', async () => {
    expect(await globalsOf(['status', '-f', 'json'])).not.toHaveProperty('force', true);
    expect((await globalsOf(['status', '-c', CONFIG])).cluster).toBeUndefined();
    expect((await globalsOf(['scale', 'auto', '-c', CONFIG])).cluster).toBeUndefined();
  });

  it('prints JSON for status --output json', async () => {
    const fake = fakeRuntime([{ hostname: 'worker1', uptimeMinutes: 30 }], NOW);
    const run = await runCli(['status', '--output', 'json'], ENV, fake.runtimeFor);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ cluster: 'prod', counts: { workers: 1 } });
  });

  it('still refuses a bad value after the command', async () => {
    const run = await runCli(['status', '--output', 'yaml'], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--output <format>' argument 'yaml' is invalid/);
  });
});
