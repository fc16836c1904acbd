import { describe, expect, it } from 'vitest';
import { ENGINES, simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';

describe.each(ENGINES)('drain-worker workflow (engine %s)', (kind) => {
  it('waits for the billing window, then maintenance on, then stops an idle hourly worker', async () => {
    const sim = simWorkflows({
      cluster: 'c',
      start: START,
      billing: 'hourly',
      workers: [
        { hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20 },
        { hostname: 'worker2', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20 },
      ],
      others: [{ hostname: 'admin1', layer: 'admin' }],
    }, {}, undefined, kind);
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-t1' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    const history = await sim.engine.history(ref);
    const states = history.filter((e) => e.type === 'StateEntered').map((e) => e.state);
    expect(states.slice(0, 9)).toEqual(['Init', 'BeginDrain', 'SkipOrSettle', 'SettleListing', 'ClaimDrain', 'Route', 'WaitForBillingWindow', 'CheckBillingWindow', 'Route']);
    expect(states).toContain('MaintenanceOn');
    expect(states).toContain('StopInstance');
    expect(states.at(-1)).toBe('Stopped');
    const stopAt = history.find((e) => e.type === 'StateEntered' && e.state === 'StopInstance')!.at;
    // Launched 20 minutes before START: minute 50 of its hour is 30 minutes after START.
    expect(Date.parse(stopAt) - Date.parse(START)).toBeGreaterThanOrEqual(30 * 60_000);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker1')?.status).toMatch(/stopping|stopped/);
  });
});
