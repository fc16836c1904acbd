import { describe, expect, it } from 'vitest';
import { churnOf, flapsOf, USD_PER_TRANSITION } from '../../bench/churn';
import { evaluate } from '../../bench/evaluator/evaluate';
import { loadScenario } from '../../bench/matrix';
import { outcomeOf } from '../../bench/service';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import type { BillingRun } from '../../sim/model/billing';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-03T05:00:00Z');
const run = (startMin: number, endMin: number | undefined, role = 'worker'): BillingRun => ({
  instanceId: `i-${startMin}`,
  hostname: `worker${startMin}`,
  instanceType: 'c5.9xlarge',
  role,
  start: T0 + startMin * 60_000,
  ...(endMin !== undefined ? { end: T0 + endMin * 60_000 } : {}),
});

describe('churn counters', () => {
  it('counts a flap when a worker started inside the run stops within the hour', () => {
    const runs = [run(10, 69), run(20, 80), run(30, undefined), run(-30, 10), run(40, 50, 'admin')];

    // 10..69 is a flap; 20..80 lasted the hour; 30.. still runs; -30 began before the run; admin is no worker.
    expect(flapsOf(runs, T0)).toBe(1);
  });

  it('reads drains, their ends, Skipped executions and the transitions’ monthly price from the workflows’ tally', () => {
    const tally = {
      transitions: 40_000,
      ends: { 'autoscale:Idle': 100, 'drain-worker:Stopped': 3, 'drain-worker:BackInService': 2, 'drain-worker:KeptForDemand': 1, 'drain-worker:SkippedAtMinimum': 4, 'boot-worker:SkippedDrainInProgress': 1, 'boot-worker:Booted': 5 },
    };
    const month = (365.25 / 12) * 24 * HOUR;

    const c = churnOf(tally, [], { start: T0, end: T0 + month / 2 }, 5);

    expect(c).toMatchObject({ starts: 5, drains: 6, backInService: 2, keptForDemand: 1, skipped: 5, transitions: 40_000 });
    // Half a month's 40,000 transitions: 80,000 a month at USD 0.025 per 1,000.
    expect(c.transitionsUsdPerMonth).toBeCloseTo(80_000 * USD_PER_TRANSITION, 9);
    expect(c.transitionsUsdPerMonth).toBeCloseTo(2, 9);
  });

  it('counts what the evaluator’s workflows did: every stop comes from a drain, every start from a boot', async () => {
    const scenario = loadScenario('scenarios/small-quiet.json');
    const config = parseAutoscaleConfig({ policy: { name: 'idle-timer', idle_minutes: 5 } }, 'test');

    const r = await evaluate({ scenario, config, durationMs: 14 * HOUR });
    const o = outcomeOf(r.data, { minWorkers: scenario.minWorkers });
    const c = churnOf(r.workflows, r.data.billingRuns, { start: r.start, end: r.end }, r.data.counters.starts);

    expect(o.starts).toBeGreaterThan(0);
    expect(r.workflows.ends['boot-worker:Booted']).toBe(o.starts);
    expect(r.workflows.ends['drain-worker:Stopped']).toBe(o.stops);
    expect(c.drains).toBeGreaterThanOrEqual(o.stops);
    expect(c.flaps).toBe(flapsOf(r.data.billingRuns, r.start));
    // At least the autoscale cycles' own states: one execution a minute, three states or more each.
    expect(c.transitions).toBeGreaterThan(3 * 14 * 60);
  }, 120_000);
});
