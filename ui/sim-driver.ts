/**
 * A live simulation a person can watch: autoscale cycles on the simulated
 * cluster as `sim run` starts them (one execution per cycle, boots and drains
 * interleaving on virtual time), but paced against the real clock at `speed`
 * virtual seconds per real second, and pausable. The view refreshes between
 * steps, never while virtual time is being advanced, so every snapshot is of
 * one instant.
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
}

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

  constructor(private readonly options: SimDriverOptions) {
    this.from = options.vt.now().getTime();
    this.next = this.from;
    this.paused = options.paused ?? false;
    this.speed = clampSpeed(options.speed);
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
    };
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
      await this.startCycle(this.next);
      this.next = Math.min(this.next + this.options.everyMs, this.options.until);
      await this.options.vt.run({ deadline: this.next });
      if (performance.now() - lastRefresh >= refreshMs) {
        await this.options.onStep();
        lastRefresh = performance.now();
      }
      const budget = (this.options.everyMs / this.speed) - (performance.now() - began);
      if (budget > 0) await sleep(budget, signal);
    }
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

function clampSpeed(speed: number): number {
  return Number.isFinite(speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed)) : 60;
}
