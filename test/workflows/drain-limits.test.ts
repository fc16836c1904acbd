/**
 * Limits that keep a drain's history within Step Functions' 25,000 events
 * (test/infra/quotas.test.ts proves the bound): a drain's polls slow down as
 * it goes on, and the wait for the billing window gives up after an hour.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const MIN = 60_000;
const entered = (history: HistoryEvent[], state: string) => history.filter((e) => e.type === 'StateEntered' && e.state === state);

function setup(workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const sim = simWorkflows({ cluster: 'c', start: START, workers, others: [{ hostname: 'admin1', layer: 'admin' }], ...extra } as never);
  return sim;
}

describe('drain-worker limits', () => {
  it('polls a long drain less often as it goes on, and still stops the worker when its job ends', async () => {
    const sim = setup(
      [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 30 },
        { hostname: 'worker2', state: 'online', uptimeMinutes: 30 },
      ],
      { billing: 'per-second', trace: { jobs: [{ at: '-1m', workflowOperation: 'encode', durationMinutes: 300, count: 1 }] } },
    );
    // The one encode job (5 h) runs on worker1 or worker2; drain that one.
    const busy = sim.cluster.jobs.find((j) => j.status === 'RUNNING')?.processingHost;
    const hostname = sim.cluster.instances.find((i) => i.baseUrl === busy)?.hostname ?? 'worker1';
    const ref = await sim.engine.start('drain-worker', { hostname, respectBillingWindow: false, maxDrainMinutes: 600, minWorkers: 1 }, { name: 'drain-long' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    const history = await sim.engine.history(ref);
    const checks = entered(history, 'CheckDrained').map((e) => Date.parse(e.at));
    const gaps = checks.slice(1).map((t, i) => (t - checks[i]!) / 1000);
    // 30 s at first, a tenth of the drain's age later on, at most 10 min; a 30 s poll would have made 600 checks.
    expect(gaps[0]).toBe(30);
    expect(Math.max(...gaps)).toBe(600);
    expect(checks.length).toBeLessThan(80);
    expect(entered(history, 'Stopped')).toHaveLength(1);
  });

  it('gives up waiting for the billing window after an hour (the instance restarted meanwhile) and leaves the worker in service', async () => {
    const sim = setup([
      { hostname: 'worker1', state: 'online', uptimeMinutes: 5 },
      { hostname: 'worker2', state: 'online', uptimeMinutes: 30 },
    ], { billing: 'hourly' });
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', minWorkers: 1 }, { name: 'drain-window' });
    // Restarted outside mo-scaler while the drain waits for minute 50, twice: its uptime starts again each time.
    const id = sim.cluster.instances.find((i) => i.hostname === 'worker1')!.opsworksId;
    for (const minute of [38, 80]) {
      await sim.vt.run({ deadline: Date.parse(START) + minute * MIN });
      sim.cluster.stopInstance(id);
      await sim.vt.run({ deadline: Date.parse(START) + (minute + 1) * MIN });
      sim.cluster.startInstance(id);
    }
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    const history = await sim.engine.history(ref);
    expect(entered(history, 'SkippedWindowNotReached')).toHaveLength(1);
    expect(entered(history, 'MaintenanceOn')).toHaveLength(0);
    const last = history.filter((e) => e.type === 'TaskSucceeded' && e.state === 'CheckBillingWindow').at(-1);
    expect(last?.reason).toMatch(/^WindowNotReached: billing window not reached after 61 min of waiting .*: left in service/);
    expect(Date.parse(last!.at) - Date.parse(START)).toBeGreaterThanOrEqual(61 * MIN);
  });
});
