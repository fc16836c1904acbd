/**
 * The live simulation behind `moscaler ui --sim`: autoscale cycles through the
 * real workflows on virtual time, paced, pausable, and the view it refreshes.
 */
import { timers as realTimers } from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import { observeCluster } from '../../scaler/observe';
import { ExecutionIndex } from '../../ui/execution-index';
import { LiveView } from '../../ui/live-view';
import { SimDriver } from '../../ui/sim-driver';
import { simWorkflows } from '../workflows/helpers';

const START = Date.parse('2025-10-13T10:00:00Z');

/** Three idle online workers and an empty queue: the queue strategy drains down to the floor of one. */
function idleCluster() {
  const sim = simWorkflows(
    {
      cluster: 'c',
      start: new Date(START).toISOString(),
      billing: 'per-second',
      minWorkers: 1,
      workers: ['worker1', 'worker2', 'worker3'].map((hostname) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online' as const, uptimeMinutes: 20 })),
      others: [{ hostname: 'admin1', layer: 'admin' as const }],
    },
    { MOSCALER_MIN_WORKERS: '1' },
  );
  return sim;
}

function liveSimulation(sim: ReturnType<typeof simWorkflows>, options: { paused?: boolean; minutes: number; speed?: number; skipQuiet?: boolean }) {
  let driver!: SimDriver;
  const view = new LiveView({
    mode: 'simulation',
    engine: 'local',
    observe: () => observeCluster({ fleet: sim.runtime.fleet, opencastAt: sim.runtime.opencastAt, now: sim.runtime.now, settings: sim.settings }),
    index: new ExecutionIndex(sim.engine),
    simulation: () => driver.status(),
    samples: () => sim.cluster.timeline(),
  });
  const stop = new AbortController();
  driver = new SimDriver({
    vt: sim.vt,
    engine: sim.engine,
    cluster: sim.cluster,
    everyMs: 60_000,
    speed: options.speed ?? 100_000,
    until: START + options.minutes * 60_000,
    paused: options.paused ?? false,
    ...(options.skipQuiet !== undefined ? { skipQuiet: options.skipQuiet } : {}),
    refreshMs: 0,
    onStep: async () => {
      await view.refresh();
      if (driver.status().finished) stop.abort();
    },
  });
  return { driver, view, stop, running: driver.run(stop.signal) };
}

describe('SimDriver', () => {
  it('runs autoscale cycles on virtual time until the end, and the view follows the scale-down', async () => {
    const sim = idleCluster();
    const { view, running } = liveSimulation(sim, { minutes: 10 });
    await running;

    const state = view.state();
    expect(state.simulation).toMatchObject({ cycles: 10, failedCycles: 0, finished: true, paused: false });
    expect(state.simulation!.virtualNow).toBe(new Date(START + 10 * 60_000).toISOString());
    expect(state.counts.byLifecycle).toMatchObject({ online: 1, offline: 2 });
    const drained = state.workers.filter((w) => w.lifecycle === 'offline');
    expect(drained.every((w) => w.execution?.workflow === 'drain-worker' && w.execution.status === 'SUCCEEDED')).toBe(true);

    const history = await view.workerHistory(drained[0]!.hostname);
    expect(history.transitions.filter((t) => !t.catchUp).map((t) => t.to)).toEqual(['maintenance', 'draining', 'stopping', 'offline']);
    const timeline = view.timeline();
    expect(timeline.items.filter((i) => i.kind === 'cycle').map((i) => i.title)).toEqual(expect.arrayContaining([expect.stringMatching(/: drain worker\d → /)]));
    // Every finished cycle is either listed (it acted or failed) or counted idle with its reason.
    const acted = timeline.items.filter((i) => i.kind === 'cycle').length;
    expect(timeline.idleCycles + acted).toBe(state.simulation!.cycles);
    expect(timeline.idleReasons.length).toBeGreaterThan(0);
    expect(timeline.idleReasons.every((r) => r.code && r.reason)).toBe(true);
    expect(state.churn).toMatchObject({ drains: 2, backInService: 0, abandoned: 0 });
    expect(state.target?.reason).toBeTruthy();
    // The drains' stops are marked on the chart.
    const chart = view.chartSvg()!;
    expect(chart).toMatch(/<path class="slots" d="M/);
    expect(chart.match(/<text class="marker-stop" data-count="(\d+)"/g)?.length).toBeGreaterThan(0);
  });

  it('does not move virtual time while paused, and goes on when resumed', async () => {
    const sim = idleCluster();
    const { driver, view, running } = liveSimulation(sim, { paused: true, minutes: 3 });
    // Real time passes (the global setTimeout is virtual here); virtual time must not.
    await new Promise((resolve) => realTimers.setTimeout(resolve, 100));
    expect(driver.status()).toMatchObject({ paused: true, cycles: 0, virtualNow: new Date(START).toISOString() });
    expect(view.state().counts.byLifecycle.online).toBe(3);

    driver.resume();
    await running;
    expect(driver.status()).toMatchObject({ paused: false, cycles: 3, finished: true });
  });

  it('fast-forwards a quiet start to ten minutes before the first recording arrives, and says so', async () => {
    const sim = simWorkflows({
      cluster: 'c',
      start: new Date(START).toISOString(),
      billing: 'per-second',
      workers: [{ hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20 }],
      others: [{ hostname: 'admin1', layer: 'admin' }],
      trace: { jobs: [{ at: '+3h', workflowOperation: 'encode', durationMinutes: 10, count: 2 }] },
    });
    const arrival = START + 3 * 3_600_000;
    // One virtual second per real second: paced, these 170 cycles would take almost three hours.
    const { driver, running } = liveSimulation(sim, { minutes: 170, speed: 1 });
    await running;

    expect(driver.status()).toMatchObject({
      finished: true,
      cycles: 170,
      failedCycles: 0,
      skipQuiet: true,
      skip: { from: new Date(START).toISOString(), to: new Date(arrival - 10 * 60_000).toISOString(), active: false },
      nextArrival: { at: new Date(arrival).toISOString(), recordingsInHour: 1 },
    });
  });

  it('does not fast-forward while a drain runs, nor when told not to', async () => {
    const sim = idleCluster();
    const { driver, running } = liveSimulation(sim, { minutes: 10, skipQuiet: false });
    await running;
    expect(driver.status()).toMatchObject({ skipQuiet: false, cycles: 10 });
    expect(driver.status().skip).toBeUndefined();

    await sim.done();
    const busy = idleCluster();
    const live = liveSimulation(busy, { minutes: 10 });
    await live.running;
    // The drains ran paced; only once they had ended did the quiet rest of the run go fast.
    const drains = await busy.engine.list({ workflow: 'drain-worker' });
    expect(drains.length).toBeGreaterThanOrEqual(2);
    const lastStop = Math.max(...drains.map((d) => Date.parse(d.stoppedAt!)));
    const skip = live.driver.status().skip!;
    expect(Date.parse(skip.from)).toBeGreaterThanOrEqual(lastStop);
    expect(skip).toMatchObject({ to: new Date(START + 10 * 60_000).toISOString(), active: false });
  });

  it('keeps its speed within bounds', () => {
    const sim = idleCluster();
    const driver = new SimDriver({ vt: sim.vt, engine: sim.engine, cluster: sim.cluster, everyMs: 60_000, speed: 0, until: START, onStep: async () => {} });
    expect(driver.status().speed).toBe(1);
    driver.setSpeed(1e9);
    expect(driver.status().speed).toBe(100_000);
  });
});
