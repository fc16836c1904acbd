/**
 * AWS Step Functions at the wire level (awsJson1_0, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`; members, shapes and error codes from the SDK
 * model in @aws-sdk/client-sfn, https://docs.aws.amazon.com/step-functions/latest/apireference/):
 * StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory and
 * StopExecution, over executions that a LocalEngine really runs (the same ASL,
 * each Task invoking the function's Lambda handler: wiring/sim-deployment.ts).
 *
 * What AWS does and this keeps:
 * - StartExecution with the name and input of a RUNNING execution answers the
 *   original response (idempotent); any other reuse of a name is
 *   ExecutionAlreadyExists (API_StartExecution).
 * - Timestamps are epoch seconds on the JSON wire; errors are
 *   `{"__type","message"}` with the model's shape names (ExecutionDoesNotExist,
 *   StateMachineDoesNotExist, InvalidArn, InvalidName, InvalidExecutionInput, InvalidToken).
 * - ListExecutions lists 100 per page by default (at most 1,000), running
 *   executions by start and the others by stop, most recent first; it and
 *   DescribeExecution are eventually consistent, always (list-lag.ts: an
 *   execution is listed some seconds after it starts, its end shows some
 *   seconds after it happened; the `list-lag` fault stretches both).
 *   DescribeExecution finds a known ARN at once; GetExecutionHistory is not lagged.
 * - GetExecutionHistory gives the typed events (`TaskStateEntered`,
 *   `LambdaFunctionScheduled`/`Started`/`Succeeded`/`Failed`, `TaskSucceeded`
 *   for a service integration, `ExecutionSucceeded`, ...) with ids, and
 *   previousEventId chained per Map iteration (its events interleave with the
 *   other iterations'; localstack/localstack#9342 on AWS's chains); a retry
 *   shows as the function scheduled again.
 *
 * Not simulated: execution names other than `[A-Za-z0-9_-]` (AWS also allows
 * `.`, `+`, `=`, `@`, ...; the local engine stores executions by name), the
 * 90-day name reuse window, redrive, Express workflows, Map Runs.
 */
import { executionArn as executionArnOf, parseStateMachineArn } from '../../engine/arn';
import { walkStates } from '../../engine/definition';
import { ExecutionAlreadyExistsError, ExecutionNotFoundError, InvalidExecutionNameError } from '../../engine/errors';
import type { LocalEngine } from '../../engine/local-engine';
import type { ExecutionRecord } from '../../engine/store';
import type { ExecutionStatus, HistoryEvent, JsonValue } from '../../engine/types';
import { SimAwsError } from '../model/types';
import { type JsonObject, optionalNumber, optionalString, requiredString } from './json-input';
import type { JsonOperation } from './opsworks';
import { asDescribed, executionLag, listedAsAws, LISTING_MARGIN } from './list-lag';

const MAX_INPUT_BYTES = 256 * 1024;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export interface SimStepFunctionsOptions {
  engine: LocalEngine;
  /** Workflow name → its state machine ARN (as the stack names them). */
  arns: Readonly<Record<string, string>>;
  /** Workflow name → its definition, to type the history events by state. */
  definitions: Readonly<Record<string, JsonValue>>;
}

type AsyncJsonOperation = (...args: Parameters<JsonOperation>) => ReturnType<JsonOperation> | Promise<ReturnType<JsonOperation>>;

