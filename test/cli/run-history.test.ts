/**
 * `moscaler run` keeps the local engine's executions as long as Step Functions
 * would (MOSCALER_HISTORY_DAYS, default 90) and forgets older ones.
 */
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

/** The closed records a simulated cluster's state folder holds. */
function records(stateDir: string): string[] {
  const root = join(stateDir, 'sim', 'sim-small.kept', 'executions');
  return readdirSync(root).flatMap((workflow) => readdirSync(join(root, workflow)).filter((f) => f.endsWith('.json')));
}

/** Every closed record in the state directory, made to look closed `days` ago. */
function ageRecords(stateDir: string, days: number): number {
  const at = new Date(Date.now() - days * 86_400_000);
  let n = 0;
  // A simulated cluster keeps its state in a folder of its own (wiring/state-dirs.ts).
  const root = join(stateDir, 'sim', 'sim-small.kept', 'executions');
  for (const workflow of readdirSync(root)) {
    for (const file of readdirSync(join(root, workflow)).filter((f) => f.endsWith('.json'))) {
      utimesSync(join(root, workflow, file), at, at);
      n++;
    }
  }
  return n;
}

describe('moscaler run and old executions', () => {
  it('forgets executions closed longer ago than MOSCALER_HISTORY_DAYS before its first cycle, says so, and keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-retain-'));
    // --sim-keep: the simulated cluster, and its history, carry over from one command to the next.
    const argv = ['--sim', SCENARIO, '--sim-keep', '--state-dir', dir, 'run', '--cycles', '1'];
    expect((await runCli(argv, {})).code).toBe(0);
    const old = records(dir);
    const aged = ageRecords(dir, 31);
    expect(aged).toBe(old.length);

    const kept = await runCli(argv, { MOSCALER_HISTORY_DAYS: '0' });
    expect(kept.code).toBe(0);
    expect(kept.stderr).not.toMatch(/forgot/);
    const recent = records(dir).filter((f) => !old.includes(f));
    expect(recent).toHaveLength(1);

    const run = await runCli(argv, { MOSCALER_HISTORY_DAYS: '30' });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`forgot ${aged} execution\\(s\\) closed more than 30 day\\(s\\) ago \\(MOSCALER_HISTORY_DAYS\\)`));
    // The aged ones are gone; the cycle closed just now by the command before stays.
    expect(records(dir).filter((f) => old.includes(f))).toEqual([]);
    expect(records(dir)).toEqual(expect.arrayContaining(recent));
  });
});
