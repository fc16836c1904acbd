import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError, StateStoreError } from '../../engine/errors';
import { FileExecutionStore } from '../../engine/file-store';
import { LocalEngine } from '../../engine/local-engine';
import type { ExecutionRecord, StoreProblem } from '../../engine/store';
import { VirtualTime } from '../../engine/virtual-time';
import { fixtureHandlers, fixtureWorkflows } from '../fixtures/engine-handlers';

const T0 = '2024-03-04T10:00:00.000Z';

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

function runningRecord(workflow: string, name: string, pid: number): ExecutionRecord {
  return {
    version: 1,
    workflow,
    name,
    executionArn: `arn:aws:states:local:000000000000:execution:${workflow}:${name}`,
    status: 'RUNNING',
    startedAt: T0,
    input: {},
    owner: { pid, host: hostname() },
  };
}

describe('LocalEngine on disk', () => {
  let stateDir: string;
  let problems: StoreProblem[];
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'moscaler-engine-'));
    problems = [];
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  const engineOn = (hooks?: VirtualTime['hooks']) =>
    new LocalEngine({
      workflows: fixtureWorkflows(),
      handlers: fixtureHandlers({ throttleTimes: 1 }).handlers,
      stateDir,
      onProblem: (p) => problems.push(p),
      ...(hooks ? { hooks } : {}),
    });

  describe('history', () => {
    it('is read back by a new engine instance, as recorded', async () => {
      const vt = VirtualTime.install({ start: T0 });
      let ref, result, history, listed;
      try {
        const first = engineOn(vt.hooks);
        ref = await first.start('retry', { worker: 'w1' }, { name: 'flaky-1' });
        result = await vt.drive(first.wait(ref));
        history = await first.history(ref);
        listed = await first.list();
      } finally {
        vt.uninstall();
      }

      const second = engineOn();

      expect(await second.list()).toEqual(listed);
      expect(await second.history(ref)).toEqual(history);
      expect(await second.wait(ref)).toEqual(result);
      expect(history.map((h) => h.type)).toContain('Retried');
      expect(await second.history({ nameContains: 'flaky' })).toEqual(history);
      expect(readdirSync(join(stateDir, 'executions', 'retry')).sort()).toEqual(['flaky-1.history.jsonl', 'flaky-1.json']);
      expect(problems).toEqual([]);
    });
  });

  describe('crash safety', () => {
    it('reports and skips corrupt, half-written and foreign files when listing', async () => {
      const vt = VirtualTime.install({ start: T0 });
      try {
        const e = engineOn(vt.hooks);
        await vt.drive(e.wait(await e.start('three-state', {}, { name: 'good' })));
      } finally {
        vt.uninstall();
      }
      const dir = join(stateDir, 'executions', 'three-state');
      writeFileSync(join(dir, 'torn.json'), '{"version":1,"workflow":"three-st');
      writeFileSync(join(dir, 'good.json.4242.0.tmp'), '{"version":1,"wor');
      writeFileSync(join(dir, 'other.json'), '[1, 2, 3]');
      appendFileSync(join(dir, 'good.history.jsonl'), '{"execution":"good","type":"StateEnt');

      const e = engineOn();
      const listed = await e.list();
      const listProblems = problems.splice(0);
      const history = await e.history({ workflow: 'three-state' });

      expect(listed.map((s) => s.ref.name)).toEqual(['good']);
      expect(listProblems.map((p) => p.file.split('/').pop()).sort()).toEqual(['good.json.4242.0.tmp', 'other.json', 'torn.json']);
      expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
      expect(problems.find((p) => p.file.endsWith('good.history.jsonl'))?.problem).toMatch(/line \d+ is not JSON/);
    });
  });

  describe('the newest records', () => {
    it('reads only as far back as it must to find the most recently begun', () => {
      const store = new FileExecutionStore(stateDir, { onProblem: (p) => problems.push(p) });
      const now = Date.now();
      const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
      for (const m of [50, 40, 30, 20, 10]) {
        const record = { ...runningRecord('wait-hour', `cycle-${m}`, process.pid), startedAt: at(m) };
        store.begin(record);
        store.finish({ ...record, status: 'SUCCEEDED', stoppedAt: at(m - 1) });
        const file = join(stateDir, 'executions', 'wait-hour', `cycle-${m}.json`);
        utimesSync(file, new Date(now - (m - 1) * 60_000), new Date(now - (m - 1) * 60_000));
      }
      // An old record nobody needs is corrupt: reading it would report a problem.
      const old = join(stateDir, 'executions', 'wait-hour', 'cycle-50.json');
      writeFileSync(old, '{"torn');
      utimesSync(old, new Date(now - 49 * 60_000), new Date(now - 49 * 60_000));

      const newest = store.list({ workflow: 'wait-hour', newest: 2 });

      expect(newest.map((r) => r.name).sort()).toEqual(['cycle-10', 'cycle-20']);
      expect(problems).toEqual([]);
      // Without the hint every record is read, and the corrupt one is reported.
      expect(store.list({ workflow: 'wait-hour' })).toHaveLength(4);
      expect(problems.map((p) => p.file.split('/').pop())).toEqual(['cycle-50.json']);
    });
  });

  describe('expiring closed executions', () => {
    const DAY = 86_400_000;

    it('forgets records closed longer ago than kept, with their history; keeps recent and running ones; frees the name', () => {
      const store = new FileExecutionStore(stateDir, { onProblem: (p) => problems.push(p) });
      const now = Date.now();
      const dir = join(stateDir, 'executions', 'wait-hour');
      for (const [name, daysAgo] of [['old', 91], ['recent', 89]] as const) {
        const record = runningRecord('wait-hour', name, process.pid);
        store.begin(record);
        store.append(record, { type: 'ExecutionStarted', at: T0 } as never);
        store.finish({ ...record, status: 'SUCCEEDED', stoppedAt: T0 });
        const closedAt = new Date(now - daysAgo * DAY);
        utimesSync(join(dir, `${name}.json`), closedAt, closedAt);
      }
      // Running since long ago (its lock is old): never expired.
      store.begin({ ...runningRecord('wait-hour', 'running', process.pid), startedAt: new Date(now - 200 * DAY).toISOString() });
      utimesSync(join(dir, 'running.lock'), new Date(now - 200 * DAY), new Date(now - 200 * DAY));

      expect(store.expire(90 * DAY)).toBe(1);

      expect(readdirSync(dir).sort()).toEqual(['recent.history.jsonl', 'recent.json', 'running.history.jsonl', 'running.lock']);
      expect(store.get('wait-hour', 'old')).toBeUndefined();
      expect(store.get('wait-hour', 'recent')?.status).toBe('SUCCEEDED');
      expect(store.get('wait-hour', 'running')?.status).toBe('RUNNING');
      // As on AWS after 90 days, the name can be used again.
      expect(() => store.begin(runningRecord('wait-hour', 'old', process.pid))).not.toThrow();
      expect(problems).toEqual([]);
    });

    it('does the same in memory, by the close time on the record', async () => {
      const vt = VirtualTime.install({ start: T0 });
      try {
        const engine = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers({ throttleTimes: 1 }).handlers, hooks: vt.hooks });
        const first = await engine.start('retry', { worker: 'w1' }, { name: 'first' });
        await vt.drive(engine.wait(first));
        await vt.run({ deadline: Date.parse(T0) + 10 * DAY });
        const second = await engine.start('retry', { worker: 'w1' }, { name: 'second' });
        await vt.drive(engine.wait(second));

        expect(await engine.expireClosed(5 * DAY)).toBe(1);
        expect((await engine.list()).map((e) => e.ref.name)).toEqual(['second']);
        expect(await engine.history({ nameContains: 'first' })).toEqual([]);
      } finally {
        vt.uninstall();
      }
    });
  });

  describe('absent or unreadable', () => {
    it('reads a missing history as empty, but an unreadable one as an error naming the file', () => {
      const store = new FileExecutionStore(stateDir);
      expect(store.history('wait-hour', 'never-ran')).toEqual([]);
      mkdirSync(join(stateDir, 'executions', 'wait-hour', 'drain-w9.history.jsonl'), { recursive: true });
      const error = (() => {
        try {
          store.history('wait-hour', 'drain-w9');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(StateStoreError);
      expect((error as Error).message).toMatch(/drain-w9\.history\.jsonl: unreadable \(EISDIR\)/);
    });
  });

  describe('locks', () => {
    it('lets exactly one of several processes racing for a name run it', async () => {
      const goAt = Date.now() + 2500;
      const script = new URL('./claim-name.ts', import.meta.url).pathname;
      const outputs = await Promise.all(
        [1, 2, 3, 4].map(
          () =>
            new Promise<string>((resolve, reject) => {
              const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, String(goAt)]);
              let out = '';
              child.stdout.on('data', (d: Buffer) => (out += d.toString()));
              child.on('error', reject);
              child.on('close', () => resolve(out.trim()));
            }),
        ),
      );

      expect(outputs.filter((o) => o === 'claimed')).toHaveLength(1);
      expect(outputs.filter((o) => o !== 'claimed').every((o) => /^ExecutionAlready(Running|Exists)Error$/.test(o))).toBe(true);
    });

    it('refuses a name another live process is running', async () => {
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
      try {
        const dir = join(stateDir, 'executions', 'wait-hour');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'drain-w1.lock'), JSON.stringify(runningRecord('wait-hour', 'drain-w1', other.pid!)));

        const start = engineOn().start('wait-hour', {}, { name: 'drain-w1' });

        await expect(start).rejects.toBeInstanceOf(ExecutionAlreadyRunningError);
        await expect(start).rejects.toMatchObject({ ownerPid: other.pid });
        expect((await engineOn().list())[0]).toMatchObject({ status: 'RUNNING' });
      } finally {
        other.kill();
      }
    });

    it('takes over a lock torn by a crash while it was being created', async () => {
      const dir = join(stateDir, 'executions', 'wait-hour');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'drain-w1.lock'), '{"version":1,"work');
      const aMinuteAgo = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'drain-w1.lock'), aMinuteAgo, aMinuteAgo);
      const e = engineOn();

      const ref = await e.start('wait-hour', {}, { name: 'drain-w1' });

      expect(JSON.parse(readFileSync(join(dir, 'drain-w1.lock'), 'utf8'))).toMatchObject({ status: 'RUNNING', owner: { pid: process.pid } });
      await e.stop(ref);
      expect(existsSync(join(dir, 'drain-w1.lock'))).toBe(false);
    });

    it('closes a RUNNING record whose process died as ABORTED and keeps the name used', async () => {
      const dir = join(stateDir, 'executions', 'wait-hour');
      mkdirSync(dir, { recursive: true });
      const pid = deadPid();
      writeFileSync(join(dir, 'drain-w1.lock'), JSON.stringify(runningRecord('wait-hour', 'drain-w1', pid)));
      const e = engineOn();
      const ref = { workflow: 'wait-hour', name: 'drain-w1', executionArn: runningRecord('wait-hour', 'drain-w1', pid).executionArn };

      expect(await e.wait(ref)).toMatchObject({ status: 'ABORTED', error: 'Local.OwnerDied' });
      await expect(e.start('wait-hour', {}, { name: 'drain-w1' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExistsError', status: 'ABORTED' });
      expect(JSON.parse(readFileSync(join(dir, 'drain-w1.json'), 'utf8'))).toMatchObject({ status: 'ABORTED' });
      expect(existsSync(join(dir, 'drain-w1.lock'))).toBe(false);
    });

    it('lets wait() follow an execution that another process finishes', async () => {
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
      try {
        const record = runningRecord('wait-hour', 'drain-w2', other.pid!);
        const theirs = new FileExecutionStore(stateDir);
        // Play that process: its record (owned by its pid) claims the name through a store of its own.
        theirs.begin(record);
        const e = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers().handlers, stateDir, pollMs: 10 });
        // wait() reads the record before its first await: it has seen RUNNING by the time it returns.
        const waiting = e.wait({ workflow: 'wait-hour', name: 'drain-w2', executionArn: record.executionArn });
        theirs.finish({ ...record, status: 'SUCCEEDED', stoppedAt: '2024-03-04T11:00:00.000Z', output: { done: true } });

        expect(await waiting).toMatchObject({ status: 'SUCCEEDED', output: { done: true } });
        await expect(e.start('wait-hour', {}, { name: 'drain-w2' })).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
      } finally {
        other.kill();
      }
    });
  });
});
