/**
 * The simulated Step Functions through the real SFN client (awsJson1_0,
 * X-Amz-Target AWSStepFunctions.*): StartExecution's idempotency and
 * conflicts, DescribeExecution, ListExecutions (running ones by start, the
 * others by stop, paged), both lagging always and more under `list-lag`, GetExecutionHistory read back by the AWS engine as the
 * local engine records it, StopExecution, and the model's error shapes.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { stateMachineArn, type ArnScope } from '../../engine/arn';
import { readDefinitionFile, substitute } from '../../engine/definition';
import { AwsEngine } from '../../engine/aws-engine';
import { LocalEngine } from '../../engine/local-engine';
import type { HistoryEvent, JsonValue } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import { createAwsRouter } from '../../sim/aws/router';
import { SIM_ACCOUNT_ID } from '../../sim/aws/opsworks';
import { FAULT_STRETCH_MS, type LagRange } from '../../sim/model/consistency';
import { stepFunctionsOperations } from '../../sim/aws/step-functions';
import { executionLag } from '../../sim/aws/list-lag';
import { fromFakeTimers } from '../../sim/model/clock';
import { createSimCluster } from '../../sim/model/create';
import { parseScenario } from '../../sim/model/scenario';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { fixtureHandlers, fixtureWorkflows } from '../fixtures/engine-handlers';

const START = '2025-10-13T10:00:00Z';
const SCOPE: ArnScope = { partition: 'aws', region: SIM_REGION, account: SIM_ACCOUNT_ID };
const PREFIX = 'moscaler-';
const WORKFLOWS = ['poll', 'retry', 'catch'];
const arn = (w: string) => stateMachineArn(SCOPE, `${PREFIX}${w}`);

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

/** The default lags are seeded draws of 1-5 s: past this, every change has shown. */
const SETTLED_MS = 5_000;

function setup(
  faults: Array<{ at: string; kind: 'list-lag'; forMinutes: number }> = [],
  options: { drainedOnPoll?: number; throttleTimes?: number; lag?: LagRange } = {},
) {
  const vt = VirtualTime.install({ start: START });
  const consistency = options.lag ? { consistency: { stepFunctions: options.lag } } : {};
  const cluster = createSimCluster(parseScenario({ cluster: 'c', start: START, others: [{ hostname: 'admin1', layer: 'admin' }], faults, ...consistency }), fromFakeTimers(vt.clock));
  const files = fixtureWorkflows();
  const definitions: Record<string, JsonValue> = Object.fromEntries(
    WORKFLOWS.map((w) => [w, substitute(w, readDefinitionFile(files[w]!), { CheckDrainedFunctionArn: `arn:aws:lambda:${SIM_REGION}:${SIM_ACCOUNT_ID}:function:${PREFIX}check-drained` })]),
  );
  const { handlers } = fixtureHandlers({ drainedOnPoll: options.drainedOnPoll ?? 3, throttleTimes: options.throttleTimes ?? 0 });
  const service = new LocalEngine({ workflows: definitions, handlers, resourcePrefix: PREFIX, scope: SCOPE, hooks: vt.hooks });
  const arns = Object.fromEntries(WORKFLOWS.map((w) => [w, arn(w)]));
  const router = createAwsRouter(cluster, { services: { stepfunctions: stepFunctionsOperations({ engine: service, arns, definitions }) } });
  const client = new SFNClient({ region: SIM_REGION, credentials: { ...SIM_CREDENTIALS }, requestHandler: createSdkRequestHandler(router), maxAttempts: 1 });
  const engine = new AwsEngine({ client, stateMachines: { arns }, pollIntervalMs: 1000 });
  cleanup = () => {
    client.destroy();
    vt.uninstall();
  };
  return { vt, client, engine, service };
}

