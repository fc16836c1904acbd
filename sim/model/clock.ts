/**
 * Virtual time for the simulated cluster.
 *
 * Choice (pull model): the cluster never owns time. It is handed a
 * `VirtualClock` and catches up lazily: every public read or mutation first
 * runs the model's own `EventScheduler` up to `clock.now()`. Between two
 * requests nothing can observe the model, so processing the missed events
 * then, each at its own virtual timestamp, gives exactly the state a
 * continuously running model would have.
 *
 * Why this and not one fake timer per model event: the workflow engine drives
 * @sinonjs/fake-timers as a discrete-event loop (flush, then `clock.next()`).
 * With the pull model it only has to pass `fromFakeTimers(fake)` as the clock;
 * its loop is not slowed by model events (job completions, boot steps, minute
 * samples) nobody is waiting on, and model time can never run ahead of the
 * fake clock. If a caller ever needs the loop to stop at a model event, the
 * scheduler exposes `nextEventTime()` to arm a single fake timer at it.
 *
 * The scheduler is a binary heap keyed (time, priority, insertion order), so
 * same-time events run deterministically; a week of 50 busy workers is a few
 * hundred thousand events, not 600,000 one-second ticks.
 */

export interface VirtualClock {
  /** Virtual epoch milliseconds. */
  now(): number;
}

/** A clock tests and batch runs move by hand. */
export class ManualClock implements VirtualClock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  /** Move to `t`; time never goes backwards. */
  set(t: number): void {
    if (t < this.current) throw new RangeError(`ManualClock cannot go back from ${this.current} to ${t}`);
    this.current = t;
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }
}

/** A `VirtualClock` reading an installed @sinonjs/fake-timers clock (its `now` is a number property). */
export function fromFakeTimers(fake: { readonly now: number }): VirtualClock {
  return { now: () => fake.now };
}

export interface EventHandle {
  readonly at: number;
  cancelled: boolean;
}

interface Entry extends EventHandle {
  readonly priority: number;
  readonly seq: number;
  readonly run: () => void;
}

function before(a: Entry, b: Entry): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** Discrete-event scheduler: callbacks at virtual times, run in time order by `advanceTo`. */
export class EventScheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  /** Time of the event being run, or the last time advanced to. */
  get time(): number {
    return this.current;
  }

  /** Events still queued (cancelled ones included until they surface). */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Run `run` at virtual time `at` (never earlier than now). Lower `priority`
   * runs first among events at the same time; ties keep insertion order.
   */
  schedule(at: number, run: () => void, priority = 0): EventHandle {
    const entry: Entry = { at: Math.max(at, this.current), priority, seq: this.seq++, run, cancelled: false };
    this.push(entry);
    return entry;
  }

  cancel(handle: EventHandle | undefined): void {
    if (handle) handle.cancelled = true;
  }

  /** Time of the next live event, if any. */
  nextEventTime(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Run every event due at or before `t` (including ones scheduled meanwhile), then stand at `t`. */
  advanceTo(t: number): number {
    let ran = 0;
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.at > t) break;
      this.pop();
      this.current = top.at;
      top.run();
      ran++;
    }
    if (t > this.current) this.current = t;
    return ran;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}
