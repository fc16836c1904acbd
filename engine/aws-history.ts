/**
 * Step Functions GetExecutionHistory events → HistoryEvent, the shape the local
 * engine records. AWS has no Retried or Caught events: a retry shows as the
 * task being scheduled again in the state that just failed, and a catch as
 * the failed state exiting; both are named here so histories read the same.
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
  let failed: { state: string; error?: string; cause?: string } | undefined;
  const retries = new Map<string, number>();

  for (const e of events) {
    const type = e.type ?? '';
    const base = { execution, workflow, at: (e.timestamp ?? new Date(0)).toISOString() };
    const state = current === undefined ? {} : { state: current };

    if (type === 'ExecutionStarted') {
      out.push({ ...base, type: 'ExecutionStarted', input: parse(e.executionStartedEventDetails?.input) });
    } else if (type.endsWith('StateEntered') && e.stateEnteredEventDetails?.name) {
      current = e.stateEnteredEventDetails.name;
      retries.set(current, 0);
      out.push({ ...base, type: 'StateEntered', state: current, input: parse(e.stateEnteredEventDetails.input) });
    } else if (type.endsWith('StateExited') && e.stateExitedEventDetails?.name) {
      const name = e.stateExitedEventDetails.name;
      if (failed?.state === name) {
        out.push({ ...base, ...failed, type: 'Caught' });
        failed = undefined;
      }
      out.push(withReason({ ...base, type: 'StateExited', state: name, output: parse(e.stateExitedEventDetails.output) }));
    } else if (SCHEDULED.has(type)) {
      if (failed && failed.state === current) {
        const attempt = (retries.get(current) ?? 0) + 1;
        retries.set(current, attempt);
        out.push({ ...base, type: 'Retried', state: current, attempt });
        failed = undefined;
      }
    } else if (SUCCEEDED.has(type)) {
      const output = e.lambdaFunctionSucceededEventDetails?.output ?? e.taskSucceededEventDetails?.output ?? e.activitySucceededEventDetails?.output;
      out.push(withReason({ ...base, ...state, type: 'TaskSucceeded', output: parse(output) }));
    } else if (FAILED.has(type)) {
      const details = errorDetails(e);
      if (current !== undefined) failed = { state: current, ...details };
      out.push({ ...base, ...state, type: 'StateFailed', ...details });
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
