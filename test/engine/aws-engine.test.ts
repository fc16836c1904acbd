import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../core/errors';
import { AwsEngine } from '../../engine/aws-engine';
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError, UnknownWorkflowError } from '../../engine/errors';
import { LocalEngine } from '../../engine/local-engine';
import { VirtualTime } from '../../engine/virtual-time';
import { fixtureHandlers, fixtureWorkflows } from '../fixtures/engine-handlers';
import { FakeSfn } from './fake-sfn-server';

const SCOPE = { region: 'eu-west-1', account: '123456789012' };
const DRAIN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:moscaler-drain-worker';
const RETRY = 'arn:aws:states:eu-west-1:123456789012:stateMachine:moscaler-retry';
const CATCH = 'arn:aws:states:eu-west-1:123456789012:stateMachine:moscaler-catch';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:moscaler-flaky';

const s = (iso: string) => Date.parse(iso) / 1000;
const T = (seconds: number) => s('2024-03-04T10:00:00Z') + seconds;

describe('AwsEngine', () => {
  let sfn: FakeSfn;
  let engine: AwsEngine;
  let sleeps: number[];
  let onSleep: () => void;

  beforeEach(async () => {
    sfn = new FakeSfn();
    [DRAIN, RETRY, CATCH].forEach((arn) => sfn.addStateMachine(arn));
    const endpoint = await sfn.listen();
    const client = new SFNClient({ region: SCOPE.region, endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    sleeps = [];
    onSleep = () => undefined;
    engine = new AwsEngine({
      client,
      stateMachines: { scope: SCOPE, prefix: 'moscaler-', workflows: ['drain-worker', 'retry', 'catch'] },
      pollIntervalMs: 2500,
      sleep: async (ms) => {
        sleeps.push(ms);
        onSleep();
      },
    });
  });
  afterEach(async () => {
    await sfn.close();
  });

  describe('start', () => {
    it('starts the state machine named prefix + workflow with the input as JSON', async () => {
      const ref = await engine.start('drain-worker', { worker: 'w1' }, { name: 'drain-w1' });

      expect(ref).toEqual({ workflow: 'drain-worker', name: 'drain-w1', executionArn: `${DRAIN.replace(':stateMachine:', ':execution:')}:drain-w1` });
      const start = sfn.calls.find((c) => c.op === 'StartExecution');
      expect(start?.body).toEqual({ stateMachineArn: DRAIN, name: 'drain-w1', input: '{"worker":"w1"}' });
    });

    it('refuses a running name even where AWS would answer idempotently', async () => {
      await engine.start('drain-worker', { worker: 'w1' }, { name: 'drain-w1' });

      const again = engine.start('drain-worker', { worker: 'w1' }, { name: 'drain-w1' });

      await expect(again).rejects.toBeInstanceOf(ExecutionAlreadyRunningError);
      await expect(again).rejects.toThrow(/already running/);
      expect(sfn.calls.filter((c) => c.op === 'StartExecution')).toHaveLength(1);
    });

    it('refuses a used name, and maps a lost race to the same errors', async () => {
      const ref = await engine.start('drain-worker', {}, { name: 'drain-w1' });
      sfn.finish(ref.executionArn, { status: 'SUCCEEDED', output: '{}' });
      await expect(engine.start('drain-worker', {}, { name: 'drain-w1' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExistsError', status: 'SUCCEEDED' });

      sfn.inject('DescribeExecution', 'ExecutionDoesNotExist');
      const raced = engine.start('drain-worker', { other: 1 }, { name: 'drain-w1' });
      await expect(raced).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
      await expect(raced).rejects.toMatchObject({ status: 'SUCCEEDED' });
    });

    it('turns throttling into ThrottledError and knows only its workflows', async () => {
      sfn.inject('StartExecution', 'ThrottlingException');

      await expect(engine.start('drain-worker', {}, { name: 'x' })).rejects.toBeInstanceOf(ThrottledError);
      await expect(engine.start('autoscale-nope', {}, { name: 'x' })).rejects.toBeInstanceOf(UnknownWorkflowError);
    });
  });

  describe('wait', () => {
    it('polls DescribeExecution at the interval until the execution ends', async () => {
      const ref = await engine.start('drain-worker', {}, { name: 'drain-w1' });
      onSleep = () => {
        if (sleeps.length === 3) sfn.finish(ref.executionArn, { status: 'SUCCEEDED', output: '{"reason":"Stopped"}' });
      };

      const result = await engine.wait(ref);

      expect(sleeps).toEqual([2500, 2500, 2500]);
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { reason: 'Stopped' }, startedAt: '2024-03-04T10:00:01.000Z' });
    });

    it('reports how a failed execution failed', async () => {
      const ref = await engine.start('drain-worker', {}, { name: 'drain-w1' });
      sfn.finish(ref.executionArn, { status: 'FAILED', error: 'AuthError', cause: '{"errorType":"AuthError"}' });

      expect(await engine.wait(ref)).toMatchObject({ status: 'FAILED', error: 'AuthError', cause: '{"errorType":"AuthError"}' });
    });
  });

  describe('history', () => {
    it('pages through GetExecutionHistory and names retries as the local engine does', async () => {
      sfn.pageSize = 3;
      const ref = await engine.start('retry', {}, { name: 'flaky-1' });
      sfn.executions.get(ref.executionArn)!.events.push(
        { timestamp: T(1), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'CallFlaky', input: '{}' } },
        { timestamp: T(1), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: FN, input: '{}' } },
        { timestamp: T(1), type: 'LambdaFunctionStarted' },
        { timestamp: T(1), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'ThrottledError', cause: '{"errorType":"ThrottledError"}' } },
        { timestamp: T(3), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: FN, input: '{}' } },
        { timestamp: T(3), type: 'LambdaFunctionStarted' },
        { timestamp: T(3), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{"ok":true,"calls":2}' } },
        { timestamp: T(3), type: 'TaskStateExited', stateExitedEventDetails: { name: 'CallFlaky', output: '{"ok":true,"calls":2}' } },
        { timestamp: T(3), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"ok":true,"calls":2}' } },
      );

      const history = await engine.history(ref);

      expect(sfn.calls.filter((c) => c.op === 'GetExecutionHistory')).toHaveLength(4);
      expect(history.find((h) => h.type === 'Retried')).toMatchObject({ state: 'CallFlaky', attempt: 1, at: '2024-03-04T10:00:03.000Z' });
      expect(history.map((h) => h.type)).toEqual(await localTypes('retry', { throttleTimes: 1 }));
    });

    it('names a catch as the local engine does', async () => {
      const ref = await engine.start('catch', {}, { name: 'caught-1' });
      const cause = '{"errorType":"AuthError","errorMessage":"401"}';
      sfn.executions.get(ref.executionArn)!.events.push(
        { timestamp: T(1), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'CallOpencast', input: '{}' } },
        { timestamp: T(1), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: FN } },
        { timestamp: T(1), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'AuthError', cause } },
        { timestamp: T(1), type: 'TaskStateExited', stateExitedEventDetails: { name: 'CallOpencast', output: '{}' } },
        { timestamp: T(1), type: 'PassStateEntered', stateEnteredEventDetails: { name: 'GaveUp', input: '{}' } },
        { timestamp: T(1), type: 'PassStateExited', stateExitedEventDetails: { name: 'GaveUp', output: '{"reason":"OpencastUnavailable"}' } },
        { timestamp: T(1), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"reason":"OpencastUnavailable"}' } },
      );

      const history = await engine.history(ref);

      expect(history.find((h) => h.type === 'Caught')).toMatchObject({ state: 'CallOpencast', error: 'AuthError', cause });
      expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', reason: 'OpencastUnavailable' });
      expect(history.map((h) => h.type)).toEqual(await localTypes('catch'));
    });
  });

  describe('list and stop', () => {
    it('lists newest first across pages with status and name filters', async () => {
      sfn.pageSize = 2;
      for (const name of ['drain-w1', 'drain-w2', 'drain-w3', 'boot-w4']) await engine.start('drain-worker', {}, { name });
      await engine.stop({ workflow: 'drain-worker', name: 'drain-w2', executionArn: `${DRAIN.replace(':stateMachine:', ':execution:')}:drain-w2` }, { error: 'Operator', cause: 'demand returned' });

      const running = await engine.list({ workflow: 'drain-worker', status: 'RUNNING', nameContains: 'drain' });
      const all = await engine.list();

      expect(running.map((r) => r.ref.name)).toEqual(['drain-w3', 'drain-w1']);
      expect(all).toHaveLength(4);
      expect(sfn.executions.get(`${DRAIN.replace(':stateMachine:', ':execution:')}:drain-w2`)).toMatchObject({ status: 'ABORTED', error: 'Operator' });
    });

    it('asks Step Functions for one small page when only the newest are wanted', async () => {
      for (const name of ['boot-w1', 'boot-w2', 'boot-w3']) await engine.start('drain-worker', {}, { name });
      sfn.calls.length = 0;

      const [newest, ...rest] = await engine.list({ workflow: 'drain-worker', maxResults: 1 });

      expect(newest?.ref.name).toBe('boot-w3');
      expect(rest).toEqual([]);
      expect(sfn.calls.filter((r) => r.op === 'ListExecutions').map((r) => r.body.maxResults)).toEqual([1]);
    });

    it('links an execution to its console page', async () => {
      const ref = await engine.start('drain-worker', {}, { name: 'drain-w1' });

      expect(engine.consoleUrl(ref)).toBe(
        `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ref.executionArn}`,
      );
    });
  });
});

/** Event types the local engine records for the same fixture, for parity. */
async function localTypes(workflow: string, fixture = {}): Promise<string[]> {
  const vt = VirtualTime.install({ start: '2024-03-04T10:00:00Z' });
  try {
    const local = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers(fixture).handlers, hooks: vt.hooks });
    const ref = await local.start(workflow, {}, { name: 'parity' });
    await vt.drive(local.wait(ref));
    return (await local.history(ref)).map((h) => h.type);
  } finally {
    vt.uninstall();
  }
}
