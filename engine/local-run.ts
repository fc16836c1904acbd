/**
 * One local execution from start to its final record: follows the library's
 * event log, writes each event to the store as it happens, and closes the
 * record with the outcome.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { LibraryEventMapper } from './local-history';
import { refOf, type ExecutionRecord, type ExecutionStore } from './store';
import type { LocalHandlers } from './task-handlers';
import { reasonOf, type ExecutionResult, type FinalStatus, type HistoryEvent, type HistoryEventType, type JsonValue } from './types';
import { nowIso } from './time';

const FINAL: Partial<Record<HistoryEventType, FinalStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

export interface LocalRunDeps {
  store: ExecutionStore;
  onEvent?: (event: HistoryEvent) => void;
  onFinished: (run: LocalRun) => void;
}

export class LocalRun {
  readonly finished: Promise<ExecutionResult>;
  private readonly execution: ReturnType<StateMachine['run']>;
  /** Handler results waiting for their state's exit event, so history stays in order. */
  private pending: HistoryEvent[] = [];
  private stopDetails: { error?: string; cause?: string } | undefined;

  constructor(
    readonly record: ExecutionRecord,
    machine: StateMachine,
    handlers: LocalHandlers,
    machineArn: string,
    private readonly deps: LocalRunDeps,
  ) {
    this.execution = machine.run(record.input, {
      overrides: { taskResourceLocalHandlers: handlers },
      // $$.Execution.Input and StartTime are added by the library.
      context: {
        Execution: { Id: record.executionArn, Name: record.name },
        StateMachine: { Id: machineArn, Name: record.workflow },
      },
    });
    this.finished = this.follow();
    // A store failure surfaces through wait(); never as an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  /** Stop was asked for: nothing more may run for this execution. */
  get stopping(): boolean {
    return this.stopDetails !== undefined;
  }

  stop(details: { error?: string; cause?: string }): void {
    this.stopDetails = details;
    this.execution.abort();
  }

  taskSucceeded(state: string, output: JsonValue): void {
    const event: HistoryEvent = {
      execution: this.record.name,
      workflow: this.record.workflow,
      type: 'TaskSucceeded',
      state,
      at: nowIso(),
      output,
    };
    const reason = reasonOf(output);
    this.pending.push(reason === undefined ? event : { ...event, reason });
  }

  private async follow(): Promise<ExecutionResult> {
    const mapper = new LibraryEventMapper(this.record.workflow, this.record.name);
    let last: HistoryEvent | undefined;
    try {
      for await (const raw of this.execution.eventLogs) {
        if ((raw.type === 'StateExited' || raw.type === 'StateFailed') && raw.state.type === 'Task') {
          this.flushPending(raw.state.name, 'index' in raw && typeof raw.index === 'number' ? raw.index : undefined);
        }
        let event = mapper.map(raw);
        if (!event) continue;
        if (event.type === 'ExecutionAborted' && this.stopDetails) event = { ...event, ...this.stopDetails };
        this.emit(event);
        if (FINAL[event.type]) {
          last = event;
          break;
        }
      }
      // The final event already says how it ended; this only settles the library's promise.
      await this.execution.result.catch(() => undefined);
      const status = (last && FINAL[last.type]) ?? 'FAILED';
      const final: ExecutionRecord = {
        ...this.record,
        status,
        stoppedAt: last?.at ?? nowIso(),
        ...(status === 'SUCCEEDED' ? { output: last?.output ?? null } : {}),
        ...(last?.error !== undefined ? { error: last.error } : {}),
        ...(last?.cause !== undefined ? { cause: last.cause } : {}),
        ...(last ? {} : { error: 'Local.EngineError', cause: 'the execution ended without a final event' }),
      };
      this.deps.store.finish(final);
      return resultOf(final);
    } finally {
      this.deps.onFinished(this);
    }
  }

  /** The result of the Task whose state is exiting (of a Map iteration: the first pending, stamped with its index). */
  private flushPending(state: string, index: number | undefined): void {
    const at = this.pending.findIndex((e) => e.state === state);
    if (at < 0) return;
    const [event] = this.pending.splice(at, 1);
    this.emit(index === undefined ? event! : { ...event!, index });
  }

  private emit(event: HistoryEvent): void {
    this.deps.store.append(this.record, event);
    this.deps.onEvent?.(event);
  }
}

export function resultOf(record: ExecutionRecord): ExecutionResult {
  return {
    ref: refOf(record),
    status: record.status as FinalStatus,
    startedAt: record.startedAt,
    stoppedAt: record.stoppedAt ?? record.startedAt,
    ...(record.output !== undefined ? { output: record.output } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}
