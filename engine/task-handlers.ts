/**
 * Task states → local functions. aws-local-stepfunctions takes Task overrides
 * keyed by state name (`taskResourceLocalHandlers`), so each definition's
 * Tasks are planned once from their Resource and bound per execution.
 *
 * Resources the engine runs (see engine/asl-lint.ts for the rules):
 * - a Lambda function ARN (`"Resource": "${ObserveFunctionArn}"`): the handler's
 *   result is the task result, as AWS does for this form;
 * - `arn:aws:states:::lambda:invoke` with `FunctionName` and `Payload`: the
 *   result is wrapped `{ExecutedVersion, Payload, StatusCode}` like AWS;
 * - `arn:aws:states:::states:startExecution` (fire-and-forget): the engine
 *   starts a child execution named by `Name` and returns `{ExecutionArn, StartDate}`.
 * Inputs and results go through JSON as on AWS (no shared objects, no Dates),
 * and a handler error reaches Retry/Catch under its `name`, with the Lambda-style
 * cause `{"errorType","errorMessage"}`, so the same ASL behaves the same.
 */
import { LAMBDA_INVOKE, lambdaFunctionName, START_EXECUTION } from './arn';
import { walkStates } from './definition';
import { WorkflowDefinitionError } from './errors';
import type { JsonObject, JsonValue } from './types';

/** What a Lambda-shaped activity handler receives besides its event. */
interface LocalLambdaContext {
  functionName: string;
  invokedFunctionArn: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: JsonValue, context: LocalLambdaContext) => Promise<JsonValue | void> | JsonValue | void;

/** Step Functions' own limit on a state's input or output. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

type Planned =
  | { kind: 'function'; state: string; timeoutSeconds: number; functionArn: string; handler: ResolvedHandler }
  | { kind: 'invoke'; state: string; timeoutSeconds: number }
  | { kind: 'start-execution'; state: string };

export interface ResolvedHandler {
  name: string;
  fn: LambdaHandler;
}

/** One call a Task makes on the state machine's behalf: what an execution role must allow. */
export interface TaskCall {
  workflow: string;
  state: string;
  /** The Task's Resource: a function ARN, or a service integration (`arn:aws:states:::…`). */
  resource: string;
  /** What the call acts on: the function (name or ARN, as the Task names it) or the child state machine's ARN. */
  target: string;
}

/** What the bound handlers need from the engine for one execution. */
export interface TaskRuntime {
  resolve(functionNameOrArn: string): ResolvedHandler | undefined;
  /** Before a Task's call, inside its tracked activity: throws a TaskError to fail the Task (a role that may not make it). */
  authorize(state: string, resource: string, target: string): Promise<void>;
  /** Run one handler call as a tracked activity. */
  invoke<T>(state: string, call: () => Promise<T>): Promise<T>;
  taskSucceeded(state: string, output: JsonValue): void;
  startChild(state: string, params: JsonObject): Promise<{ ExecutionArn: string; StartDate: number }>;
}

export type LocalHandlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

export class TaskPlan {
  private readonly tasks: Planned[] = [];

  /** Plans every Task (nested ones too); throws if one cannot run locally. */
  constructor(workflow: string, definition: JsonValue, resolve: (nameOrArn: string) => ResolvedHandler | undefined) {
    walkStates(definition, ({ name, state, path }) => {
      if (state.Type !== 'Task') return;
      const resource = String(state.Resource);
      const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : 60;
      if (resource === START_EXECUTION) {
        this.tasks.push({ kind: 'start-execution', state: name });
      } else if (resource === LAMBDA_INVOKE) {
        const fn = (state.Parameters as JsonObject | undefined)?.FunctionName;
        if (typeof fn === 'string' && !resolve(fn)) throw new WorkflowDefinitionError(workflow, `${path}: no local handler for function ${fn}`);
        this.tasks.push({ kind: 'invoke', state: name, timeoutSeconds });
      } else {
        const handler = resolve(resource);
        if (!handler) throw new WorkflowDefinitionError(workflow, `${path}: no local handler for ${resource}`);
        this.tasks.push({ kind: 'function', state: name, timeoutSeconds, functionArn: resource, handler });
      }
    });
  }

  /** The overrides for one execution. */
  bind(runtime: TaskRuntime): LocalHandlers {
    const handlers: LocalHandlers = {};
    for (const task of this.tasks) {
      switch (task.kind) {
        case 'function':
          handlers[task.state] = (input) => callHandler(runtime, task.state, task.handler, task.functionArn, task.timeoutSeconds, input, task.functionArn);
          break;
        case 'invoke':
          handlers[task.state] = async (input) => {
            const params = (input ?? {}) as JsonObject;
            const target = String(params.FunctionName);
            const handler = runtime.resolve(target);
            if (!handler) throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${target}`);
            const payload = await callHandler(runtime, task.state, handler, target, task.timeoutSeconds, params.Payload ?? null, LAMBDA_INVOKE);
            return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
          };
          break;
        case 'start-execution':
          handlers[task.state] = (input) => runtime.startChild(task.state, (input ?? {}) as JsonObject);
          break;
      }
    }
    return handlers;
  }
}

/** Resolve a handler by function name, full/partial ARN, or the name without `prefix`. */
export function handlerResolver(handlers: Readonly<Record<string, LambdaHandler>>, prefix = ''): (nameOrArn: string) => ResolvedHandler | undefined {
  return (nameOrArn) => {
    const name = lambdaFunctionName(nameOrArn);
    if (name === undefined) return undefined;
    const candidates = prefix && name.startsWith(prefix) ? [name, name.slice(prefix.length)] : [name];
    for (const key of candidates) {
      const fn = handlers[key];
      if (fn) return { name: key, fn };
    }
    return undefined;
  };
}

/** An error Retry/Catch match by `name` (the library compares `error.name`). */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

let requestCounter = 0;

async function callHandler(
  runtime: TaskRuntime,
  state: string,
  handler: ResolvedHandler,
  invokedArn: string,
  timeoutSeconds: number,
  input: JsonValue,
  resource: string,
): Promise<JsonValue> {
  return runtime.invoke(state, async () => {
    // Step Functions invokes with the execution role: a denial fails the Task, never reaching the function.
    await runtime.authorize(state, resource, invokedArn);
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context: LocalLambdaContext = {
      functionName: handler.name,
      invokedFunctionArn: invokedArn,
      awsRequestId: `local-${++requestCounter}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let result: JsonValue | void;
    try {
      result = await handler.fn(throughJson(input), context);
    } catch (error) {
      throw lambdaError(error);
    }
    const text = JSON.stringify(result ?? null);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new TaskError('States.DataLimitExceeded', `${handler.name} returned more than ${MAX_PAYLOAD_BYTES} bytes`);
    }
    const output = JSON.parse(text) as JsonValue;
    runtime.taskSucceeded(state, output);
    return output;
  });
}

/** As the Lambda runtime reports a thrown error: Error = its name, Cause = `{"errorType","errorMessage"}`. */
function lambdaError(error: unknown): TaskError {
  const errorType = error instanceof Error ? error.name || 'Error' : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new TaskError(errorType, JSON.stringify({ errorType, errorMessage }));
}

function throughJson(value: JsonValue): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}
