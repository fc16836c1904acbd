/**
 * A live simulation a person can watch: autoscale cycles on the simulated
 * cluster as `sim run` starts them (one execution per cycle, boots and drains
 * interleaving on virtual time), but paced against the real clock at `speed`
 * virtual seconds per real second, and pausable. The view refreshes between
 * steps, never while virtual time is being advanced, so every snapshot is of
 * one instant.
 *
 * A stretch where nothing happens (no job queued or running, no boot or drain
 * under way) is fast-forwarded, unpaced, to a few minutes before the next
 * recording arrives: a lecture week starts at midnight and its first
 * recording arrives after ten, which at 60× would be ten minutes of nothing.
 * Every cycle still runs, on the same virtual clock; only the waiting between
 * them is left out, and the page says so.
 */
import { timers as realTimers } from '@sinonjs/fake-timers';
import { autoscaleExecutionName } from '../core/execution-names';
import type { WorkflowEngine } from '../engine/types';
import type { VirtualTime } from '../engine/virtual-time';
import type { SimCluster } from '../sim/model/cluster';
import type { SimulationStatus } from './state';

export interface SimDriverOptions {
  vt: VirtualTime;
  engine: WorkflowEngine;
  cluster: SimCluster;
  /** Autoscale schedule, virtual ms. */
  everyMs: number;
  /** Virtual seconds per real second. */
  speed: number;
  /** Virtual epoch ms at which the simulation stops advancing. */
  until: number;
  paused?: boolean;
  /** Refresh the view; called at most every `refreshMs` real ms, and after pausing or finishing. */
  onStep: () => Promise<void>;
  refreshMs?: number;
  /** Fast-forward quiet stretches (default true). */
  skipQuiet?: boolean;
}

/** How long before the next recording arrives a fast-forward stops, so the page shows the run-up. */
const QUIET_LEAD_MS = 10 * 60_000;

const MIN_SPEED = 1;
const MAX_SPEED = 100_000;

