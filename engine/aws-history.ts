/**
 * Step Functions GetExecutionHistory events → HistoryEvent, the shape the local
 * engine records. AWS has no Retried or Caught events: a retry shows as the
 * task being scheduled again in the state that just failed, and a catch as
 * the failed state exiting; both are named here so histories read the same.
 * Events of parallel Map iterations interleave; each iteration chains its own
 * by previousEventId, which is how a task event finds its state (as LocalStack
 * and Floci reproduce AWS: localstack/localstack#9342, floci-io/floci#3167).
 */
import type { HistoryEvent as SfnEvent } from '@aws-sdk/client-sfn';
import { reasonOf, type HistoryEvent, type JsonValue } from './types';

const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled', 'ActivityScheduled']);
const SUCCEEDED = new Set(['LambdaFunctionSucceeded', 'TaskSucceeded', 'ActivitySucceeded']);
const FAILED = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionTimedOut',
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'TaskTimedOut',
  'ActivityFailed',
  'ActivityScheduleFailed',
  'ActivityTimedOut',
]);

export function fromAwsHistory(events: readonly SfnEvent[], workflow: string, execution: string): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  let current: string | undefined;
  /** The last failure of each state, until it is retried or caught. */
  const failed = new Map<string, { state: string; error?: string; cause?: string }>();
  const retries = new Map<string, number>();
  const byId = new Map<number, SfnEvent>();
  for (const e of events) if (typeof e.id === 'number') byId.set(e.id, e);
  // Each Map iteration and Parallel branch chains its events by previousEventId (its own chain, interleaved with
  // the others in id order): a task event belongs to the state whose *StateEntered its chain leads back to.
  const stateOf = (e: SfnEvent): string | undefined => {
    let at: SfnEvent | undefined = e;
    for (let hops = 0; at && hops < 16; hops++) {
      if (at !== e && at.type?.endsWith('StateEntered') && at.stateEnteredEventDetails?.name) return at.stateEnteredEventDetails.name;
      at = typeof at.previousEventId === 'number' ? byId.get(at.previousEventId) : undefined;
    }
    return current;
  };

  for (const e of events) {
    const type = e.type ?? '';
    const base = { execution, workflow, at: (e.timestamp ?? new Date(0)).toISOString() };

    if (type === 'ExecutionStarted') {
      out.push({ ...base, type: 'ExecutionStarted', input: parse(e.executionStartedEventDetails?.input) });
    } else if (type.endsWith('StateEntered') && e.stateEnteredEventDetails?.name) {
      current = e.stateEnteredEventDetails.name;
      retries.set(current, 0);
      out.push({ ...base, type: 'StateEntered', state: current, input: parse(e.stateEnteredEventDetails.input) });
    } else if (type.endsWith('StateExited') && e.stateExitedEventDetails?.name) {
      const name = e.stateExitedEventDetails.name;
      const failure = failed.get(name);
      if (failure) {
        out.push({ ...base, ...failure, type: 'Caught' });
        failed.delete(name);
      }
      out.push(withReason({ ...base, type: 'StateExited', state: name, output: parse(e.stateExitedEventDetails.output) }));
    } else if (SCHEDULED.has(type)) {
      const name = stateOf(e);
      if (name !== undefined && failed.has(name)) {
        const attempt = (retries.get(name) ?? 0) + 1;
        retries.set(name, attempt);
        out.push({ ...base, type: 'Retried', state: name, attempt });
        failed.delete(name);
      }
    } else if (SUCCEEDED.has(type)) {
      const name = stateOf(e);
      const output = e.lambdaFunctionSucceededEventDetails?.output ?? e.taskSucceededEventDetails?.output ?? e.activitySucceededEventDetails?.output;
      out.push(withReason({ ...base, ...(name === undefined ? {} : { state: name }), type: 'TaskSucceeded', output: parse(output) }));
    } else if (FAILED.has(type)) {
      const name = stateOf(e);
      const details = errorDetails(e);
      if (name !== undefined) failed.set(name, { state: name, ...details });
      out.push({ ...base, ...(name === undefined ? {} : { state: name }), type: 'StateFailed', ...details });
    } else if (type === 'ExecutionSucceeded') {
      out.push(withReason({ ...base, type: 'ExecutionSucceeded', output: parse(e.executionSucceededEventDetails?.output) }));
    } else if (type === 'ExecutionFailed') {
      out.push({ ...base, type: 'ExecutionFailed', ...clean(e.executionFailedEventDetails) });
    } else if (type === 'ExecutionAborted') {
      out.push({ ...base, type: 'ExecutionAborted', ...clean(e.executionAbortedEventDetails) });
    } else if (type === 'ExecutionTimedOut') {
      out.push({ ...base, type: 'ExecutionTimedOut', error: 'States.Timeout', ...clean(e.executionTimedOutEventDetails) });
    }
  }
  return out;
}

/** Execution data arrives as JSON text; keep it as text if it is not JSON (AWS truncates very large data). */
export function parse(text: string | undefined): JsonValue {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function withReason(event: HistoryEvent): HistoryEvent {
  const reason = reasonOf(event.output);
  return reason === undefined ? event : { ...event, reason };
}

function errorDetails(e: SfnEvent): { error?: string; cause?: string } {
  return clean(
    e.lambdaFunctionFailedEventDetails ??
      e.lambdaFunctionScheduleFailedEventDetails ??
      e.lambdaFunctionStartFailedEventDetails ??
      e.lambdaFunctionTimedOutEventDetails ??
      e.taskFailedEventDetails ??
      e.taskStartFailedEventDetails ??
      e.taskSubmitFailedEventDetails ??
      e.taskTimedOutEventDetails ??
      e.activityFailedEventDetails ??
      e.activityScheduleFailedEventDetails ??
      e.activityTimedOutEventDetails,
  );
}

function clean(details: { error?: string | undefined; cause?: string | undefined } | undefined): { error?: string; cause?: string } {
  return {
    ...(details?.error !== undefined ? { error: details.error } : {}),
    ...(details?.cause !== undefined ? { cause: details.cause } : {}),
  };
}
