import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { runSimulation } from '../../wiring/sim-run';
import { parseScenario } from '../../sim/model/scenario';

/** Three idle workers, five stopped, no workload, floor 1. */
const scenario = parseScenario(
  {
    cluster: 'sim-policies',
    start: '2025-09-08T14:00:00Z',
    billing: 'per-second',
    minWorkers: 1,
    workers: [
      { hostname: 'worker{n}', count: 3, state: 'online', uptimeMinutes: 30 },
      { hostname: 'worker{n}', count: 5, from: 4, state: 'stopped', hasEc2: true, registered: true },
    ],
    others: [{ hostname: 'admin1', layer: 'admin' }],
  },
  'test',
);

const run = (policy: Record<string, unknown>, minutes: number) =>
  runSimulation({ scenario, config: parseAutoscaleConfig({ policy }, 'test'), durationMs: minutes * 60_000, engine: 'local' });

describe('policies through the autoscale, boot and drain workflows', () => {
  it('acts on a policy decision: static peak starts the missing workers once', async () => {
    const result = await run({ name: 'static-peak', workers: 5 }, 15);

    expect(result.stats.starts).toBe(2);
    expect(result.stats.stops).toBe(0);
    expect(result.cycleLog.filter((c) => c.action === 'start')).toHaveLength(1);
  });

  it('carries a policy’s memory from cycle to cycle: the idle timer drains after its timer, not before', async () => {
    const early = await run({ name: 'idle-timer', idle_minutes: 5 }, 4);
    const late = await run({ name: 'idle-timer', idle_minutes: 5 }, 10);

    expect(early.stats.stops).toBe(0);
    // Two idle workers drained; the floor keeps the third.
    expect(late.stats.stops).toBe(2);
    expect(late.stats.jobs.interrupted).toBe(0);
  });
});
