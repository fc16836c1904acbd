/**
 * aws-local-stepfunctions event logs → HistoryEvent. Map iteration and
 * Parallel branch bookkeeping events are dropped: the nested states' own
 * events (with `index` for Map items) already tell the story.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { reasonOf, type HistoryEvent, type JsonValue } from './types';
import { isoAt } from './time';

/** The library does not export its event type; take it from `run()`. */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export class LibraryEventMapper {
  /** Last failure per state, so a Caught event can say what it caught. */
  private readonly failures = new Map<string, HistoryEvent>();

  constructor(
    private readonly workflow: string,
    private readonly execution: string,
  ) {}

  map(event: LibraryEvent): HistoryEvent | undefined {
    // Built field by field rather than by spreading: this runs for every event
    // of every execution, and spreads showed up in profiles of long simulations.
    const out: HistoryEvent = { execution: this.execution, workflow: this.workflow, type: 'ExecutionStarted', at: isoAt(event.timestamp) };
    switch (event.type) {
      case 'ExecutionStarted':
        out.input = event.input;
        return out;
      case 'StateEntered':
        out.type = 'StateEntered';
        out.state = event.state.name;
        out.input = event.state.input;
        return withIndex(out, event);
      case 'StateExited':
        out.type = 'StateExited';
        out.state = event.state.name;
        out.output = event.state.output ?? null;
        return withIndex(withReason(out), event);
      case 'StateFailed':
        out.type = 'StateFailed';
        out.state = event.state.name;
        setError(out, event.Error, event.Cause);
        this.failures.set(event.state.name, out);
        return withIndex(out, event);
      case 'StateRetried':
        out.type = 'Retried';
        out.state = event.state.name;
        out.attempt = event.retry.attempt;
        return withIndex(out, event);
      case 'StateCaught': {
        out.type = 'Caught';
        out.state = event.state.name;
        const failure = this.failures.get(event.state.name);
        if (failure) setError(out, failure.error, failure.cause);
        return withIndex(out, event);
      }
      case 'ExecutionSucceeded':
        out.type = 'ExecutionSucceeded';
        out.output = event.output;
        return withReason(out);
      case 'ExecutionFailed':
        out.type = 'ExecutionFailed';
        setError(out, event.Error, event.Cause);
        return out;
      case 'ExecutionAborted':
        out.type = 'ExecutionAborted';
        return out;
      case 'ExecutionTimeout':
        out.type = 'ExecutionTimedOut';
        out.error = 'States.Timeout';
        return out;
      default:
        return undefined;
    }
  }
}

function withIndex(out: HistoryEvent, event: LibraryEvent): HistoryEvent {
  if ('index' in event && typeof event.index === 'number') out.index = event.index;
  return out;
}

function setError(out: HistoryEvent, error: string | undefined, cause: unknown): void {
  if (error !== undefined) out.error = error;
  const text = causeText(cause);
  if (text !== undefined) out.cause = text;
}

function withReason(event: HistoryEvent): HistoryEvent {
  const reason = reasonOf(event.output);
  if (reason !== undefined) event.reason = reason;
  return event;
}

/** The library passes an error's `cause` (any value) or its message; history keeps strings. */
function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null || cause === '') return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  try {
    return JSON.stringify(cause as JsonValue);
  } catch {
    return String(cause);
  }
}
