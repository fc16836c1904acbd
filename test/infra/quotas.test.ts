/**
 * Step Functions quotas of a Standard execution
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html):
 * at most 25,000 events in one execution's history, and 256 KiB for any
 * task's, state's or execution's input or output. Past either, the execution
 * fails in a way no Catch handles (a drain would leave its worker in maintenance).
 *
 * The history bound is computed from each ASL file (history-budget.ts) for the
 * longest boot and drain a request may ask for, at the fastest poll, with every
 * retry used; the sizes are measured on a 500-worker simulated cluster run
 * through the real workflows.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ACTIONS_PER_CYCLE } from '../../activities/plan-cycle';
import { DRAIN_POLL_MAX_SECONDS, pollInterval } from '../../activities/check-drained';
import { MAX_BOOT_MINUTES, MAX_DRAIN_MINUTES } from '../../core/workflow-requests';
import { STOP_CONFIRM_SECONDS } from '../../activities/stop-worker';
import { BILLING_WAIT_LIMIT_SECONDS, BILLING_WAIT_MIN_SECONDS } from '../../machines/worker-slot';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import type { HistoryEvent, JsonValue } from '../../engine/types';
import { createLocalWorkflows } from '../../wiring/local-workflows';
import { runtimeOnCluster, scenarioEnv } from '../../wiring/sim-runtime';
import { resolveSettings } from '../../core/settings';
import { VirtualTime } from '../../engine/virtual-time';
import { fromFakeTimers } from '../../sim/model/clock';
import { parseScenario } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { QUEUE_CONFIG, simWorkflows } from '../workflows/helpers';
import { historyBound, type LoopBudget } from './history-budget';

const HISTORY_LIMIT = 25_000;
/** The margin we keep: the worst case may use at most this share of the limit. */
const SAFE_SHARE = 0.8;
const SIZE_LIMIT = 256 * 1024;
/** The margin for sizes: the largest state on a 500-worker cluster stays under half the limit. */
const SAFE_SIZE = SIZE_LIMIT / 2;