/** Real sleep: the global setTimeout runs on virtual time while the simulation is installed. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = realTimers.setTimeout(done, ms);
    function done() {
      realTimers.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class SimDriver {
  private next: number;
  private readonly from: number;
  private paused: boolean;
  private speed: number;
  private cycles = 0;
  private failedCycles = 0;
  private wake: (() => void) | undefined;
  private skipQuiet: boolean;
  /** The fast-forward under way, or the last one. */
  private skip: { from: number; to: number; active: boolean } | undefined;

  constructor(private readonly options: SimDriverOptions) {
    this.from = options.vt.now().getTime();
    this.next = this.from;
    this.paused = options.paused ?? false;
    this.speed = clampSpeed(options.speed);
    this.skipQuiet = options.skipQuiet ?? true;
  }

  status(): SimulationStatus {
    return {
      paused: this.paused,
      speed: this.speed,
      virtualNow: this.options.vt.now().toISOString(),
      from: new Date(this.from).toISOString(),
      until: new Date(this.options.until).toISOString(),
      cycles: this.cycles,
      failedCycles: this.failedCycles,
      finished: this.next >= this.options.until,
      skipQuiet: this.skipQuiet,
      ...(this.skip
        ? { skip: { from: new Date(this.skip.from).toISOString(), to: new Date(this.skip.to).toISOString(), active: this.skip.active && this.next < this.skip.to } }
        : {}),
      ...nextArrival(this.options.cluster, this.options.vt.now().getTime()),
    };
  }

  setSkipQuiet(on: boolean): void {
    this.skipQuiet = on;
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  setSpeed(speed: number): void {
    this.speed = clampSpeed(speed);
    this.wake?.();
  }

  /** Runs until `signal` aborts; the last step's executions stay where virtual time left them. */
  async run(signal: AbortSignal): Promise<void> {
    const refreshMs = this.options.refreshMs ?? 250;
    let lastRefresh = -Infinity;
    let refreshedIdle = false;
    while (!signal.aborted) {
      if (this.paused || this.next >= this.options.until) {
        if (!refreshedIdle) await this.options.onStep();
        refreshedIdle = true;
        await this.idle(signal);
        continue;
      }
      refreshedIdle = false;
      const began = performance.now();
      const skipping = await this.skipping();
      await this.startCycle(this.next);
      this.next = Math.min(this.next + this.options.everyMs, this.options.until);
      await this.options.vt.run({ deadline: this.next });
      if (performance.now() - lastRefresh >= refreshMs) {
        await this.options.onStep();
        lastRefresh = performance.now();
      }
      // Fast-forwarding: no pacing, but a real pause now and then so the server can answer the page.
      const budget = skipping ? (this.cycles % 20 === 0 ? 1 : 0) : this.options.everyMs / this.speed - (performance.now() - began);
      if (budget > 0) await sleep(budget, signal);
    }
  }

  /** Whether the next cycle falls in a quiet stretch being fast-forwarded; a stretch ends early when anything starts. */
  private async skipping(): Promise<boolean> {
    const { cluster, engine, everyMs, until } = this.options;
    const now = this.next;
    const quiet =
      this.skipQuiet && cluster.activeJobs().length === 0 && !(await engine.list({ status: 'RUNNING' })).some((e) => e.ref.workflow !== 'autoscale');
    if (this.skip?.active && (!quiet || now >= this.skip.to)) this.skip = { from: this.skip.from, to: Math.min(now, this.skip.to), active: false };
    if (!quiet) return false;
    if (this.skip?.active) return true;
    const arrival = nextArrivalAt(cluster, now);
    const to = Math.min(arrival !== undefined ? arrival - QUIET_LEAD_MS : until, until);
    if (to - now < 2 * everyMs) return false;
    this.skip = { from: now, to, active: true };
    return true;
  }

  /** Waits (real time) until resumed, sped up, or stopped; polls in case the end moved. */
  private async idle(signal: AbortSignal): Promise<void> {
    const wakeController = new AbortController();
    this.wake = () => wakeController.abort();
    const stop = () => wakeController.abort();
    signal.addEventListener('abort', stop, { once: true });
    await sleep(500, wakeController.signal);
    signal.removeEventListener('abort', stop);
    this.wake = undefined;
  }

  /** As `sim run` does: one autoscale execution per cycle, and none while the scaler is "killed" by a fault. */
  private async startCycle(at: number): Promise<void> {
    const { engine, cluster } = this.options;
    this.cycles += 1;
    if (cluster.faultActive('kill-scaler')) {
      for (const running of await engine.list({ status: 'RUNNING' })) {
        await engine.stop(running.ref, { error: 'Killed', cause: 'kill-scaler fault' });
      }
      return;
    }
    const everySeconds = Math.round(this.options.everyMs / 1000);
    const ref = await engine.start('autoscale', { everySeconds }, { name: autoscaleExecutionName(new Date(at)) });
    void engine.wait(ref).then(
      (result) => {
        if (result.status !== 'SUCCEEDED') this.failedCycles += 1;
      },
      () => {
        this.failedCycles += 1;
      },
    );
  }
}

/** When the next recording arrives after `now` (epoch ms), if one is scheduled. */
function nextArrivalAt(cluster: SimCluster, now: number): number | undefined {
  let next: number | undefined;
  for (const r of cluster.recordings()) if (r.arrivalAt > now && (next === undefined || r.arrivalAt < next)) next = r.arrivalAt;
  return next;
}

/** The next arrival and how many recordings arrive in the hour from it: what the page shows as upcoming work. */
function nextArrival(cluster: SimCluster, now: number): Pick<SimulationStatus, 'nextArrival'> {
  const at = nextArrivalAt(cluster, now);
  if (at === undefined) return {};
  const inHour = cluster.recordings().filter((r) => r.arrivalAt >= at && r.arrivalAt < at + 3_600_000).length;
  return { nextArrival: { at: new Date(at).toISOString(), recordingsInHour: inHour } };
}

function clampSpeed(speed: number): number {
  return Number.isFinite(speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed)) : 60;
}
