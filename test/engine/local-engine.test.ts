import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError, InvalidExecutionNameError, UnknownWorkflowError, WorkflowDefinitionError } from '../../engine/errors';
import { LocalEngine, type LocalEngineOptions } from '../../engine/local-engine';
import type { HistoryEvent } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import { fixtureHandlers, fixtureWorkflows, type FixtureOptions } from '../fixtures/engine-handlers';

const T0 = '2024-03-04T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const brief = (events: HistoryEvent[]) => events.map((e) => `${e.type}${e.state ? ` ${e.state}` : ''} @${e.at}`);

describe('LocalEngine', () => {
  let vt: VirtualTime;
  beforeEach(() => {
    vt = VirtualTime.install({ start: T0 });
  });
  afterEach(() => {
    vt.uninstall();
  });

  function engine(fixture: FixtureOptions = {}, extra: Partial<LocalEngineOptions> = {}) {
    const { handlers, calls } = fixtureHandlers(fixture);
    return { engine: new LocalEngine({ workflows: fixtureWorkflows(), handlers, hooks: vt.hooks, ...extra }), calls };
  }

  describe('Wait', () => {
    it('finishes an hour-long Wait on virtual time, with virtual timestamps', async () => {
      const { engine: e } = engine();

      const ref = await e.start('wait-hour', { worker: 'w1' }, { name: 'wait-1' });
      const result = await vt.drive(e.wait(ref));

      expect(result).toMatchObject({ status: 'SUCCEEDED', startedAt: T0, stoppedAt: at(3600), output: { worker: 'w1', stampedAt: at(3600) } });
      expect(brief(await e.history(ref))).toEqual([
        `ExecutionStarted @${at(0)}`,
        `StateEntered WaitAnHour @${at(0)}`,
        `StateExited WaitAnHour @${at(3600)}`,
        `StateEntered Stamp @${at(3600)}`,
        `TaskSucceeded Stamp @${at(3600)}`,
        `StateExited Stamp @${at(3600)}`,
        `ExecutionSucceeded @${at(3600)}`,
      ]);
    });

    it('ends an execution at its own TimeoutSeconds as TIMED_OUT', async () => {
      const { engine: e } = engine();

      const result = await vt.drive(e.wait(await e.start('timeout', {}, { name: 'slow' })));

      expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', stoppedAt: at(300) });
    });
  });

  describe('Retry', () => {
    it('retries a ThrottledError with backoff, then succeeds', async () => {
      const { engine: e, calls } = engine({ throttleTimes: 2 });

      const ref = await e.start('retry', {}, { name: 'flaky-1' });
      const result = await vt.drive(e.wait(ref));

      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true, calls: 3 } });
      expect(calls.map((c) => c.at)).toEqual([at(0), at(2), at(6)]);
      const history = await e.history(ref);
      expect(history.filter((h) => h.type === 'StateFailed').map((h) => h.error)).toEqual(['ThrottledError', 'ThrottledError']);
      expect(history.filter((h) => h.type === 'Retried').map((h) => [h.attempt, h.at])).toEqual([
        [1, at(2)],
        [2, at(6)],
      ]);
    });

    it('fails with the error name once the attempts are spent', async () => {
      const { engine: e, calls } = engine({ throttleTimes: 10 });

      const result = await vt.drive(e.wait(await e.start('retry', {}, { name: 'flaky-2' })));

      expect(result).toMatchObject({ status: 'FAILED', error: 'ThrottledError' });
      expect(calls).toHaveLength(4);
    });
  });

  describe('Catch', () => {
    it('routes an AuthError to the Catch state with a Lambda-style cause', async () => {
      const { engine: e, calls } = engine();

      const ref = await e.start('catch', {}, { name: 'caught-1' });
      const result = await vt.drive(e.wait(ref));

      expect(calls).toHaveLength(1);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ reason: 'OpencastUnavailable', error: 'AuthError' });
      expect(JSON.parse((result.output as { cause: string }).cause)).toEqual({
        errorType: 'AuthError',
        errorMessage: 'opencast: admin refused the digest credentials (401)',
      });
      const history = await e.history(ref);
      expect(history.find((h) => h.type === 'Caught')).toMatchObject({ state: 'CallOpencast', error: 'AuthError' });
      expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', reason: 'OpencastUnavailable' });
    });

    it('fails the execution when nothing catches the error', async () => {
      const { engine: e } = engine();

      const result = await vt.drive(e.wait(await e.start('uncaught', {}, { name: 'uncaught-1' })));

      expect(result).toMatchObject({ status: 'FAILED', error: 'AuthError' });
      expect(result.cause).toContain('admin refused');
    });
  });

  describe('Task resources', () => {
    it('records the raw activity result and its reason before the state exits', async () => {
      const { engine: e } = engine({ queued: 5 });

      const ref = await e.start('three-state', { cluster: 'c1' }, { name: 'cycle-1' });
      const result = await vt.drive(e.wait(ref));

      expect(result.output).toEqual({ action: 'up', reason: 'QueueBacklog' });
      const history = await e.history(ref);
      const task = history.findIndex((h) => h.type === 'TaskSucceeded');
      expect(history[task]).toMatchObject({ state: 'Observe', output: { queued: 5, reason: 'Observed' }, reason: 'Observed' });
      expect(history[task + 1]).toMatchObject({ type: 'StateExited', state: 'Observe' });
      expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', reason: 'QueueBacklog' });
    });

    it('wraps the lambda:invoke form in Payload like AWS', async () => {
      const { engine: e, calls } = engine({ queued: 0 });

      const result = await vt.drive(e.wait(await e.start('lambda-invoke', { cluster: 'c1' }, { name: 'invoke-1' })));

      expect(calls[0]?.event).toEqual({ cluster: 'c1' });
      expect(result.output).toEqual({ observation: { queued: 0, reason: 'Observed' }, status: 200 });
    });

    it('calls onAdvance with the virtual now before each handler', async () => {
      const seen: string[] = [];
      const hooks = { tracker: vt.tracker, beforeTask: (now: Date) => void seen.push(now.toISOString()) };
      const { engine: e } = engine({ drainedOnPoll: 3 }, { hooks });

      await vt.drive(e.wait(await e.start('poll', {}, { name: 'poll-1' })));

      expect(seen).toEqual([at(0), at(60), at(120)]);
    });
  });

  describe('child executions', () => {
    it('starts the child named by the task, linked to its parent', async () => {
      const { engine: e, calls } = engine();

      const parent = await e.start('parent', { childName: 'drain-w1', worker: 'w1' }, { name: 'cycle-1' });
      const parentResult = await vt.drive(e.wait(parent));
      await vt.run({ until: () => e.activeCount === 0 });

      const [child] = await e.list({ workflow: 'child' });
      expect(child).toMatchObject({ ref: { name: 'drain-w1' }, status: 'SUCCEEDED', parentExecutionArn: parent.executionArn, stoppedAt: at(600) });
      expect(parentResult.output).toMatchObject({ started: { ExecutionArn: child!.ref.executionArn, StartDate: Date.parse(T0) } });
      expect(calls).toEqual([{ fn: 'stamp', at: at(600), event: { worker: 'w1', parent: parent.executionArn } }]);
    });

    it('starts one child per Map item, as the autoscale cycle starts drains', async () => {
      const { engine: e } = engine();

      const parent = await e.start('fan-out', { workers: ['w1', 'w2', 'w3'] }, { name: 'cycle-1' });
      const result = await vt.drive(e.wait(parent));
      await vt.run({ until: () => e.activeCount === 0 });

      const children = await e.list({ workflow: 'child' });
      expect(children.map((c) => c.ref.name).sort()).toEqual(['drain-w1', 'drain-w2', 'drain-w3']);
      expect(children.every((c) => c.status === 'SUCCEEDED' && c.parentExecutionArn === parent.executionArn)).toBe(true);
      expect((result.output as { started: unknown[] }).started).toHaveLength(3);
      const inside = (await e.history(parent)).filter((h) => h.state === 'StartDrain' && h.type === 'StateExited');
      expect(inside.map((h) => h.index).sort()).toEqual([0, 1, 2]);
    });

    it('lets the workflow catch a second start of a running child name', async () => {
      const { engine: e } = engine();

      await vt.drive(e.wait(await e.start('parent', { childName: 'drain-w1', worker: 'w1' }, { name: 'cycle-1' })));
      const second = await vt.drive(e.wait(await e.start('parent', { childName: 'drain-w1', worker: 'w1' }, { name: 'cycle-2' })));

      expect(second.output).toMatchObject({ reason: 'DrainInProgress', error: 'StepFunctions.ExecutionAlreadyExistsException' });
      expect(await e.list({ workflow: 'child' })).toHaveLength(1);
    });
  });

  describe('execution names', () => {
    it('refuses a second start of a running name, then of a finished one', async () => {
      const { engine: e } = engine();
      const ref = await e.start('wait-hour', {}, { name: 'drain-w1' });

      const running = e.start('wait-hour', {}, { name: 'drain-w1' });
      await expect(running).rejects.toBeInstanceOf(ExecutionAlreadyRunningError);
      await expect(running).rejects.toThrow(/already running/);

      await vt.drive(e.wait(ref));
      const finished = e.start('wait-hour', {}, { name: 'drain-w1' });
      await expect(finished).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
      await expect(finished).rejects.toMatchObject({ status: 'SUCCEEDED' });
    });

    it('rejects names AWS (or a file name) would not take, and unknown workflows', async () => {
      const { engine: e } = engine();

      await expect(e.start('wait-hour', {}, { name: 'a b' })).rejects.toBeInstanceOf(InvalidExecutionNameError);
      await expect(e.start('wait-hour', {}, { name: '../x' })).rejects.toBeInstanceOf(InvalidExecutionNameError);
      await expect(e.start('nope', {}, { name: 'x' })).rejects.toBeInstanceOf(UnknownWorkflowError);
    });
  });

  describe('stop', () => {
    it('aborts a running execution with the given error', async () => {
      const { engine: e } = engine();
      const ref = await e.start('wait-hour', {}, { name: 'stop-1' });
      await vt.run({ deadline: at(60) });

      await e.stop(ref, { error: 'Operator', cause: 'demand returned' });

      expect(await e.wait(ref)).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'demand returned', stoppedAt: at(60) });
      expect((await e.history(ref)).at(-1)).toMatchObject({ type: 'ExecutionAborted', error: 'Operator' });
    });
  });

  describe('list', () => {
    it.each([
      ['in memory', {}],
      ['on disk', { stateDir: 'tmp' }],
    ])('lists newest first, filters by status, and stops at maxResults (%s)', async (_label, where) => {
      const stateDir = 'stateDir' in where ? mkdtempSync(join(tmpdir(), 'moscaler-list-')) : undefined;
      const { engine: e } = engine({}, stateDir ? { stateDir } : {});
      const first = await e.start('wait-hour', {}, { name: 'boot-w1' });
      await vt.run({ deadline: at(60) });
      await e.start('wait-hour', {}, { name: 'boot-w2' });
      await vt.run({ deadline: at(120) });
      await e.start('wait-hour', {}, { name: 'boot-w3' });
      await e.stop(first, { error: 'Operator' });

      const newest = await e.list({ workflow: 'wait-hour', maxResults: 1 });
      const running = await e.list({ workflow: 'wait-hour', status: 'RUNNING' });
      const aborted = await e.list({ status: 'ABORTED', maxResults: 5 });
      const named = await e.list({ workflow: 'wait-hour', nameContains: 'w2', maxResults: 1 });

      expect(newest.map((s) => [s.ref.name, s.startedAt])).toEqual([['boot-w3', at(120)]]);
      expect(running.map((s) => s.ref.name)).toEqual(['boot-w3', 'boot-w2']);
      expect(aborted.map((s) => s.ref.name)).toEqual(['boot-w1']);
      expect(named.map((s) => s.ref.name)).toEqual(['boot-w2']);
      await vt.run({ until: () => e.activeCount === 0 });
      expect(await e.list({ status: 'RUNNING' })).toEqual([]);
      expect((await e.list({ workflow: 'wait-hour', maxResults: 2 })).map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    });
  });

  describe('definitions', () => {
    it('refuses a Task without TimeoutSeconds before running anything', async () => {
      const workflows = {
        bad: { StartAt: 'T', States: { T: { Type: 'Task', Resource: '${ObserveFunctionArn}', End: true } } },
      };
      const e = new LocalEngine({ workflows, handlers: fixtureHandlers().handlers, hooks: vt.hooks });

      await expect(e.start('bad', {}, { name: 'x' })).rejects.toThrow(WorkflowDefinitionError);
      await expect(e.start('bad', {}, { name: 'x' })).rejects.toThrow(/explicit TimeoutSeconds/);
    });

    it('checks the library\'s ASL schema at load unless told the definitions are already checked', () => {
      // A Pass state whose Next names no state: our lint has no rule for it, the library's schema does.
      const workflows = { dangling: { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } } };

      const checked = new LocalEngine({ workflows, hooks: vt.hooks });
      const trusted = new LocalEngine({ workflows, hooks: vt.hooks, validateWithLibrary: false });

      expect(() => checked.prepare()).toThrow(WorkflowDefinitionError);
      expect(() => trusted.prepare()).not.toThrow();
    });

    it('refuses a Task whose function has no local handler', () => {
      const e = new LocalEngine({ workflows: fixtureWorkflows(), handlers: {}, hooks: vt.hooks });

      expect(() => e.prepare()).toThrow(/no local handler for arn:aws:lambda:local:000000000000:function:/);
    });

    it('finds handlers by function name with the resource prefix stripped', async () => {
      const { handlers } = fixtureHandlers();
      const e = new LocalEngine({
        workflows: fixtureWorkflows(),
        handlers,
        resourcePrefix: 'moscaler-',
        substitutions: { StampFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:moscaler-stamp' },
        hooks: vt.hooks,
      });

      const result = await vt.drive(e.wait(await e.start('wait-hour', {}, { name: 'prefixed' })));

      expect(result.status).toBe('SUCCEEDED');
    });
  });
});
