/**
 * The simulated Step Functions through the real SFN client (awsJson1_0,
 * X-Amz-Target AWSStepFunctions.*): StartExecution's idempotency and
 * conflicts, DescribeExecution, ListExecutions (newest first, paged, lagging
 * under `list-lag`), GetExecutionHistory read back by the AWS engine as the
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
import { LIST_LAG_MS } from '../../sim/aws/list-lag';
import { stepFunctionsOperations } from '../../sim/aws/step-functions';
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

function setup(faults: Array<{ at: string; kind: 'list-lag'; forMinutes: number }> = [], options: { drainedOnPoll?: number; throttleTimes?: number } = {}) {
  const vt = VirtualTime.install({ start: START });
  const cluster = createSimCluster(parseScenario({ cluster: 'c', start: START, others: [{ hostname: 'admin1', layer: 'admin' }], faults }), fromFakeTimers(vt.clock));
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
    const running = await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running).toMatchObject({ status: 'RUNNING', name: 'p1', stateMachineArn: arn('poll'), input: '{"polls":0}' });
    expect(running.stopDate).toBeUndefined();
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
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
    await sim.vt.run({ deadline: Date.parse(START) + 10_000 });
    const page1 = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), maxResults: 2 }));
    expect(page1.executions?.map((e) => e.name)).toEqual(['d', 'c']);
    const page2 = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.executions?.map((e) => e.name)).toEqual(['b', 'a']);
    expect(page2.nextToken).toBeUndefined();
    const running = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => [e.name, e.status])).toEqual([['d', 'RUNNING']]);
  });

  it(`lags ${LIST_LAG_MS / 1000} s behind under list-lag: a new execution is missing, a finished one still RUNNING; DescribeExecution does not lag`, async () => {
    const sim = setup([{ at: '+0m', kind: 'list-lag', forMinutes: 60 }], { drainedOnPoll: 1 });
    const started = await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'fresh' }));
    const listed = async (statusFilter?: 'RUNNING' | 'SUCCEEDED') =>
      (await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll'), ...(statusFilter ? { statusFilter } : {}) }))).executions?.map((e) => `${e.name}:${e.status}`);
    expect(await listed()).toEqual([]);
    expect((await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status).toBe('RUNNING');
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
    expect((await sim.client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status).toBe('SUCCEEDED');
    expect(await listed()).toEqual([]);
    await sim.vt.run({ deadline: Date.parse(START) + LIST_LAG_MS });
    expect(await listed('RUNNING')).toEqual([]);
    expect(await listed('SUCCEEDED')).toEqual(['fresh:SUCCEEDED']);
  });

  it('shows a finished execution RUNNING for a moment under list-lag', async () => {
    const sim = setup([{ at: '+0m', kind: 'list-lag', forMinutes: 60 }], { drainedOnPoll: 2 });
    await sim.client.send(new StartExecutionCommand({ stateMachineArn: arn('poll'), name: 'slow' }));
    await sim.vt.run({ until: () => sim.service.activeCount === 0 });
    // It ended 60 s after it started (one Wait): listed for 55 s, and still RUNNING there until 5 s after its end.
    const list = await sim.client.send(new ListExecutionsCommand({ stateMachineArn: arn('poll') }));
    expect(list.executions?.map((e) => [e.name, e.status, e.stopDate])).toEqual([['slow', 'RUNNING', undefined]]);
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
    expect(await sim.engine.wait(ref)).toMatchObject({ status: 'ABORTED', error: 'Killed', cause: 'test' });
  });
});
