/**
 * Virtual time for the local engine: @sinonjs/fake-timers replaces the timers
 * and Date that aws-local-stepfunctions uses for Wait, Retry and timeouts, and
 * `run()` drives it as a discrete-event loop: flush pending work, wait for
 * activities still in flight, then jump to the next timer. An hour's Wait
 * costs no real time and every timestamp is exact.
 *
 * setImmediate, nextTick, queueMicrotask and performance stay real: the loop
 * flushes with setImmediate, and real I/O must keep working underneath.
 */
import { install, timers as realTimers, type Clock } from '@sinonjs/fake-timers';
import { ActivityTracker } from './activity';
import { VirtualTimeStallError } from './errors';

export interface VirtualTimeOptions {
  /** Virtual start time; default the real now. */
  start?: Date | number | string;
  /** Called before every task handler with the virtual now, so a simulator can catch up to it. */
  onAdvance?: (now: Date) => void | Promise<void>;
  /** setImmediate turns per flush; one drains every chained microtask, more absorb setImmediate-based code. Default 2. */
  flushTurns?: number;
  /** Real milliseconds an activity may stay in flight before the loop reports a stall. Default 30,000. */
  stallMs?: number;
  /** Track which activity is waiting (see ActivityTrackerOptions.context). Default true. */
  activityContext?: boolean;
}

/** What the local engine needs from a clock driver. */
export interface EngineHooks {
  tracker: ActivityTracker;
  beforeTask?: (now: Date) => void | Promise<void>;
}

export interface RunOptions {
  /** Stop as soon as this holds (checked whenever everything has settled). */
  until?: () => boolean;
  /** Stop when the virtual clock reaches this time. */
  deadline?: Date | number | string;
}

export interface RunOutcome {
  /** `idle`: nothing in flight and no timer left, so nothing more can happen. */
  reason: 'done' | 'deadline' | 'idle';
  now: Date;
  /** Timers fired. */
  steps: number;
}

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

export class VirtualTime {
  readonly clock: Clock;
  readonly tracker: ActivityTracker;
  readonly hooks: EngineHooks;
  private readonly flushTurns: number;
  private readonly stallMs: number;
  private driving = false;

  private constructor(clock: Clock, options: VirtualTimeOptions) {
    this.clock = clock;
    this.tracker = new ActivityTracker({ context: options.activityContext ?? true });
    this.flushTurns = Math.max(1, options.flushTurns ?? 2);
    this.stallMs = options.stallMs ?? 30_000;
    const onAdvance = options.onAdvance;
    this.hooks = onAdvance ? { tracker: this.tracker, beforeTask: (now) => onAdvance(now) } : { tracker: this.tracker };
  }

  /** Replace the global timers and Date; call `uninstall()` when done. */
  static install(options: VirtualTimeOptions = {}): VirtualTime {
    const start = options.start === undefined ? Date.now() : new Date(options.start).getTime();
    const clock = install({ now: start, toFake: [...FAKED], shouldClearNativeTimers: false });
    return new VirtualTime(clock, options);
  }

  now(): Date {
    return new Date(this.clock.now);
  }

  uninstall(): void {
    this.clock.uninstall();
  }

  /** Advance through timers until `until` holds, the deadline is reached, or nothing is left to happen. */
  async run(options: RunOptions = {}): Promise<RunOutcome> {
    if (this.driving) throw new VirtualTimeStallError('run() is already driving this clock; await it before calling run() or drive() again');
    this.driving = true;
    let deadlineHit = false;
    // A sentinel timer: the loop then stops exactly at the deadline without peeking at fake-timers internals.
    const sentinel =
      options.deadline === undefined
        ? undefined
        : setTimeout(() => {
            deadlineHit = true;
          }, Math.max(0, new Date(options.deadline).getTime() - this.clock.now));
    let steps = 0;
    try {
      for (;;) {
        await this.settle();
        if (options.until?.()) return { reason: 'done', now: this.now(), steps };
        if (deadlineHit) return { reason: 'deadline', now: this.now(), steps };
        if (this.clock.countTimers() === 0) return { reason: 'idle', now: this.now(), steps };
        this.clock.next();
        steps++;
      }
    } finally {
      this.driving = false;
      if (sentinel !== undefined) clearTimeout(sentinel);
    }
  }

  /** Run the clock until `promise` settles and return its value; throws if time runs out first. */
  async drive<T>(promise: Promise<T>, options: { deadline?: Date | number | string } = {}): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    const outcome = await this.run({ ...options, until: () => settled });
    if (outcome.reason !== 'done') {
      throw new VirtualTimeStallError(
        outcome.reason === 'deadline'
          ? `still waiting at the virtual deadline ${outcome.now.toISOString()}`
          : `nothing left to run at ${outcome.now.toISOString()} but the awaited work has not finished`,
      );
    }
    return watched;
  }

  /**
   * Drain microtasks, then wait (in real time) for activities in flight, until
   * all is quiet. Activities waiting on a virtual timer (a simulated slow answer)
   * count as quiet: only the clock moving on can finish them.
   */
  private async settle(): Promise<void> {
    for (;;) {
      for (let i = 0; i < this.flushTurns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.tracker.running === 0) return;
      await this.idleOrStall();
    }
  }

  private idleOrStall(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = realTimers.setTimeout(() => {
        reject(
          new VirtualTimeStallError(
            `activities still in flight after ${this.stallMs} ms real time: ${this.tracker.labels().join(', ')} ` +
              '(an activity must not wait on a virtual timer)',
          ),
        );
      }, this.stallMs);
      this.tracker.idle().then(() => {
        realTimers.clearTimeout(timer);
        resolve();
      });
    });
  }
}
