/**
 * The workflow engine port: run an Amazon States Language workflow locally or on
 * AWS Step Functions, wait for it and read its history, in one shape for both.
 */

type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A workflow is named after its definition file without `.asl.json`
 * (`autoscale`, `boot-worker`, `drain-worker`). On AWS its state machine is
 * `<prefix><workflow>` (see engine/arn.ts).
 */
export type WorkflowName = string;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
export type FinalStatus = Exclude<ExecutionStatus, 'RUNNING'>;

/** Identifies one execution. `executionArn` is real on AWS and ARN-shaped locally. */
export interface ExecutionRef {
  workflow: WorkflowName;
  name: string;
  executionArn: string;
}

export interface StartOptions {
  /**
   * Execution name, `[A-Za-z0-9_-]{1,80}`. Unique per workflow: a start while an
   * execution of that name runs throws ExecutionAlreadyRunningError; a start of
   * a name already used by a finished execution throws ExecutionAlreadyExistsError
   * (as AWS does for 90 days), unless the local engine allows reuse.
   */
  name: string;
}

export interface ExecutionResult {
  ref: ExecutionRef;
  status: FinalStatus;
  startedAt: string;
  stoppedAt: string;
  output?: JsonValue;
  error?: string;
  cause?: string;
}

export interface ExecutionSummary {
  ref: ExecutionRef;
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
  /** The execution whose startExecution task started this one, if any. */
  parentExecutionArn?: string;
}

export interface ListFilter {
  status?: ExecutionStatus;
  workflow?: WorkflowName;
  nameContains?: string;
  /** Newest first, at most this many (ListExecutions' maxResults): "the last boot" without reading every boot ever run. */
  maxResults?: number;
}

export type HistoryFilter = ListFilter;

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'StateEntered'
  | 'StateExited'
  /** An activity (Lambda handler) returned; `output` is its raw result, before ResultPath. */
  | 'TaskSucceeded'
  /** A state failed (an activity threw, timed out, or a Fail state ran); Retry or Catch may follow. */
  | 'StateFailed'
  | 'Retried'
  | 'Caught'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut';

export interface HistoryEvent {
  /** Execution name. */
  execution: string;
  workflow: WorkflowName;
  type: HistoryEventType;
  state?: string;
  /** ISO-8601; virtual time when the local engine runs on a virtual clock. */
  at: string;
  input?: JsonValue;
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** Copied from the output's top-level `reason` field when it is a string. */
  reason?: string;
  /** Retried: which retry this is (1 = first retry). */
  attempt?: number;
  /** Map iteration index for events inside a Map state. */
  index?: number;
}

export interface WorkflowEngine {
  readonly kind: 'local' | 'aws';
  start(workflow: WorkflowName, input: JsonValue, options: StartOptions): Promise<ExecutionRef>;
  wait(ref: ExecutionRef): Promise<ExecutionResult>;
  /** Events of one execution in order, or of every execution matching the filter ordered by time. */
  history(target: ExecutionRef | HistoryFilter): Promise<HistoryEvent[]>;
  /** Newest first. */
  list(filter?: ListFilter): Promise<ExecutionSummary[]>;
  /** The input an execution was started with (DescribeExecution's `input`). */
  input(ref: ExecutionRef): Promise<JsonValue>;
  /** The output of a SUCCEEDED execution (DescribeExecution's `output`); undefined while it runs or when it failed. */
  output(ref: ExecutionRef): Promise<JsonValue | undefined>;
  stop(ref: ExecutionRef, details?: { error?: string; cause?: string }): Promise<void>;
  /** Local engine only: forget executions closed more than `retainMs` ago. Step Functions expires them itself (90 days). */
  expireClosed?(retainMs: number): Promise<number>;
}

export function isExecutionRef(value: ExecutionRef | HistoryFilter): value is ExecutionRef {
  return typeof (value as ExecutionRef).executionArn === 'string' && typeof (value as ExecutionRef).name === 'string';
}

/**
 * `reason` of an output: a string `reason`, or the `message` of a reason object
 * (`{code, message}`, as the worker activities return it).
 */
export function reasonOf(output: JsonValue | undefined): string | undefined {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return undefined;
  const reason = output.reason;
  if (typeof reason === 'string') return reason;
  if (reason !== null && typeof reason === 'object' && !Array.isArray(reason) && typeof reason.message === 'string') {
    return typeof reason.code === 'string' ? `${reason.code}: ${reason.message}` : reason.message;
  }
  return undefined;
}
