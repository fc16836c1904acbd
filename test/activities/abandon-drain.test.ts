import { describe, expect, it } from 'vitest';
import { createAbandonDrainHandler } from '../../activities/abandon-drain';
import { createCheckDrainedHandler } from '../../activities/check-drained';
import { createSetMaintenanceHandler } from '../../activities/set-maintenance';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { beginDrain, drainUntilDraining, drainUntilStopping, World, type WorkflowState } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
];
// What a Catch adds to the state (ResultPath $.error); $.worker stays as the failed step found it.
const CAUGHT = { Error: 'DependencyError', Cause: 'opencast: 503 Service Unavailable' };

interface Row {
  does: string;
  /** The drain up to the step that failed: the state its Catch hands to AbandonDrain. */
  reach: (w: World) => Promise<WorkflowState>;
  given?: (w: World) => void;
  expected: { from: WorkerState; state: WorkerState; code: string; effect: string | null } | { from: WorkerState; error: RegExp };
}

const rows: Row[] = [
  {
    does: 'switches maintenance off and returns the worker to service when switching it on failed',
    reach: async (w) => {
      const begun = await beginDrain(w, { hostname: 'worker1' });
      w.opencast.down = true;
      await expect(createSetMaintenanceHandler(w.deps)({ on: true, worker: begun.worker, request: begun.request })).rejects.toThrow();
      w.opencast.down = false;
      return begun;
    },
    expected: { from: 'maintenance', state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker1.internal' },
  },
  {
    does: 'switches maintenance off and returns the worker to service when a poll of the drain failed',
    reach: (w) => drainUntilDraining(w, { hostname: 'worker1' }),
    expected: { from: 'draining', state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker1.internal' },
  },
  {
    does: 'switches maintenance off when the billing-window check failed (the flag may be on already)',
    reach: (w) => beginDrain(w, { hostname: 'worker2' }),
    expected: { from: 'awaitingBillingWindow', state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker2.internal' },
  },
  {
    does: 'switches maintenance off again when switching it off failed',
    reach: async (w) => {
      const draining = await drainUntilDraining(w, { hostname: 'worker1' });
      // More queued load than worker2's 4 free slots take: wanted after all.
      w.queue(8);
      return { ...draining, worker: await createCheckDrainedHandler(w.deps)(draining) };
    },
    expected: { from: 'returningToService', state: 'online', code: 'MaintenanceOff', effect: 'maintenance-off http://worker1.internal' },
  },
  {
    does: 'leaves the worker out of service, switching nothing, when the stop may have been sent',
    reach: (w) => drainUntilStopping(w, { hostname: 'worker1' }),
    expected: { from: 'stopping', state: 'stopFailed', code: 'StopUnconfirmed', effect: null },
  },
  {
    does: 'returns the worker to service in its lifecycle but switches nothing when the cluster has no admin node',
    reach: (w) => drainUntilDraining(w, { hostname: 'worker1' }),
    given: (w) => w.remove('admin1'),
    expected: { from: 'draining', state: 'returningToService', code: 'DrainAbandoned', effect: null },
  },
  {
    // The drain then ends Failed; the next autoscale cycle finds the worker stranded and releases it.
    does: 'fails, having switched nothing, when Opencast is down',
    reach: (w) => drainUntilDraining(w, { hostname: 'worker1' }),
    given: (w) => (w.opencast.down = true),
    expected: { from: 'draining', error: /ECONNREFUSED/ },
  },
];

describe('abandon-drain', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(SPECS);
    const state = await row.reach(w);
    expect(state.worker.state).toBe(row.expected.from);
    w.forgetCalls();
    row.given?.(w);
    // Act
    const result = await createAbandonDrainHandler(w.deps)({ ...state, error: CAUGHT }).catch((e: unknown) => e);
    // Assess
    if ('error' in row.expected) {
      expect(result).toBeInstanceOf(Error);
      expect((result as Error).message).toMatch(row.expected.error);
      expect(w.effects()).toEqual([]);
    } else {
      const { state: expectedState, code, effect } = row.expected;
      expect(result).toMatchObject({ state: expectedState, reason: { code } });
      expect(w.effects()).toEqual(effect ? [effect] : []);
    }
  });

  it('rejects a state without its worker slot, before any side effect', async () => {
    const w = new World(SPECS);
    const { request } = await drainUntilDraining(w, { hostname: 'worker1' });
    w.forgetCalls();
    await expect(createAbandonDrainHandler(w.deps)({ request, error: CAUGHT })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/abandon-drain input worker/) });
    expect(w.effects()).toEqual([]);
  });
});
