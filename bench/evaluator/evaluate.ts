/**
 * The fast evaluator: a policy on the cluster model through the same plan
 * step (`decidePolicy`), the same workflow definitions and activity handlers
 * (billing window, drains that wait for running jobs, the minimum, boot
 * times, the pause) as the full stack, with the ports answered from the model
 * in-process (bench/evaluator/model-ports.ts) instead of over the simulated
 * wire. One run of a week takes seconds instead of a minute or more; the
 * cross-check (bench/cross-check.ts) holds it to the full stack's figures.
 */
import { createActivityHandlers } from '../../wiring/activities';
import type { ActivityDeps } from '../../activities/support/deps';
import { withSharedObservations } from '../../wiring/shared-observer';
import { observe } from '../../activities/support/observe';
import type { AutoscaleConfig } from '../../core/autoscale-config';
import { autoscaleExecutionName } from '../../core/execution-names';
import { scenarioEnv } from '../../wiring/sim-runtime';
import { resolveSettings, type Settings } from '../../core/settings';
import type { JsonValue } from '../../engine/types';
import { ManualClock } from '../../sim/model/clock';
import type { SimCluster, SimRunData } from '../../sim/model/cluster';
import { hashString, mulberry32 } from '../../sim/model/prng';
import { scenarioEnd, type Scenario } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { modelPorts } from './model-ports';
import { createPlanStep, type MemoryMode, type PlanStepStats } from './plan-step';
import { FastWorkflows, type TaskHandler, type Timeline, type WorkflowTally } from './workflows';

export interface EvaluateOptions {
  scenario: Scenario;
  config: AutoscaleConfig;
  /** From the scenario's start; default the scenario's own end. */
  durationMs?: number;
  /** Autoscale cadence; default one minute. */
  everyMs?: number;
  /** The plan step's Lambda lifecycle: cold-start rate and what a cold start finds (default: always warm). */
  lambda?: { coldStartRate: number; memory: MemoryMode; seed?: number };
  /** CloudWatch delay seen by the original's metric strategies (default 0, as the simulator's CloudWatch). */
  metricDelayMs?: number;
  env?: Record<string, string | undefined>;
}

export interface EvaluateResult {
  cluster: SimCluster;
  data: SimRunData;
  settings: Settings;
  start: number;
  end: number;
  cycles: number;
  failedExecutions: Array<{ workflow: string; name: string; error: string }>;
  plan: PlanStepStats;
  /** State transitions and executions by end state (bench/churn.ts reads them). */
  workflows: WorkflowTally;
  realMs: number;
}

/** Virtual time: sleepers woken in (time, order) order; the driver moves on only when nothing runs. */
class Driver implements Timeline {
  private readonly heap: Array<{ at: number; seq: number; wake: () => void }> = [];
  private seq = 0;
  private active = 0;
  private onIdle: (() => void) | undefined;

  constructor(private readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  at(at: number, run: () => void): void {
    this.push({ at, seq: this.seq++, wake: run });
  }

  sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      this.push({
        at,
        seq: this.seq++,
        wake: () => {
          this.active += 1;
          resolve();
        },
      });
      this.idle();
    });
  }

  busy(): void {
    this.active += 1;
  }

  idle(): void {
    this.active -= 1;
    if (this.active === 0 && this.onIdle) {
      const done = this.onIdle;
      this.onIdle = undefined;
      done();
    }
  }

  /** Runs every wake-up due up to `until`, each once all work started before it has settled. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > until) break;
      this.pop();
      if (top.at > this.clock.now()) this.clock.set(top.at);
      top.wake();
      await this.settled();
    }
    if (until > this.clock.now()) this.clock.set(until);
  }

  private settled(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onIdle = resolve;
    });
  }

  private push(entry: { at: number; seq: number; wake: () => void }): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, h[i]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const began = performance.now();
  const { scenario, config } = options;
  const start = Date.parse(scenario.start);
  const end = options.durationMs !== undefined ? start + options.durationMs : scenarioEnd(scenario);
  const every = options.everyMs ?? 60_000;
  const settings = resolveSettings({}, { ...scenarioEnv(scenario), ...(options.env ?? {}) });
  const clock = new ManualClock(start);
  const cluster = createSimCluster(scenario, clock);
  const ports = modelPorts(cluster, { provider: settings.provider, metricDelayMs: options.metricDelayMs ?? 0 });
  const driver = new Driver(clock);
  let workflows: FastWorkflows | undefined;
  const own: ActivityDeps = {
    settings,
    fleet: ports.fleet,
    opencastAt: () => ports.opencast,
    metrics: ports.metrics,
    executions: {
      list: async (filter) => workflows!.list(filter),
      output: async (ref) => workflows!.output(ref.workflow, ref.name) ?? null,
    },
    now: () => new Date(clock.now()),
    autoscaleConfig: config,
    cache: {},
  };
  const deps = withSharedObservations(own, observe);
  const planStats: PlanStepStats = { cycles: 0, coldStarts: 0, maxMemoryBytes: 0 };
  const lambda = options.lambda ?? { coldStartRate: 0, memory: 'durable' as const };
  const handlers = createActivityHandlers(deps) as unknown as Record<string, TaskHandler>;
  handlers['plan-cycle'] = createPlanStep(deps, { ...lambda, rng: mulberry32(hashString(`cold:${lambda.seed ?? 0}`)) }, planStats);
  workflows = new FastWorkflows(driver, handlers);
  let cycles = 0;
  for (let t = start; t < end; t += every) {
    const at = t;
    driver.at(at, () => {
      cycles += 1;
      workflows!.start('autoscale', { everySeconds: Math.round(every / 1000) } as JsonValue, autoscaleExecutionName(new Date(at)));
    });
  }
  await driver.runUntil(end);
  return {
    cluster,
    data: cluster.runData(),
    settings,
    start,
    end,
    cycles,
    failedExecutions: workflows.failures,
    plan: planStats,
    workflows: workflows.tally,
    realMs: performance.now() - began,
  };
}
