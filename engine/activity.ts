/**
 * Counts activities in flight (task handlers, and whatever a caller wraps) so
 * the virtual clock only moves when nothing is still working in real time:
 * real I/O does not finish inside a microtask flush, and advancing past it
 * would let a Task timeout or Wait fire "before" the activity answered.
 * An activity that itself waits on a virtual timer (a simulated slow answer),
 * or on work another activity does for it, says so with {@link idleWhile}:
 * while every activity in flight is either finished or waiting that way, the
 * clock may move on; otherwise it would never reach the timer (the
 * virtual-time loop reports that as a stall).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Which tracked activity the current async context belongs to. */
const current = new AsyncLocalStorage<{ tracker: ActivityTracker; id: number }>();

/**
 * Awaits `wait`, which only a virtual timer or another activity can settle,
 * marking the activity that awaits it as not working in real time meanwhile.
 * Outside a tracked activity it is just `wait`.
 */
export async function idleWhile<T>(wait: Promise<T>): Promise<T> {
  const owner = current.getStore();
  if (!owner) return wait;
  owner.tracker.block(owner.id);
  try {
    return await wait;
  } finally {
    owner.tracker.unblock(owner.id);
  }
}

/**
 * Work the current activity started that other activities may share: the
 * returned getter hands them the promise to wait on idly (its owner is the one
 * working), and hands the owner the promise itself.
 */
export function shareable<T>(work: Promise<T>): () => Promise<T> {
  const owner = current.getStore();
  return () => {
    const caller = current.getStore();
    return caller !== undefined && caller !== owner ? idleWhile(work) : work;
  };
}

export interface ActivityTrackerOptions {
  /**
   * Run each activity in an async context (default true), so that {@link idleWhile} and
   * {@link shareable} know which activity is waiting. A simulation whose answers never wait on a
   * virtual timer may turn it off: the context's promise hooks cost every promise in the process
   * (~5% of a simulated week). Should an activity then wait on a virtual timer, the virtual-time
   * loop reports a stall rather than moving the clock.
   */
  context?: boolean;
}

export class ActivityTracker {
  private readonly context: boolean;
  private readonly active = new Map<number, string>();
  /** Activities waiting idly (a virtual timer, another activity's work), with how many such waits each has open. */
  private readonly blocked = new Map<number, number>();
  private nextId = 0;
  private waiters: Array<() => void> = [];

  constructor(options: ActivityTrackerOptions = {}) {
    this.context = options.context ?? true;
  }

  get inFlight(): number {
    return this.active.size;
  }

  /** Activities in flight that are working in real time (not waiting idly). */
  get running(): number {
    return this.active.size - this.blocked.size;
  }

  /** Labels of the activities in flight, for stall reports. */
  labels(): string[] {
    return [...this.active.values()];
  }

  async track<T>(label: string, work: () => Promise<T> | T): Promise<T> {
    const id = this.begin(label);
    try {
      return await (this.context ? current.run({ tracker: this, id }, work) : work());
    } finally {
      this.end(id);
    }
  }

  /** Resolves when nothing in flight is working in real time. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  block(id: number): void {
    if (!this.active.has(id)) return;
    this.blocked.set(id, (this.blocked.get(id) ?? 0) + 1);
    this.wake();
  }

  unblock(id: number): void {
    const n = this.blocked.get(id);
    if (n === undefined) return;
    if (n <= 1) this.blocked.delete(id);
    else this.blocked.set(id, n - 1);
  }

  private begin(label: string): number {
    const id = this.nextId++;
    this.active.set(id, label);
    return id;
  }

  private end(id: number): void {
    this.active.delete(id);
    this.blocked.delete(id);
    this.wake();
  }

  private wake(): void {
    if (this.running === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }
}
