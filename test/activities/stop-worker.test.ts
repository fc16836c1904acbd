import { describe, expect, it } from 'vitest';
import { createCheckDrainedHandler } from '../../activities/check-drained';
import { createStopWorkerHandler } from '../../activities/stop-worker';
import { beginDrain, drainUntilDraining, drainUntilStopping, World, type WorkflowState } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker3', status: 'stopped' },
];

interface Row {
  does: string;
  /** The drain up to its StopInstance state (or, for a refusal, wherever a bad input would come from). */
  reach: (w: World) => Promise<WorkflowState>;
  expected: { stopped: string } | { refused: RegExp };
}

const rows: Row[] = [
  { does: 'stops the instance when the drain found the worker idle', reach: (w) => drainUntilStopping(w, { hostname: 'worker1' }), expected: { stopped: 'ow-worker1' } },
  {
    // Idleness was proven by the poll that sent it here; the stop asks only the provider.
    does: 'stops the instance when Opencast went down after the drain found the worker idle',
    reach: async (w) => {
      const stopping = await drainUntilStopping(w, { hostname: 'worker1' });
      w.opencast.down = true;
      return stopping;
    },
    expected: { stopped: 'ow-worker1' },
  },
  {
    does: 'stops a worker that never finished starting when begin-drain sent it straight to the stop',
    reach: async (w) => {
      // Booting for five minutes: past the minute in which a boot of it may not be listed yet (begin-drain.ts).
      w.setStatus('worker3', 'booting');
      w.fleet.instances.find((i) => i.hostname === 'worker3')!.launchTime = new Date(w.now().getTime() - 5 * 60_000).toISOString();
      return beginDrain(w, { hostname: 'worker3' });
    },
    expected: { stopped: 'ow-worker3' },
  },
  {
    does: 'stops a busy worker when a forced drain reached its deadline',
    reach: async (w) => {
      const draining = await drainUntilDraining(w, { hostname: 'worker1', force: true });
      w.runJobs('worker1', 2);
      w.wait(60 * 60);
      return { ...draining, worker: await createCheckDrainedHandler(w.deps)(draining) };
    },
    expected: { stopped: 'ow-worker1' },
  },
  { does: 'refuses while the worker is still draining', reach: (w) => drainUntilDraining(w, { hostname: 'worker1' }), expected: { refused: /lifecycle is in draining, not stopping/ } },
  {
    does: 'refuses while the worker waits for its billing window',
    reach: (w) => beginDrain(w, { hostname: 'worker2' }),
    expected: { refused: /lifecycle is in awaitingBillingWindow, not stopping/ },
  },
  {
    does: 'refuses a protected worker whose drain begin-drain refused',
    reach: async (w) => {
      w.protect('worker1');
      return beginDrain(w, { hostname: 'worker1' });
    },
    expected: { refused: /lifecycle is in online, not stopping/ },
  },
];

describe('stop-worker', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(SPECS);
    const state = await row.reach(w);
    w.forgetCalls();
    // Act
    const result = await createStopWorkerHandler(w.deps)(state).catch((e: unknown) => e);
    // Assess
    if ('stopped' in row.expected) {
      expect(result).toMatchObject({ state: 'stopping', deadline: new Date(w.now().getTime() + 15 * 60_000).toISOString() });
      expect(w.effects()).toEqual([`stop ${row.expected.stopped}`]);
    } else {
      expect(result).toMatchObject({ name: 'ScalingError', message: expect.stringMatching(row.expected.refused) });
      expect(w.effects()).toEqual([]);
    }
  });

  it('throws when the provider refuses the stop, having asked once', async () => {
    const w = new World(SPECS);
    const state = await drainUntilStopping(w, { hostname: 'worker1' });
    w.forgetCalls();
    w.fleet.failStop.add('ow-worker1');
    await expect(createStopWorkerHandler(w.deps)(state)).rejects.toThrow(/stop of ow-worker1 refused/);
    expect(w.effects()).toEqual(['stop ow-worker1']);
  });

  it('rejects a state without its request, before any side effect', async () => {
    const w = new World(SPECS);
    const { worker } = await drainUntilStopping(w, { hostname: 'worker1' });
    w.forgetCalls();
    await expect(createStopWorkerHandler(w.deps)({ worker })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/stop-worker input request/) });
    expect(w.effects()).toEqual([]);
  });
});
