/**
 * Executions on disk, readable by later processes (`moscaler history`):
 *
 *   <stateDir>/executions/<workflow>/<name>.lock           while running: the RUNNING record, created exclusively (`wx`)
 *   <stateDir>/executions/<workflow>/<name>.json           once finished: the final record, written atomically (temp + rename)
 *   <stateDir>/executions/<workflow>/<name>.history.jsonl  one HistoryEvent per line, appended as it happens
 *
 * The running record is the lock, so two processes cannot run one name at once
 * and a RUNNING execution always names its process (pid, host). A lock whose
 * pid is gone on this host is stale and taken over: a torn one (the process
 * died while creating it) frees the name; a complete one is closed as ABORTED
 * (error Local.OwnerDied) and the name stays used, as on AWS. Locks from
 * another host are assumed live (their pid cannot be checked); a reused pid
 * makes a stale lock look live; two processes taking over the same stale lock
 * in the same instant can race. A crash can leave a `.tmp` file or a torn last
 * history line: both are reported and skipped, never fatal.
 *
 * File creation dominates the cost (about 0.35 ms each on these machines), so
 * an execution creates three files: lock, history, final record.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError, StateStoreError } from './errors';
import { conflict, isExecutionRecord, OWNER_DIED, type ExecutionRecord, type ExecutionStore, type StoreFilter, type StoreProblem } from './store';
import type { HistoryEvent } from './types';

export interface FileExecutionStoreOptions {
  /** Told about every unreadable file skipped; default: a process warning. */
  onProblem?: (problem: StoreProblem) => void;
}

type LockState = { kind: 'held'; record: ExecutionRecord } | { kind: 'torn' } | { kind: 'none' };

export class FileExecutionStore implements ExecutionStore {
  readonly root: string;
  private readonly onProblem: (problem: StoreProblem) => void;
  private readonly host = hostname();
  private readonly madeDirs = new Set<string>();
  private readonly historyFds = new Map<string, number>();
  private tmpCounter = 0;

  constructor(stateDir: string, options: FileExecutionStoreOptions = {}) {
    this.root = join(stateDir, 'executions');
    this.onProblem = options.onProblem ?? ((p) => process.emitWarning(`${p.file}: ${p.problem}`, 'MoScalerStoreWarning'));
  }

  begin(record: ExecutionRecord): void {
    const dir = this.dir(record.workflow);
    const lock = this.path(record.workflow, record.name, 'lock');
    this.takeLock(record, lock);
    try {
      // Checked after locking, so a process that finished the name in the meantime is seen.
      const finished = this.readFinal(record.workflow, record.name);
      if (finished === 'unreadable') {
        throw new ExecutionAlreadyExistsError(record.workflow, record.name, 'FAILED', `${record.workflow} execution "${record.name}" has an unreadable record; the name stays used`);
      }
      if (finished) throw conflict(finished);
      this.historyFds.set(keyOf(record), openSync(join(dir, `${record.name}.history.jsonl`), 'a'));
    } catch (error) {
      unlinkQuietly(lock);
      throw error;
    }
  }

  append(record: ExecutionRecord, event: HistoryEvent): void {
    const fd = this.historyFds.get(keyOf(record));
    if (fd !== undefined) writeSync(fd, JSON.stringify(event) + '\n');
  }

  finish(record: ExecutionRecord): void {
    this.writeFinal(record);
    const fd = this.historyFds.get(keyOf(record));
    if (fd !== undefined) closeSync(fd);
    this.historyFds.delete(keyOf(record));
    unlinkQuietly(this.path(record.workflow, record.name, 'lock'));
  }

  get(workflow: string, name: string): ExecutionRecord | undefined {
    const finished = this.readFinal(workflow, name);
    if (finished === 'unreadable') return undefined;
    if (finished) return finished;
    const lock = readLock(this.path(workflow, name, 'lock'));
    return lock.kind === 'held' ? this.withLiveness(lock.record) : undefined;
  }