describe('simulated Step Functions', () => {
  it('starts an execution, describes it running and then succeeded with its output, as the SDK parses them', async () => {
    const sim = setup();
    const started = await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'p1', input: '{"polls":0}' }));
    expect(started.executionArn).toBe(`arn:aws:states:${SIM_REGION}:${SIM_ACCOUNT_ID}:execution:${PREFIX}poll:p1`);
    expect(started.startDate?.toISOString()).toBe('2025-10-13T10:00:00.000Z');
    // A known ARN is found at once, however new.
    const running = await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running).toMatchObject({ status: 'RUNNING', name: 'p1', stateMachineArn: arn('poll'), input: '{"polls":0}' });
    expect(running.stopDate).toBeUndefined();
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
    await sim.vt.run({ deadline: Date.now() + SETTLED_MS });
    const done = await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ polls: 3, drained: true });
    expect(done.stopDate!.getTime() - done.startDate!.getTime()).toBe(2 * 60_000);
  });

  it('answers a repeated start of a running execution with the same input as the original; any other reuse is ExecutionAlreadyExists', async () => {
    const sim = setup();
    const first = await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'p1', input: '{}' }));
    const again = await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'p1', input: '{}' }));
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    await expect(sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'p1', input: '{"x":1}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
    await expect(sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'p1', input: '{}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it.each([
    ['an unknown state machine', () => new StartExecutionCommand({ stateMachineArn: arn('nope'), name: 'x' }), 'StateMachineDoesNotExist'],
    ['a malformed ARN', () => new StartExecutionCommand({ stateMachineArn: 'poll', name: 'x' }), 'InvalidArn'],
    ['a name with a space', () => new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'a b' }), 'InvalidName'],
    ['input that is not JSON', () => new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'x', input: '{' }), 'InvalidExecutionInput'],
    ['an unknown execution', () => new DescribeExecutionCommand({ executionArn: `arn:aws:states:${SIM_REGION}:${SIM_ACCOUNT_ID}:execution:${PREFIX}poll:nope` }), 'ExecutionDoesNotExist'],
    ['a page token it never gave', () => new ListExecutionsCommand({ stateMachineArn: arn('poll'), nextToken: 'forged' }), 'InvalidToken'],
  ])('refuses %s with %s', async (_case, command, error) => {
    const sim = setup();
    await expect(sim.client.send(command() as never)).rejects.toMatchObject({ name: error });
  });

  it('lists newest first, by status, a page at a time', async () => {
    const sim = setup([], { drainedOnPoll: 1 });
    for (const name of ['a', 'b', 'c']) {
      await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name }));
      await sim.vt.run({ deadline: Date.parse(START) + (name.charCodeAt(0) - 96) * 1000 });
    }
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'd', input: '{"polls":-100}' }));
    await sim.vt.run({ deadline: Date.parse(START) + 3_000 + SETTLED_MS });
    const page1 = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), maxResults: 2 }));
    expect(page1.executions?.map((e) => e.name)).toEqual(['d', 'c']);
    const page2 = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.executions?.map((e) => e.name)).toEqual(['b', 'a']);
    expect(page2.nextToken).toBeUndefined();
    const running = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => [e.name, e.status])).toEqual([['d', 'RUNNING']]);
  });

  it('orders as AWS does: running executions by start, the others by stop, most recent first (maxResults 1 gets the last to end)', async () => {
    const sim = setup([], { drainedOnPoll: 2 });
    // `long` begins first and ends last (4 one-minute polls), `short` begins 10 s later and ends after one.
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'long', input: '{"polls":-3}' }));
    await sim.vt.run({ deadline: Date.parse(START) + 10_000 });
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'short', input: '{"polls":0}' }));
    await sim.vt.run({ deadline: Date.parse(START) + 4.5 * 60_000 });
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'later', input: '{"polls":-100}' }));
    await sim.vt.run({ deadline: Date.parse(START) + 4.5 * 60_000 + SETTLED_MS });
    const list = async (input: { statusFilter?: 'SUCCEEDED'; maxResults?: number } = {}) =>
      (await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), ...input }))).executions?.map((e) => `${e.name}:${e.status}`);
    expect(await list()).toEqual(['later:RUNNING', 'long:SUCCEEDED', 'short:SUCCEEDED']);
    expect(await list({ statusFilter: 'SUCCEEDED', maxResults: 1 })).toEqual(['long:SUCCEEDED']);
    // The AWS engine reads the same page: its newest closed boot, say, is the one that ended last.
    expect((await sim.engine.list({ workflow: 'poll', status: 'SUCCEEDED', maxResults: 1 })).map((e) => e.ref.name)).toEqual(['long']);
  });

  it('lags always: a new execution is listed, and its end shown, only after its own seeded lag; DescribeExecution trails the end too', async () => {
    const sim = setup([], { drainedOnPoll: 2, lag: { minMs: 3_000, maxMs: 3_000 } });
    const started = await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'fresh' }));
    const listed = async () => (await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll') }))).executions?.map((e) => `${e.name}:${e.status}`);
    const described = async () => (await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status;
    await sim.vt.run({ deadline: Date.parse(START) + 2_999 });
    expect(await listed()).toEqual([]);
    await sim.vt.run({ deadline: Date.parse(START) + 3_000 });
    expect(await listed()).toEqual(['fresh:RUNNING']);
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
    // Ended 60 s after it began (one Wait): RUNNING to both reads for 3 s more.
    await sim.vt.run({ deadline: Date.parse(START) + 62_999 });
    expect(await listed()).toEqual(['fresh:RUNNING']);
    expect(await described()).toBe('RUNNING');
    await sim.vt.run({ deadline: Date.parse(START) + 63_000 });
    expect(await listed()).toEqual(['fresh:SUCCEEDED']);
    expect(await described()).toBe('SUCCEEDED');
  });

  it(`lags ${FAULT_STRETCH_MS / 1000} s longer under list-lag`, async () => {
    const sim = setup([{ at: '+0m', kind: 'list-lag', forMinutes: 60 }], { drainedOnPoll: 1, lag: { minMs: 1_000, maxMs: 1_000 } });
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'fresh' }));
    const listed = async (statusFilter?: 'RUNNING' | 'SUCCEEDED') =>
      (await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), ...(statusFilter ? { statusFilter } : {}) }))).executions?.map((e) => `${e.name}:${e.status}`);
    await sim.vt.run({ deadline: Date.parse(START) + 1_000 + FAULT_STRETCH_MS - 1 });
    expect(await listed()).toEqual([]);
    await sim.vt.run({ deadline: Date.parse(START) + 1_000 + FAULT_STRETCH_MS });
    expect(await listed('RUNNING')).toEqual([]);
    expect(await listed('SUCCEEDED')).toEqual(['fresh:SUCCEEDED']);
  });

  it('draws each lag from the seed: the same world lags the same way, another seed otherwise', () => {
    const lags = (seed: number) => {
      const lag = executionLag(createSimCluster(parseScenario({ cluster: 'c', start: START, seed })));
      return ['a', 'b', 'c', 'd'].map((n) => lag(`${arn('poll')}:${n}`, START, 'start'));
    };
    const once = lags(1);
    expect(lags(1)).toEqual(once);
    expect(lags(2)).not.toEqual(once);
    expect(once.every((ms) => ms >= 1_000 && ms <= 5_000)).toBe(true);
  });

  it.each([
    ['retry', { throttleTimes: 2 }],
    ['catch', {}],
    ['poll', {}],
  ])('gives the %s history in Step Functions events, which the AWS engine reads back as the local engine records it', async (workflow, options) => {
    const sim = setup([], options);
    const ref = await sim.engine.start(workflow, {}, { name: `${workflow}-h` });
    await sim.vt.drive(sim.engine.wait(ref));
    const raw = await sim.client.send(new GetExecutionHistoryCommand({ executionArn: ref.executionArn }));
    expect(raw.events?.[0]).toMatchObject({ type: 'ExecutionStarted', id: 1, previousEventId: 0 });
    expect(raw.events?.some((e) => e.type === 'LambdaFunctionScheduled')).toBe(true);
    const shape = (events: HistoryEvent[]) => events.map((e) => [e.type, e.state ?? '', e.error ?? '']);
    const local = sim.service.store.history(workflow, `${workflow}-h`);
    expect(shape(await sim.engine.history(ref))).toEqual(shape(local));
  });

  it('stops a running execution: ABORTED with the error and cause given', async () => {
    const sim = setup();
    const ref = await sim.engine.start('poll', {}, { name: 'to-stop' });
    await sim.vt.run({ deadline: Date.parse(START) + 30_000 });
    const stopped = await sim.client.send(new StopExecutionCommand({ executionArn: ref.executionArn, error: 'Killed', cause: 'test' }));
    expect(stopped.stopDate?.toISOString()).toBe('2025-10-13T10:00:30.000Z');
    // DescribeExecution shows the end after its lag: the engine polls until it does.
    expect(await sim.vt.drive(sim.engine.wait(ref))).toMatchObject({ status: 'ABORTED', error: 'Killed', cause: 'test' });
  });
});
