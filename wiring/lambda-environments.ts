/**
 * Lambda's execution environments, simulated: what a function's code sees of
 * its own lifecycle. From
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html:
 * an environment is initialised once (Init) and then reused, frozen between
 * invocations, for as long as Lambda keeps it; it then shuts down and the next
 * invocation initialises a fresh one (a cold start). An environment serves one
 * invocation at a time, so concurrent invocations get more environments, and
 * consecutive invocations may land on different ones. After a function times
 * out, Lambda resets its environment.
 *
 * Here an environment is whatever `build` makes (the activity handler, or the
 * Lambda entry's handler with its own SDK clients) and lives an exponentially
 * distributed time with mean `coldStartEveryMinutes` (seeded, so a run replays
 * exactly); `environments` keeps at least that many alive, chosen at random per
 * invocation (two environments taking turns). A `cold-start` fault makes every
 * invocation in its window cold.
 */
import { mulberry32, type Random } from '../sim/model/prng';

interface LambdaLifecycle {
  /** Mean lifetime of an environment; absent: it lives for the whole run (only faults make cold starts). */
  coldStartEveryMinutes?: number;
  /** Environments alive per function; each invocation picks an idle one at random (default 1). */
  environments?: number;
}

export interface EnvironmentOptions extends LambdaLifecycle {
  seed: number;
  /** Virtual now (epoch ms). */
  now: () => number;
  /** True while a `cold-start` fault covers this function: every invocation is cold. */
  forcedCold?: (fn: string) => boolean;
  /** Counted into this object when given (a run's summary reports it). */
  stats?: EnvironmentStats;
}

export interface EnvironmentStats {
  invocations: number;
  coldStarts: number;
}

interface Environment<H> {
  handler: H;
  expiresAt: number;
  busy: boolean;
}

export class ExecutionEnvironments<H> {
  readonly stats: EnvironmentStats;
  private readonly pools = new Map<string, Environment<H>[]>();
  private readonly rng: Random;

  constructor(
    private readonly build: (fn: string) => H,
    private readonly options: EnvironmentOptions,
    /** Called when an environment shuts down (its clients can be closed). */
    private readonly retire: (handler: H) => void = () => {},
  ) {
    this.rng = mulberry32(options.seed);
    this.stats = options.stats ?? { invocations: 0, coldStarts: 0 };
  }

  /** Runs one invocation of `fn` in an environment (a warm one when there is one). */
  async invoke<T>(fn: string, call: (handler: H, cold: boolean) => Promise<T>): Promise<T> {
    const { environment, cold } = this.acquire(fn);
    let reset = false;
    try {
      return await call(environment.handler, cold);
    } catch (error) {
      // Lambda resets an environment whose invocation timed out.
      reset = (error as { name?: string } | undefined)?.name === 'Sandbox.Timedout';
      throw error;
    } finally {
      environment.busy = false;
      if (reset) this.discard(fn, environment);
    }
  }

  /** Shuts every environment down. */
  close(): void {
    for (const pool of this.pools.values()) for (const e of pool.splice(0)) this.retire(e.handler);
  }

  private acquire(fn: string): { environment: Environment<H>; cold: boolean } {
    this.stats.invocations += 1;
    const now = this.options.now();
    let pool = this.pools.get(fn);
    if (!pool) this.pools.set(fn, (pool = []));
    for (const e of pool.filter((x) => !x.busy && (x.expiresAt <= now || this.options.forcedCold?.(fn)))) this.discard(fn, e);
    const idle = pool.filter((e) => !e.busy);
    const wanted = Math.max(1, this.options.environments ?? 1);
    if (idle.length > 0 && pool.length >= wanted) {
      const environment = idle.length === 1 ? idle[0]! : idle[Math.floor(this.rng() * idle.length)]!;
      environment.busy = true;
      return { environment, cold: false };
    }
    this.stats.coldStarts += 1;
    const environment: Environment<H> = { handler: this.build(fn), expiresAt: now + this.lifetime(), busy: true };
    pool.push(environment);
    return { environment, cold: true };
  }

  private discard(fn: string, environment: Environment<H>): void {
    const pool = this.pools.get(fn);
    const i = pool?.indexOf(environment) ?? -1;
    if (i >= 0) pool!.splice(i, 1);
    this.retire(environment.handler);
  }

  private lifetime(): number {
    const mean = this.options.coldStartEveryMinutes;
    if (mean === undefined) return Number.POSITIVE_INFINITY;
    // Exponential: a cold start about every `mean` minutes, at no fixed phase.
    return -Math.log(1 - this.rng()) * mean * 60_000;
  }
}