  list(filter: StoreFilter = {}): ExecutionRecord[] {
    if (filter.newest !== undefined && filter.status !== 'RUNNING') return this.newest(filter, filter.newest);
    const records: ExecutionRecord[] = [];
    const workflows = filter.workflow ? [filter.workflow] : readdirQuietly(this.root);
    for (const workflow of workflows) {
      const dir = join(this.root, workflow);
      const files = readdirQuietly(dir);
      const finished = new Set(files.filter((f) => f.endsWith('.json')));
      // A running execution is a lock without its final record: no need to read finished ones.
      const runningOnly = filter.status === 'RUNNING';
      for (const file of files) {
        if (file.endsWith('.tmp')) {
          this.onProblem({ file: join(dir, file), problem: 'half-written record left by an interrupted write; skipped' });
        } else if (file.endsWith('.json') && !runningOnly) {
          const record = this.readFinal(workflow, file.slice(0, -'.json'.length));
          if (record && record !== 'unreadable') records.push(record);
        } else if (file.endsWith('.lock') && !finished.has(`${file.slice(0, -'.lock'.length)}.json`)) {
          const lock = readLock(join(dir, file));
          if (lock.kind === 'held') records.push(this.withLiveness(lock.record));
          else if (lock.kind === 'torn' && !isFresh(join(dir, file))) this.onProblem({ file: join(dir, file), problem: 'torn lock left by a crash; skipped' });
        }
      }
    }
    return filter.status ? records.filter((r) => r.status === filter.status) : records;
  }

  /**
   * The `n` most recently begun records, reading as few as it can (a `moscaler run` of a month keeps tens of
   * thousands): files newest-modified first, stopping once no unread one can have begun later than the n-th
   * found. A record is written when it begins and when it ends, so its file's mtime is never before its start.
   */
  private newest(filter: StoreFilter, n: number): ExecutionRecord[] {
    const candidates: Array<{ workflow: string; name: string; mtime: number }> = [];
    const workflows = filter.workflow ? [filter.workflow] : readdirQuietly(this.root);
    for (const workflow of workflows) {
      const dir = join(this.root, workflow);
      const files = readdirQuietly(dir);
      const finished = new Set(files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)));
      for (const file of files) {
        const name = file.endsWith('.json') ? file.slice(0, -'.json'.length) : file.endsWith('.lock') ? file.slice(0, -'.lock'.length) : undefined;
        if (name === undefined || (file.endsWith('.lock') && finished.has(name))) continue;
        const mtime = mtimeIfPresent(join(dir, file));
        if (mtime !== undefined) candidates.push({ workflow, name, mtime });
      }
    }
    candidates.sort((a, b) => b.mtime - a.mtime);
    const found: ExecutionRecord[] = [];
    for (const c of candidates) {
      const nth = found.length >= n ? [...found].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[n - 1] : undefined;
      // Only real timestamps bound an mtime: a simulation's virtual ones may lie ahead of the wall clock.
      const bound = nth ? Date.parse(nth.startedAt) : undefined;
      if (bound !== undefined && bound <= realNow() && c.mtime < bound) break;
      const record = this.get(c.workflow, c.name);
      if (record && (!filter.status || record.status === filter.status)) found.push(record);
    }
    return found;
  }

  /**
   * A final record is written once, when its execution closes (temp + rename), so its file's mtime is the
   * close time on this machine's clock: expiring reads no record. Running executions have no final record.
   */
  expire(retainMs: number): number {
    const before = realNow() - retainMs;
    let gone = 0;
    for (const workflow of readdirQuietly(this.root)) {
      const dir = join(this.root, workflow);
      for (const file of readdirQuietly(dir)) {
        if (!file.endsWith('.json')) continue;
        const mtime = mtimeIfPresent(join(dir, file));
        if (mtime === undefined || mtime >= before) continue;
        const name = file.slice(0, -'.json'.length);
        // History first: a crash in between leaves a record without history, never history without a record.
        unlinkQuietly(this.path(workflow, name, 'history.jsonl'));
        unlinkQuietly(join(dir, file));
        gone += 1;
      }
    }
    return gone;
  }

  history(workflow: string, name: string): HistoryEvent[] {
    const file = this.path(workflow, name, 'history.jsonl');
    const text = readIfPresent(file);
    if (text === undefined) return [];
    const events: HistoryEvent[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        events.push(JSON.parse(line) as HistoryEvent);
      } catch {
        this.onProblem({ file, problem: `line ${i + 1} is not JSON (torn write?); skipped` });
      }
    });
    return events;
  }

  /** Exclusive create of the lock holding the RUNNING record; a stale lock is dealt with once. */
  private takeLock(record: ExecutionRecord, lock: string): void {
    const content = JSON.stringify({ ...record, lockedAt: new Date(realNow()).toISOString() }, null, 2);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(lock, content, { flag: 'wx' });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLock(lock);
      if (holder.kind === 'held') {
        if (this.isAlive(holder.record)) throw new ExecutionAlreadyRunningError(record.workflow, record.name, holder.record.owner.pid);
        // Its process died mid-run: close that execution for good; the name stays used.
        const closed = closeOrphan(holder.record);
        this.writeFinal(closed);
        unlinkQuietly(lock);
        throw conflict(closed);
      }
      if (holder.kind === 'torn' && isFresh(lock)) throw new ExecutionAlreadyRunningError(record.workflow, record.name);
      unlinkQuietly(lock);
    }
    throw new ExecutionAlreadyRunningError(record.workflow, record.name);
  }

  private isAlive(record: ExecutionRecord): boolean {
    const { pid, host } = record.owner;
    if (host !== this.host || pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** A running record whose process is gone reads as ABORTED (the next start of its name writes that down). */
  private withLiveness(record: ExecutionRecord): ExecutionRecord {
    return this.isAlive(record) ? record : closeOrphan(record);
  }

  private readFinal(workflow: string, name: string): ExecutionRecord | undefined | 'unreadable' {
    const file = this.path(workflow, name, 'json');
    if (!existsSync(file)) return undefined;
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isExecutionRecord(value)) return value;
      this.onProblem({ file, problem: 'not an execution record; skipped' });
    } catch (error) {
      this.onProblem({ file, problem: `corrupt or unreadable (${(error as Error).message}); skipped` });
    }
    return 'unreadable';
  }

  private writeFinal(record: ExecutionRecord): void {
    const file = join(this.dir(record.workflow), `${record.name}.json`);
    const tmp = `${file}.${process.pid}.${this.tmpCounter++}.tmp`;
    writeFileSync(tmp, JSON.stringify(record, null, 2));
    renameSync(tmp, file);
  }

  private path(workflow: string, name: string, ext: string): string {
    return join(this.root, workflow, `${name}.${ext}`);
  }

  private dir(workflow: string): string {
    const dir = join(this.root, workflow);
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    return dir;
  }
}

