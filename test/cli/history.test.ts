/**
 * `moscaler history`: by default one line per execution and, for a worker, its
 * lifecycle transitions; `--events` the raw events in time order, parents
 * first; `--limit` counts the lines it prints; a worker is matched exactly,
 * also one whose Name tag had to be slugged into its executions' names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectExecutions } from '../../cli/history-view';
import { workerExecutionName } from '../../core/execution-names';
import type { ExecutionSummary } from '../../engine/types';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}/;

describe('moscaler history after a scale up (small-quiet, kept)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-history-'));
  const run = (argv: string[]) => runCli(['--state-dir', dir, '--sim', SCENARIO, '--sim-keep', ...argv], {});
  const lines = (text: string) => text.split('\n').filter((l) => LINE.test(l));

  beforeAll(async () => {
    expect((await run(['scale', 'up', '1'])).code).toBe(0);
  }, 60_000);

  it('prints one line per execution: start, name, worker, duration, outcome and why, the scale command before the boot it started', async () => {
    const history = await run(['history']);
    expect(history.code).toBe(0);
    expect(history.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^2025-10-13T04:00:00Z {2}scale-up-20251013T040000Z +- +0s +started boot worker3; why: asked to start 1 worker\(s\); 2 stopped worker\(s\) available$/),
      expect.stringMatching(/^2025-10-13T04:00:00Z {2}boot-worker3-20251013T040000Z +worker3 +6m20s +offline → online \(Booted\); why: start #1: /),
    ]);
  });

  it("shows a worker's executions and its lifecycle transitions", async () => {
    const history = await run(['history', 'worker3']);
    expect(history.code).toBe(0);
    const [executions, lifecycle] = history.stdout.split('\n\n');
    expect(lines(executions!)).toEqual([expect.stringMatching(/boot-worker3-20251013T040000Z +worker3 +6m20s +offline → online \(Booted\)/)]);
    expect(lifecycle!.split('\n')[0]).toBe('lifecycle of worker3:');
    expect(lines(lifecycle!)).toEqual([
      '2025-10-13T04:00:20Z  offline → booting  start.requested  StartRequested: start of worker3 requested  (boot-worker3-20251013T040000Z)',
      expect.stringMatching(/^2025-10-13T04:06:20Z {2}booting → online {2}opencast\.registered {2}Booted: /),
    ]);
    // Matched exactly: a worker that is a prefix of another, or not there at all, has nothing.
    expect((await run(['history', 'worker'])).stdout).toBe('no history for "worker": no execution of that name, and no boot or drain of a worker of that name\n');
  });

  it('--events: the raw events in time order, a parent before the child it started, a reason only when it changes', async () => {
    const history = await run(['history', '--events']);
    const out = lines(history.stdout);
    const index = (text: string) => out.findIndex((l) => l.includes(text));
    expect(index('scale-up-20251013T040000Z  ExecutionStarted')).toBe(0);
    expect(index('scale-up-20251013T040000Z  StateEntered StartBoot')).toBeLessThan(index('boot-worker3-20251013T040000Z  ExecutionStarted'));
    expect(out.map((l) => l.slice(0, 20))).toEqual([...out.map((l) => l.slice(0, 20))].sort());
    // A poll that found the boot where it was does not repeat the reason the start gave.
    expect(out).toContain('2025-10-13T04:01:20Z  boot-worker3-20251013T040000Z  TaskSucceeded CheckBoot');
    expect(out).toContain('2025-10-13T04:06:20Z  boot-worker3-20251013T040000Z  TaskSucceeded CheckBoot — Booted: instance online and registered in Opencast');
    expect(out.filter((l) => l.includes('StateExited'))).toEqual([]);
  });

  it('--limit counts the lines it prints, and says on stderr what it left out', async () => {
    const events = await run(['history', '--events', '--limit', '5']);
    expect(events.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(events.stdout).toMatch(/boot-worker3-20251013T040000Z {2}ExecutionSucceeded\n$/);
    expect(events.stderr).toMatch(/^showing the last 5 of \d+ events \(--limit\)$/m);
    const executions = await run(['history', '--limit', '1']);
    expect(lines(executions.stdout)).toEqual([expect.stringContaining('boot-worker3-20251013T040000Z')]);
    expect(executions.stderr).toMatch(/^showing the last 1 of 2 executions \(--limit\)$/m);
  });

  it('gives an execution with those it started, and JSON', async () => {
    const one = await run(['history', 'scale-up-20251013T040000Z']);
    const [executions, lifecycle] = one.stdout.split('\n\n');
    expect(lines(executions!).map((l) => l.split(/ {2,}/)[1])).toEqual(['scale-up-20251013T040000Z', 'boot-worker3-20251013T040000Z']);
    expect(lines(lifecycle!)).toHaveLength(2);
    const json = JSON.parse((await run(['--output', 'json', 'history', 'worker3'])).stdout) as Array<{ name: string; hostname: string; outcome: { text: string } }>;
    expect(json).toEqual([expect.objectContaining({ name: 'boot-worker3-20251013T040000Z', hostname: 'worker3', outcome: { kind: 'acted', text: 'offline → online (Booted)' } })]);
  });
});

describe('which executions a worker has', () => {
  const at = new Date('2025-10-13T04:00:00Z');
  const summary = (hostname: string, kind: 'boot' | 'drain' = 'boot'): ExecutionSummary => {
    const name = workerExecutionName(kind, hostname, at);
    return { ref: { workflow: `${kind}-worker`, name, executionArn: `arn:local:${name}` }, status: 'SUCCEEDED', startedAt: at.toISOString() };
  };
  const spaced = 'opencast transcode worker 21';
  const all = [summary('worker1'), summary('worker1-b'), summary(spaced), summary('worker1', 'drain')];

  it('matches the name exactly, never by substring or prefix', () => {
    expect(selectExecutions(all, 'worker1').executions.map((e) => e.ref.name)).toEqual(['boot-worker1-20251013T040000Z', 'drain-worker1-20251013T040000Z']);
    expect(selectExecutions(all, 'worker1-b').executions.map((e) => e.ref.name)).toEqual(['boot-worker1-b-20251013T040000Z']);
  });

  it('finds a Name tag that had to be slugged into the execution name', () => {
    const found = selectExecutions(all, spaced);
    expect(found.target).toEqual({ kind: 'worker', hostname: spaced });
    expect(found.executions.map((e) => e.ref.name)).toEqual([expect.stringMatching(/^boot-opencast-transcode-worker-21__[0-9a-f]{10}-20251013T040000Z$/)]);
    expect(selectExecutions(all, 'opencast transcode worker 2').executions).toEqual([]);
  });
});