export function stepFunctionsOperations(options: SimStepFunctionsOptions): Readonly<Record<string, AsyncJsonOperation>> {
  const { engine } = options;
  const workflowByArn = new Map(Object.entries(options.arns).map(([workflow, arn]) => [arn, workflow]));
  const stateTypes = Object.fromEntries(Object.entries(options.definitions).map(([w, d]) => [w, statesOf(d)]));

  const machine = (input: JsonObject): { arn: string; workflow: string } => {
    const arn = requiredString(input, 'stateMachineArn');
    if (!parseStateMachineArn(arn)) throw new SimAwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const workflow = workflowByArn.get(arn);
    if (!workflow) throw new SimAwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return { arn, workflow };
  };
  const execution = (input: JsonObject): ExecutionRecord => {
    const arn = requiredString(input, 'executionArn');
    const m = /^(arn:[^:]+:states:[^:]+:\d+:)execution:([^:]+):([^:]+)$/.exec(arn);
    if (!m) throw new SimAwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: execution'`);
    const workflow = workflowByArn.get(`${m[1]}stateMachine:${m[2]}`);
    const record = workflow === undefined ? undefined : engine.store.get(workflow, m[3]!);
    if (!record) throw new SimAwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  };

  return {
    async StartExecution(_state, input) {
      const { arn, workflow } = machine(input);
      const name = requiredString(input, 'name');
      const text = optionalString(input, 'input') ?? '{}';
      if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new SimAwsError('InvalidExecutionInput', 'Input exceeds the maximum size of 262144 bytes');
      let value: JsonValue;
      try {
        value = JSON.parse(text) as JsonValue;
      } catch {
        throw new SimAwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: Unexpected character');
      }
      const existing = engine.store.get(workflow, name);
      if (existing?.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(value)) {
        return { executionArn: existing.executionArn, startDate: seconds(existing.startedAt) };
      }
      try {
        const ref = await engine.start(workflow, value, { name });
        const record = engine.store.get(workflow, name)!;
        return { executionArn: ref.executionArn, startDate: seconds(record.startedAt) };
      } catch (error) {
        if (error instanceof ExecutionAlreadyExistsError) throw new SimAwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArnOf(arn, name)}'`);
        if (error instanceof InvalidExecutionNameError) throw new SimAwsError('InvalidName', `Invalid Name: '${name}'`);
        throw error;
      }
    },

    DescribeExecution(state, input) {
      const r = asDescribed(execution(input), requiredString(input, 'executionArn'), state.now(), executionLag(state));
      return {
        executionArn: r.executionArn,
        stateMachineArn: options.arns[r.workflow],
        name: r.name,
        status: r.status,
        startDate: seconds(r.startedAt),
        ...(r.stoppedAt && r.status !== 'RUNNING' ? { stopDate: seconds(r.stoppedAt) } : {}),
        input: JSON.stringify(r.input),
        inputDetails: { included: true },
        ...(r.status === 'SUCCEEDED' ? { output: JSON.stringify(r.output ?? null), outputDetails: { included: true } } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.cause !== undefined ? { cause: r.cause } : {}),
      };
    },

    ListExecutions(state, input) {
      const { arn, workflow } = machine(input);
      const statusFilter = optionalString(input, 'statusFilter');
      if (statusFilter !== undefined && !(STATUSES as readonly string[]).includes(statusFilter) && statusFilter !== 'PENDING_REDRIVE') {
        throw new SimAwsError('ValidationException', `1 validation error detected: Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint`);
      }
      const size = pageSize(input);
      const from = offsetOf(input);
      // The newest records of any status (one that just ended may still list as RUNNING, one that just began not
      // at all), beyond this page by a margin, and every running one (listed by start, however old).
      const candidates = [...engine.store.list({ workflow, newest: from + size + 1 + LISTING_MARGIN }), ...engine.store.list({ workflow, status: 'RUNNING' })];
      const shown = listedAsAws(candidates, (r) => r.executionArn, statusFilter as ExecutionStatus | undefined, state.now(), executionLag(state));
      const page = shown.slice(from, from + size);
      return {
        executions: page.map((r) => ({
          executionArn: r.executionArn,
          stateMachineArn: arn,
          name: r.name,
          status: r.status,
          startDate: seconds(r.startedAt),
          ...(r.stoppedAt && r.status !== 'RUNNING' ? { stopDate: seconds(r.stoppedAt) } : {}),
        })),
        ...(shown.length > from + size ? { nextToken: tokenOf(from + size) } : {}),
      };
    },

    GetExecutionHistory(_state, input) {
      const r = execution(input);
      const events = toAwsEvents(engine.store.history(r.workflow, r.name), stateTypes[r.workflow] ?? {}, r);
      const ordered = input.reverseOrder === true ? [...events].reverse() : events;
      const size = pageSize(input);
      const from = offsetOf(input);
      return {
        events: ordered.slice(from, from + size),
        ...(ordered.length > from + size ? { nextToken: tokenOf(from + size) } : {}),
      };
    },

    async StopExecution(_state, input) {
      const r = execution(input);
      if (r.status === 'RUNNING') {
        const error = optionalString(input, 'error');
        const cause = optionalString(input, 'cause');
        try {
          await engine.stop({ workflow: r.workflow, name: r.name, executionArn: r.executionArn }, { ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
        } catch (e) {
          if (e instanceof ExecutionNotFoundError) throw new SimAwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${r.executionArn}'`);
          throw e;
        }
      }
      const after = engine.store.get(r.workflow, r.name) ?? r;
      return { stopDate: seconds(after.stoppedAt ?? new Date().toISOString()) };
    },
  };
}

function pageSize(input: JsonObject): number {
  const max = optionalNumber(input, 'maxResults') ?? 0;
  if (max < 0 || max > 1000 || !Number.isInteger(max)) {
    throw new SimAwsError('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  return max === 0 ? 100 : max;
}

/** Page tokens: opaque to the client, an offset here. */
function offsetOf(input: JsonObject): number {
  const token = optionalString(input, 'nextToken');
  if (token === undefined) return 0;
  const m = /^sim-page-(\d+)$/.exec(token);
  if (!m) throw new SimAwsError('InvalidToken', 'Invalid Token: the token is not valid');
  return Number(m[1]);
}

function tokenOf(offset: number): string {
  return `sim-page-${offset}`;
}

function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

interface StateInfo {
  type: string;
  /** A Task calling a Lambda function (its Resource is a function ARN), not a service integration. */
  lambda: boolean;
}

function statesOf(definition: JsonValue): Record<string, StateInfo> {
  const out: Record<string, StateInfo> = {};
  walkStates(definition, ({ name, state }) => {
    out[name] = { type: state.Type, lambda: state.Type === 'Task' && /:lambda:[^:]*:\d*:function:/.test(String(state.Resource)) };
  });
  return out;
}

/** The local engine's history in Step Functions' own event types, ids and details. */
function toAwsEvents(history: readonly HistoryEvent[], states: Readonly<Record<string, StateInfo>>, record: ExecutionRecord): JsonObject[] {
  const out: JsonObject[] = [];
  // Each Map iteration chains its own events by previousEventId (the main flow is one more chain).
  const lastOfChain = new Map<number | 'main', number>();
  let chain: number | 'main' = 'main';
  const push = (type: string, at: string, details: JsonObject = {}) => {
    const id = out.length + 1;
    out.push({ timestamp: seconds(at), type, id, previousEventId: lastOfChain.get(chain) ?? lastOfChain.get('main') ?? 0, ...details });
    lastOfChain.set(chain, id);
  };
  const json = (v: JsonValue | undefined) => JSON.stringify(v ?? null);
  const scheduled = (state: string, at: string, input: JsonValue | undefined) => {
    push('LambdaFunctionScheduled', at, { lambdaFunctionScheduledEventDetails: { resource: state, input: json(input), inputDetails: { truncated: false } } });
    push('LambdaFunctionStarted', at);
  };
  const lastInput = new Map<string, JsonValue | undefined>();
  for (const e of history) {
    chain = e.index ?? 'main';
    const info = e.state === undefined ? undefined : states[e.state];
    const errorDetails = { ...(e.error !== undefined ? { error: e.error } : {}), ...(e.cause !== undefined ? { cause: e.cause } : {}) };
    switch (e.type) {
      case 'ExecutionStarted':
        push('ExecutionStarted', e.at, { executionStartedEventDetails: { input: json(e.input), inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::123456789012:role/moscaler-sim' } });
        break;
      case 'StateEntered':
        push(`${info?.type ?? 'Pass'}StateEntered`, e.at, { stateEnteredEventDetails: { name: e.state!, input: json(e.input), inputDetails: { truncated: false } } });
        lastInput.set(e.state!, e.input);
        if (info?.lambda) scheduled(e.state!, e.at, e.input);
        else if (info?.type === 'Task') push('TaskScheduled', e.at, { taskScheduledEventDetails: { resourceType: 'states', resource: 'startExecution', region: regionOf(record), parameters: json(e.input) } });
        break;
      case 'StateExited':
        push(`${info?.type ?? 'Pass'}StateExited`, e.at, { stateExitedEventDetails: { name: e.state!, output: json(e.output), outputDetails: { truncated: false } } });
        break;
      case 'TaskSucceeded':
        if (info?.lambda) push('LambdaFunctionSucceeded', e.at, { lambdaFunctionSucceededEventDetails: { output: json(e.output), outputDetails: { truncated: false } } });
        else push('TaskSucceeded', e.at, { taskSucceededEventDetails: { resourceType: 'states', resource: 'startExecution', output: json(e.output), outputDetails: { truncated: false } } });
        break;
      case 'StateFailed':
        if (info?.type !== 'Task') break;
        if (info.lambda && e.error === 'States.Timeout') push('LambdaFunctionTimedOut', e.at, { lambdaFunctionTimedOutEventDetails: errorDetails });
        else if (info.lambda) push('LambdaFunctionFailed', e.at, { lambdaFunctionFailedEventDetails: errorDetails });
        else push('TaskFailed', e.at, { taskFailedEventDetails: { resourceType: 'states', resource: 'startExecution', ...errorDetails } });
        break;
      case 'Retried':
        if (info?.lambda) scheduled(e.state!, e.at, lastInput.get(e.state!));
        else push('TaskScheduled', e.at, { taskScheduledEventDetails: { resourceType: 'states', resource: 'startExecution', region: regionOf(record), parameters: json(lastInput.get(e.state!)) } });
        break;
      case 'Caught':
        // Step Functions shows a catch as the failed state exiting; the local engine's StateExited follows.
        break;
      case 'ExecutionSucceeded':
        push('ExecutionSucceeded', e.at, { executionSucceededEventDetails: { output: json(e.output), outputDetails: { truncated: false } } });
        break;
      case 'ExecutionFailed':
        push('ExecutionFailed', e.at, { executionFailedEventDetails: errorDetails });
        break;
      case 'ExecutionAborted':
        push('ExecutionAborted', e.at, { executionAbortedEventDetails: errorDetails });
        break;
      case 'ExecutionTimedOut':
        push('ExecutionTimedOut', e.at, { executionTimedOutEventDetails: errorDetails });
        break;
    }
  }
  return out;
}

function regionOf(record: ExecutionRecord): string {
  return record.executionArn.split(':')[3] ?? '';
}