function closeOrphan(record: ExecutionRecord): ExecutionRecord {
  const { lockedAt: _lockedAt, ...rest } = record as ExecutionRecord & { lockedAt?: string };
  return {
    ...rest,
    status: 'ABORTED',
    error: OWNER_DIED,
    cause: `process ${record.owner.pid} on ${record.owner.host} ended without finishing the execution`,
  };
}

function keyOf(record: ExecutionRecord): string {
  return `${record.workflow}/${record.name}`;
}

/** A file's text, or undefined when it does not exist; any other failure is not "absent" and says so. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateStoreError(file, `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}

function readLock(lock: string): LockState {
  const text = readIfPresent(lock);
  if (text === undefined) return { kind: 'none' };
  try {
    const value: unknown = JSON.parse(text);
    if (isExecutionRecord(value) && value.status === 'RUNNING') return { kind: 'held', record: value };
  } catch {
    // fall through: torn by a crash between create and write, or still being written
  }
  return { kind: 'torn' };
}

/** A torn lock younger than this is being written by its creator right now. */
const LOCK_WRITE_GRACE_MS = 10_000;

function isFresh(lock: string): boolean {
  try {
    return realNow() - statSync(lock).mtimeMs < LOCK_WRITE_GRACE_MS;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new StateStoreError(lock, `cannot stat (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}

/** Wall-clock ms even while Date is faked by the virtual clock. */
function realNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A file's modification time (ms), or undefined when it is gone (an execution finishing right now). */
function mtimeIfPresent(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateStoreError(file, `cannot stat (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}

function readdirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
