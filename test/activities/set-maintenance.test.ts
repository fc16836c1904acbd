import { describe, expect, it } from 'vitest';
import { createCheckBootHandler } from '../../activities/check-boot';
import { createCheckDrainedHandler } from '../../activities/check-drained';
import { createSetMaintenanceHandler } from '../../activities/set-maintenance';
import type { WorkerState } from '../../machines/worker-lifecycle';
import type { WorkerSlot } from '../../machines/worker-slot';
import { beginDrain, drainUntilDraining, startBoot, World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker3', status: 'stopped' },
];
type Event = { on: unknown; worker: Partial<WorkerSlot>; request: unknown };
const minutesAfterNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

interface Row {
  does: string;
  /** The workflow up to its MaintenanceOn or MaintenanceOff state; returns that state's Parameters. */
  reach: (w: World) => Promise<Record<string, unknown>>;
  expected: { state: WorkerState; code: string; effect: string; waitSeconds?: number; deadline?: string };
}

const rows: Row[] = [
  {
    does: 'switches maintenance on and starts the drain clock when begin-drain found the worker in its window',
    reach: async (w) => {
      const { worker, request } = await beginDrain(w, { hostname: 'worker1', requestedBy: 'autoscale' });
      return { on: true, worker, request };
    },
    expected: { state: 'draining', code: 'MaintenanceOn', effect: 'maintenance-on http://worker1.internal', waitSeconds: 30, deadline: minutesAfterNow(60) },
  },
  {
    does: "gives running jobs the request's maxDrainMinutes when it has one",
    reach: async (w) => {
      const { worker, request } = await beginDrain(w, { hostname: 'worker1', maxDrainMinutes: 15 });
      return { on: true, worker, request };
    },
    expected: { state: 'draining', code: 'MaintenanceOn', effect: 'maintenance-on http://worker1.internal', waitSeconds: 30, deadline: minutesAfterNow(15) },
  },
  {
    does: 'switches maintenance off and puts the worker back in service when demand returned mid-drain',
    reach: async (w) => {
      const draining = await drainUntilDraining(w, { hostname: 'worker1' });
      w.wait(30);
      // More queued load than worker2's 4 free slots take: wanted after all.
      w.queue(8);
      const worker = await createCheckDrainedHandler(w.deps)(draining);
      return { on: false, worker, request: draining.request };
    },
    expected: { state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker1.internal' },
  },
  {
    does: 'switches maintenance off when a booted worker registered still in maintenance (boot-worker)',
    reach: async (w) => {
      const boot = await startBoot(w, { hostname: 'worker3' });
      w.wait(60);
      w.setStatus('worker3', 'online');
      w.register('worker3', { maintenance: true });
      const worker = await createCheckBootHandler(w.deps)(boot);
      return { on: false, worker };
    },
    expected: { state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker3.internal' },
  },
];

describe('set-maintenance', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(SPECS);
    const event = await row.reach(w);
    w.forgetCalls();
    // Act
    const worker = await createSetMaintenanceHandler(w.deps)(event);
    // Assess
    const { state, code, effect, waitSeconds, deadline } = row.expected;
    expect({ state: worker.state, code: worker.reason.code }).toEqual({ state, code });
    if (waitSeconds !== undefined) expect({ waitSeconds: worker.waitSeconds, deadline: worker.deadline }).toEqual({ waitSeconds, deadline });
    expect(w.effects()).toEqual([effect]);
  });

  it.each([
    { does: 'throws when Opencast is down, having switched nothing', given: (w: World) => (w.opencast.down = true), error: { message: /ECONNREFUSED/ } },
    { does: 'throws when the cluster has no admin node to reach Opencast at', given: (w: World) => w.remove('admin1'), error: { name: 'DependencyError', message: /no Opencast URL/ } },
    {
      does: 'throws when the slot carries no Opencast host URL (a hand-edited input)',
      edit: (event: Event) => delete event.worker.hostUrl,
      error: { name: 'DependencyError', message: /worker1 has no Opencast host URL/ },
    },
    { does: 'rejects an input whose `on` is not a boolean', edit: (event: Event) => (event.on = 'yes'), error: { name: 'ConfigError', message: /set-maintenance input on/ } },
    {
      does: 'refuses a switch the lifecycle does not owe (maintenance off for a slot entering maintenance)',
      edit: (event: Event) => (event.on = false),
      error: { name: 'ScalingError', message: /refusing to switch maintenance off for worker1: its lifecycle is in maintenance, not returningToService/ },
    },
  ])('$does', async ({ given, edit, error }) => {
    const w = new World(SPECS);
    const { worker, request } = await beginDrain(w, { hostname: 'worker1' });
    const event: Event = structuredClone({ on: true, worker, request });
    given?.(w);
    edit?.(event);
    const thrown = await createSetMaintenanceHandler(w.deps)(event).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ ...(error.name ? { name: error.name } : {}), message: expect.stringMatching(error.message) });
    expect(w.effects()).toEqual([]);
  });
});
