import { describe, expect, it } from 'vitest';
import { evaluate } from '../../bench/evaluator/evaluate';
import { loadScenario } from '../../bench/matrix';
import { outcomeOf } from '../../bench/service';
import { runSimulation } from '../../wiring/sim-run';
import { parseAutoscaleConfig } from '../../core/autoscale-config';

const HOUR = 3_600_000;
const scenario = loadScenario('scenarios/small-quiet.json');
const headroom = parseAutoscaleConfig({ policy: { name: 'headroom', spare_workers: 0 } }, 'test');
const idleTimer = parseAutoscaleConfig({ policy: { name: 'idle-timer', idle_minutes: 5 } }, 'test');

describe('fast evaluator', () => {
  it('gives the full workflow stack’s figures on the same scenario', async () => {
    const durationMs = 14 * HOUR;

    const fast = await evaluate({ scenario, config: idleTimer, durationMs });
    const full = await runSimulation({ scenario, config: idleTimer, durationMs, engine: 'local' });

    const a = outcomeOf(fast.data, { minWorkers: scenario.minWorkers });
    const b = outcomeOf(full.data, { minWorkers: scenario.minWorkers });
    expect(a.billed['per-second']).toBeCloseTo(b.billed['per-second'], 6);
    expect(a.turnaround).toEqual(b.turnaround);
    expect([a.starts, a.stops, a.interrupted]).toEqual([b.starts, b.stops, b.interrupted]);
    expect(fast.failedExecutions).toEqual([]);
    expect(a.starts).toBeGreaterThan(0);
  }, 120_000);

  it('gives the same run when every cycle is a cold start whose memory is restored from the last output', async () => {
    const durationMs = 10 * HOUR;

    const warm = await evaluate({ scenario, config: idleTimer, durationMs });
    const cold = await evaluate({ scenario, config: idleTimer, durationMs, lambda: { coldStartRate: 1, memory: 'durable' } });

    expect(cold.plan.coldStarts).toBe(cold.plan.cycles);
    expect(outcomeOf(cold.data, { minWorkers: 1 })).toEqual(outcomeOf(warm.data, { minWorkers: 1 }));
    expect(warm.plan.maxMemoryBytes).toBeGreaterThan(0);
    // The warm run's idle timers do expire: the contrast the next test relies on.
    expect(outcomeOf(warm.data, { minWorkers: 1 }).stops).toBeGreaterThan(0);
  }, 120_000);

  it('loses the idle timers when a cold start finds no memory: no worker is ever idle long enough to drain', async () => {
    const durationMs = 10 * HOUR;

    const lost = await evaluate({ scenario, config: idleTimer, durationMs, lambda: { coldStartRate: 1, memory: 'lost' } });

    expect(outcomeOf(lost.data, { minWorkers: 1 }).stops).toBe(0);
    expect(lost.plan.coldStarts).toBe(lost.plan.cycles);
  }, 120_000);

  it('runs the plan every two minutes when told', async () => {
    const run = await evaluate({ scenario, config: headroom, durationMs: 2 * HOUR, everyMs: 120_000 });

    expect(run.cycles).toBe(60);
    expect(run.plan.cycles).toBe(60);
  }, 60_000);
});
