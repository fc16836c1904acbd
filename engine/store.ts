/**
 * Where the local engine keeps executions and their history. Synchronous on
 * purpose: a record is durable before `start()` returns, and the engine never
 * has store I/O in flight that the virtual clock would have to wait for.
 */
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError } from './errors';
import type { ExecutionRef, ExecutionStatus, HistoryEvent, JsonValue } from './types';

export interface ExecutionRecord {
  version: 1;
  workflow: string;
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
  input: JsonValue;
  output?: JsonValue;
  error?: string;
  cause?: string;
  parentExecutionArn?: string;
  /** The process running it (for the file store's liveness check). */
  owner: { pid: number; host: string };
}

/** A file or entry the store skipped. */
export interface StoreProblem {
  file: string;
  problem: string;
}

export interface StoreFilter {
  workflow?: string;
  status?: ExecutionRecord['status'];
  /** A hint: only the this-many most recently begun matching records are needed (a store may return more). */
  newest?: number;
}

export interface ExecutionStore {
  /** Claim the name and save the RUNNING record; throws ExecutionAlreadyExistsError (or its Running subclass). */
  begin(record: ExecutionRecord): void;
  append(record: ExecutionRecord, event: HistoryEvent): void;
  /** Save the final record and release the name's lock. */
  finish(record: ExecutionRecord): void;
  get(workflow: string, name: string): ExecutionRecord | undefined;
  /**
   * Readable records, narrowed by workflow and status before anything is read or
   * copied (a long-running loop accumulates thousands); unreadable ones are
   * reported to the store's problem callback and skipped.
   */
  list(filter?: StoreFilter): ExecutionRecord[];
  history(workflow: string, name: string): HistoryEvent[];
  /**
   * Forget executions closed more than `retainMs` ago, record and history (Step Functions does the same after
   * 90 days, and frees the name then); running ones are never touched. Returns how many went.
   */
  expire(retainMs: number): number;
}

/** Error a Task or Catch sees when the owner of a RUNNING record died (local engine only). */
export const OWNER_DIED = 'Local.OwnerDied';

export function refOf(record: ExecutionRecord): ExecutionRef {
  return { workflow: record.workflow, name: record.name, executionArn: record.executionArn };
}

export function isExecutionRecord(value: unknown): value is ExecutionRecord {
  const r = value as Partial<ExecutionRecord> | null;
  return (
    !!r &&
    typeof r === 'object' &&
    r.version === 1 &&
    typeof r.workflow === 'string' &&
    typeof r.name === 'string' &&
    typeof r.executionArn === 'string' &&
    typeof r.status === 'string' &&
    typeof r.startedAt === 'string'
  );
}

/**
 * Keeps everything in memory: for tests, benchmarks and simulations that need no audit trail on disk.
 * Indexed by workflow (in begin order) and by status RUNNING, so that a cycle's "what is running" and
 * "the last boot" cost the same after ten thousand executions as after ten.
 */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly events = new Map<string, HistoryEvent[]>();
  /** Keys per workflow, in begin order. */
  private readonly byWorkflow = new Map<string, string[]>();
  private readonly running = new Set<string>();

  begin(record: ExecutionRecord): void {
    const key = keyOf(record.workflow, record.name);
    const existing = this.records.get(key);
    if (existing) throw conflict(existing);
    this.records.set(key, { ...record });
    this.events.set(key, []);
    let keys = this.byWorkflow.get(record.workflow);
    if (!keys) this.byWorkflow.set(record.workflow, (keys = []));
    keys.push(key);
    if (record.status === 'RUNNING') this.running.add(key);
  }

  append(record: ExecutionRecord, event: HistoryEvent): void {
    this.events.get(keyOf(record.workflow, record.name))?.push(event);
  }

  finish(record: ExecutionRecord): void {
    const key = keyOf(record.workflow, record.name);
    this.records.set(key, { ...record });
    if (record.status !== 'RUNNING') this.running.delete(key);
  }

  get(workflow: string, name: string): ExecutionRecord | undefined {
    const r = this.records.get(keyOf(workflow, name));
    return r && { ...r };
  }

  list(filter: StoreFilter = {}): ExecutionRecord[] {
    const matches = (r: ExecutionRecord) => (!filter.workflow || r.workflow === filter.workflow) && (!filter.status || r.status === filter.status);
    const out: ExecutionRecord[] = [];
    if (filter.status === 'RUNNING') {
      for (const key of this.running) {
        const r = this.records.get(key)!;
        if (matches(r)) out.push({ ...r });
      }
      return out;
    }
    const workflows = filter.workflow ? [filter.workflow] : [...this.byWorkflow.keys()];
    for (const workflow of workflows) {
      const keys = this.byWorkflow.get(workflow) ?? [];
      let found = 0;
      for (let i = keys.length - 1; i >= 0 && (filter.newest === undefined || found < filter.newest); i--) {
        const r = this.records.get(keys[i]!)!;
        if (!matches(r)) continue;
        out.push({ ...r });
        found += 1;
      }
    }
    return out;
  }

  expire(retainMs: number): number {
    const before = Date.now() - retainMs;
    let gone = 0;
    for (const [workflow, keys] of this.byWorkflow) {
      const kept = keys.filter((key) => {
        const r = this.records.get(key)!;
        if (r.status === 'RUNNING' || r.stoppedAt === undefined || Date.parse(r.stoppedAt) >= before) return true;
        this.records.delete(key);
        this.events.delete(key);
        gone += 1;
        return false;
      });
      this.byWorkflow.set(workflow, kept);
    }
    return gone;
  }

  history(workflow: string, name: string): HistoryEvent[] {
    return [...(this.events.get(keyOf(workflow, name)) ?? [])];
  }
}

/** The refusal for a name already taken by `existing`. */
export function conflict(existing: ExecutionRecord, ownerPid?: number): ExecutionAlreadyExistsError {
  return existing.status === 'RUNNING'
    ? new ExecutionAlreadyRunningError(existing.workflow, existing.name, ownerPid ?? existing.owner.pid)
    : new ExecutionAlreadyExistsError(existing.workflow, existing.name, existing.status);
}

function keyOf(workflow: string, name: string): string {
  return `${workflow}/${name}`;
}
