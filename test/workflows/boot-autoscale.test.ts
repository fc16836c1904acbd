import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { ENGINES, SETTLE_MS, simWorkflows, type EngineKind } from './helpers';

const START = '2025-10-13T10:00:00Z';
const online = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55, ...extra });
const stopped = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true, ...extra });
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

let kind: EngineKind = 'local';
function setup(workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const sim = simWorkflows({ cluster: 'c', start: START, billing: 'hourly', workers, others: [{ hostname: 'admin1', layer: 'admin' }], ...extra } as never, {}, undefined, kind);
  return sim;
}

describe.each(ENGINES)('on engine %s', (engine) => {
  beforeEach(() => {
    kind = engine;
  });

describe('boot-worker workflow', () => {
  it('starts a stopped worker and finishes once it is online and registered in Opencast', async () => {
    const sim = setup([online('worker1'), stopped('worker2')]);
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-t1' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    const history = await sim.engine.history(ref);
    expect(entered(history).at(-1)).toBe('Booted');
    const host = sim.cluster.hosts.find((h) => h.baseUrl.endsWith(sim.cluster.instances.find((i) => i.hostname === 'worker2')!.privateDns));
    expect(host).toMatchObject({ online: true, maintenance: false });
    // OpsWorks boot plus Opencast registration takes minutes of virtual time.
    expect(Date.parse(history.at(-1)!.at) - Date.parse(START)).toBeGreaterThan(4 * 60_000);
  });

  it('switches maintenance off when the worker comes back with the flag still set', async () => {
    const sim = setup([online('worker1'), stopped('worker2', { maintenance: true, registered: true })]);
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-m' });
    await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    expect(entered(history)).toContain('MaintenanceOff');
    expect(sim.cluster.hosts.filter((h) => h.maintenance)).toEqual([]);
  });

  it('fails with the reason when the instance does not start', async () => {
    const sim = setup([online('worker1'), stopped('worker2')], { faults: [{ at: '+0m', kind: 'start-failure', forMinutes: 60 }] });
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-f' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result).toMatchObject({ status: 'FAILED', error: 'StartFailed' });
  });
});

describe('autoscale workflow', () => {
  it('does nothing in three state transitions when idle', async () => {
    const sim = setup([online('worker1', { uptimeMinutes: 20 })]);
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-idle' });
    await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    expect(entered(history)).toEqual(['Plan', 'HasWork', 'Idle']);
    expect(history.find((e) => e.type === 'TaskSucceeded')?.reason).toMatch(/queue: down/);
  });

  it('starts a boot execution per chosen worker when the queue grows', async () => {
    const sim = setup([online('worker1'), stopped('worker2'), stopped('worker3')], { queue: { queued: 60, queuedHighLoad: 60 } });
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-up' });
    await sim.vt.drive(sim.engine.wait(ref));
    await sim.vt.run({ until: () => sim.idle() });
    await sim.vt.run({ deadline: Date.now() + SETTLE_MS });
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    expect(boots.map((b) => b.ref.name)).toEqual([expect.stringMatching(/^boot-worker\d-20251013T100000Z$/)]);
    expect(boots[0]?.status).toBe('SUCCEEDED');
  });

  it('after a drain killed in maintenance, the next cycle puts the worker back in service', async () => {
    const sim = setup([online('worker1', { runningJobs: 1 }), online('worker2'), online('worker3')]);
    const drain = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false }, { name: 'drain-worker1-k' });
    // Run until maintenance is on and the drain polls, then kill it (the process died).
    await sim.vt.run({ until: () => sim.cluster.hosts.some((h) => h.maintenance) });
    await sim.engine.stop(drain, { error: 'Killed', cause: 'scaler process killed' });
    expect(sim.cluster.hosts.filter((h) => h.maintenance)).toHaveLength(1);
    // The next cycle, once ListExecutions shows the drain ended (until then it is rightly a drain under way).
    await sim.vt.run({ deadline: sim.vt.clock.now + SETTLE_MS });
    const cycle = await sim.engine.start('autoscale', {}, { name: 'autoscale-after-kill' });
    await sim.vt.drive(sim.engine.wait(cycle));
    await sim.vt.run({ until: () => sim.idle() });
    const history = await sim.engine.history(cycle);
    expect(entered(history)).toContain('ReleaseMaintenance');
    expect(history.find((e) => e.type === 'TaskSucceeded' && e.state === 'ReleaseMaintenance')?.output).toMatchObject({ hostname: 'worker1', released: true });
    // Only serving hosts count: a stopped worker keeps its flag until its next boot clears it.
    expect(sim.cluster.hosts.filter((h) => h.online && h.maintenance)).toEqual([]);
    expect(sim.cluster.runData().counters.interruptions).toBe(0);
  });

  it('drains an idle worker late in its hour when every strategy votes down', async () => {
    const sim = setup([online('worker1', { uptimeMinutes: 52 }), online('worker2', { uptimeMinutes: 10 })]);
    const ref = await sim.engine.start('autoscale', {}, { name: 'autoscale-down' });
    await sim.vt.drive(sim.engine.wait(ref));
    await sim.vt.run({ until: () => sim.idle() });
    await sim.vt.run({ deadline: Date.now() + SETTLE_MS });
    const drains = await sim.engine.list({ workflow: 'drain-worker' });
    expect(drains.map((d) => [d.ref.name, d.status])).toEqual([['drain-worker1-20251013T100000Z', 'SUCCEEDED']]);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker1')?.status).toBe('stopped');
  });
});
});
