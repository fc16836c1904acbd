import { describe, expect, it } from 'vitest';
import { createCheckBillingWindowHandler } from '../../activities/check-billing-window';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { beginDrain, World } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

// worker2 is 10 minutes into its hour: begin-drain makes it wait 40 minutes for the window (threshold 50).
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker4', uptimeMinutes: 0.5 },
];
const PER_SECOND = { MOSCALER_BILLING: 'per-second' };

interface Row {
  does: string;
  env?: Record<string, string>;
  hostname?: string;
  /** Seconds the Wait state lasted; default the waitSeconds begin-drain asked for. */
  waited?: number;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; waitSeconds?: number };
}

const rows: Row[] = [
  { does: 'sends the worker to maintenance when the wait reached the window', expected: { state: 'maintenance', code: 'BillingWindowReached' } },
  {
    does: 'waits again for the rest when the wait ended early (hourly)',
    waited: 10 * 60,
    expected: { state: 'awaitingBillingWindow', code: 'BelowBillingWindow', waitSeconds: 30 * 60 },
  },
  { does: 'sends the worker to maintenance once the 60 s minimum is used (per second)', env: PER_SECOND, hostname: 'worker4', expected: { state: 'maintenance', code: 'BillingWindowReached' } },
  {
    does: 'waits again, a minute at least, when the wait ended before the 60 s minimum was used (per second)',
    env: PER_SECOND,
    hostname: 'worker4',
    waited: 10,
    expected: { state: 'awaitingBillingWindow', code: 'BelowBillingWindow', waitSeconds: 60 },
  },
  // More queued load than the 8 free slots of worker1 and worker4 (c5.xlarge) take.
  { does: 'keeps the worker serving when demand returned during the wait', given: (w) => w.queue(12), expected: { state: 'online', code: 'DemandReturned' } },
  { does: 'keeps the worker serving when it became protected during the wait', given: (w) => w.protect('worker2'), expected: { state: 'online', code: 'Protected' } },
  {
    does: 'keeps the worker serving when the other workers stopped and the minimum is reached',
    given: (w) => ['worker1', 'worker4'].forEach((h) => w.setStatus(h, 'stopped')),
    expected: { state: 'online', code: 'MinimumReached' },
  },
  { does: 'ends the drain when the instance was stopped outside it', given: (w) => w.setStatus('worker2', 'stopped'), expected: { state: 'offline', code: 'InstanceStopped' } },
  {
    does: 'ends the drain when the instance is being stopped outside it',
    given: (w) => w.setStatus('worker2', 'stopping'),
    expected: { state: 'offline', code: 'InstanceStopped' },
  },
  // No side effect is at stake yet: maintenance-on needs Opencast, and check-drained fails closed without it.
  { does: 'goes on to maintenance when Opencast is down (demand unknown, nothing stopped here)', given: (w) => (w.opencast.down = true), expected: { state: 'maintenance', code: 'BillingWindowReached' } },
];

describe('check-billing-window', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare: begin-drain found the worker early in its window; the Wait state passes.
    const w = new World(SPECS, { env: row.env ?? {} });
    const state = await beginDrain(w, { hostname: row.hostname ?? 'worker2', requestedBy: 'autoscale', respectBillingWindow: true, minWorkers: 1 });
    expect(state.worker.state).toBe('awaitingBillingWindow');
    w.wait(row.waited ?? state.worker.waitSeconds!);
    row.given?.(w);
    // Act
    const worker = await createCheckBillingWindowHandler(w.deps)(state);
    // Assess
    expect({ state: worker.state, code: worker.reason.code }).toEqual({ state: row.expected.state, code: row.expected.code });
    if (row.expected.waitSeconds !== undefined) expect(worker.waitSeconds).toBe(row.expected.waitSeconds);
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['the worker is gone from the cluster', (w: World) => w.remove('worker2'), 'WorkerNotFoundError', /no worker named "worker2"/],
    ['the state has no worker slot', undefined, 'ConfigError', /check-billing-window input worker/],
  ])('throws when %s, before any side effect', async (_, given, name, message) => {
    const w = new World(SPECS);
    const state = await beginDrain(w, { hostname: 'worker2' });
    w.wait(state.worker.waitSeconds!);
    given?.(w);
    const event = given ? state : { request: state.request, executionName: state.executionName };
    const error = await createCheckBillingWindowHandler(w.deps)(event).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