const definition = (workflow: string): JsonValue =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../infra/workflows/${workflow}.asl.json`, import.meta.url)), 'utf8')) as JsonValue;

/** Each polling loop's time budget, from the limits the activities enforce, and its fastest poll. */
const BUDGETS: Record<string, Record<string, LoopBudget>> = {
  'boot-worker': {
    WaitForBoot: { seconds: MAX_BOOT_MINUTES * 60 },
    WaitForStop: { seconds: STOP_CONFIRM_SECONDS },
  },
  'drain-worker': {
    // The billing wait gives up after an hour and a check, each wait at least a minute.
    WaitForBillingWindow: { seconds: BILLING_WAIT_LIMIT_SECONDS, schedule: () => BILLING_WAIT_MIN_SECONDS },
    // At most one job left is the fastest poll; it slows as the drain goes on.
    WaitWhileDraining: { seconds: MAX_DRAIN_MINUTES * 60, schedule: (t) => pollInterval(0, t) },
    WaitForStop: { seconds: STOP_CONFIRM_SECONDS },
  },
  autoscale: {},
};

describe('history events of a Standard execution', () => {
  it.each(Object.keys(BUDGETS))('%s stays under 80 % of 25,000 events at its longest, fastest and most retried', (workflow) => {
    const bound = historyBound(definition(workflow), BUDGETS[workflow]!, MAX_ACTIONS_PER_CYCLE);
    expect(bound.total, JSON.stringify(bound)).toBeLessThan(HISTORY_LIMIT * SAFE_SHARE);
  });

  it('would not hold with the old 30 s drain poll over a 24 h drain (the bug this guards)', () => {
    const old = historyBound(definition('drain-worker'), { ...BUDGETS['drain-worker'], WaitWhileDraining: { seconds: MAX_DRAIN_MINUTES * 60, schedule: () => 30 } });
    expect(old.total).toBeGreaterThan(HISTORY_LIMIT);
  });

  it('polls a drain every 30 s while it is young, and at most every 10 min, never more than a tenth of its age later', () => {
    expect([0, 120, 299, 300, 600, 3000, 6000, 86_400].map((t) => pollInterval(1, t))).toEqual([30, 30, 30, 30, 60, 300, 600, DRAIN_POLL_MAX_SECONDS]);
    expect(pollInterval(3, 0)).toBe(60);
  });

  it('asks every polling loop for a budget', () => {
    expect(() => historyBound(definition('drain-worker'), { WaitForStop: { seconds: 60 } })).toThrow(/WaitForBillingWindow is on a loop and has no time budget/);
  });
});

describe('state input and output sizes on a 500-worker cluster', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  /**
   * Long hostnames: as long as execution names built from them still fit Step
   * Functions' 80 characters of [A-Za-z0-9_-] (`drain-<hostname>-<cycle>`) until
   * the execution-naming module hashes them (issue 14, item 1).
   */
  const HOST = 'worker-{n}-opencast-processing-example-univ';
  const START = '2025-10-13T10:00:00Z';

  function largest(history: HistoryEvent[]): { bytes: number; where: string } {
    let best = { bytes: 0, where: '' };
    for (const e of history) {
      for (const [field, value] of [['input', e.input], ['output', e.output]] as const) {
        if (value === undefined) continue;
        const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
        if (bytes > best.bytes) best = { bytes, where: `${e.execution} ${e.type} ${e.state ?? ''} ${field}` };
      }
    }
    return best;
  }

  it('keeps the Plan and the Map state of a cycle that releases 500 workers stranded in maintenance under half of 256 KiB', async () => {
    const scenario = parseScenario({
      cluster: 'big',
      start: START,
      workers: [{ hostname: HOST, count: 500, state: 'online', uptimeMinutes: 30, maintenance: true, instanceType: 'c5.9xlarge' }],
      others: [{ hostname: 'admin1', layer: 'admin' }],
      queue: { queued: 40, queuedHighLoad: 40 },
    });
    const vt = VirtualTime.install({ start: scenario.start });
    const clock = fromFakeTimers(vt.clock);
    const cluster = createSimCluster(scenario, clock);
    const settings = resolveSettings({}, scenarioEnv(scenario));
    const runtime = runtimeOnCluster(cluster, settings, clock);
    cleanup = async () => {
      vt.uninstall();
      await runtime.close();
    };
    // Each release observes all 500 workers (a hundred full observations): the Plan, the Map's state and its
    // items are what this measures, so the cycle is stopped as the Map starts (its output, a hundred small
    // results, is measured in the next test).
    let ref: Awaited<ReturnType<typeof engine.start>> | undefined;
    const engine = createLocalWorkflows({
      runtime,
      settings,
      autoscaleConfig: QUEUE_CONFIG,
      hooks: vt.hooks,
      onEvent: (e) => {
        if (e.type === 'StateEntered' && e.state === 'Act' && ref) void engine.stop(ref, { error: 'Measured', cause: 'the Map state has its input' });
      },
    });
    ref = await engine.start('autoscale', {}, { name: 'autoscale-big' });
    await vt.run({ until: () => engine.activeCount === 0 });
    const history = await engine.history(ref);
    const plan = history.find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan')!;
    expect((plan.output as { actions: unknown[] }).actions).toHaveLength(MAX_ACTIONS_PER_CYCLE);
    expect(plan.reason).toMatch(/400 more action\(s\) left for the next cycle/);
    expect(history.some((e) => e.type === 'StateEntered' && e.state === 'Act')).toBe(true);
    const big = largest(history);
    expect(big.bytes, big.where).toBeLessThan(SAFE_SIZE);
  });

  it('keeps every state of a cycle that starts a hundred workers, and of their boots, under half of 256 KiB', { timeout: 120_000 }, async () => {
    const config = parseAutoscaleConfig(
      { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }], up_increment: 100, down_increment: 1, pause_cycles: 1 },
      'test',
    );
    const sim = simWorkflows(
      {
        cluster: 'big',
        start: START,
        workers: [
          { hostname: HOST, count: 1, state: 'online', uptimeMinutes: 30, runningJobs: 2, instanceType: 'c5.9xlarge' },
          { hostname: HOST, count: 499, from: 2, state: 'stopped', hasEc2: true, instanceType: 'c5.9xlarge' },
        ],
        others: [{ hostname: 'admin1', layer: 'admin' }],
        queue: { queued: 500, queuedHighLoad: 500 },
      } as never,
      {},
      config,
    );
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-big-up' });
    await sim.vt.drive(sim.engine.wait(ref));
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    expect(boots).toHaveLength(100);
    // One boot followed to its end is enough: every boot's state is its own worker's, whatever the cluster's size.
    for (const b of boots.slice(1)) await sim.engine.stop(b.ref, { error: 'Measured', cause: 'one boot is followed' });
    await sim.vt.run({ until: sim.idle });
    expect((await sim.engine.wait(boots[0]!.ref)).status).toBe('SUCCEEDED');
    const all = [...(await sim.engine.history(ref)), ...(await sim.engine.history(boots[0]!.ref))];
    const big = largest(all);
    expect(big.bytes, big.where).toBeLessThan(SAFE_SIZE);
  });
});
