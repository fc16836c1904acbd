import { describe, expect, it } from 'vitest';
import { createCheckStoppedHandler } from '../../activities/check-stopped';
import { createStopWorkerHandler } from '../../activities/stop-worker';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { drainUntilStopping, World } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
];
// stop-worker gives the stop 15 minutes.
const PAST_DEADLINE = 15 * 60;

interface Row {
  does: string;
  /** Seconds since the stop was sent; default one WaitForStop (30 s). */
  waited?: number;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; message?: RegExp } | { error: string; message: RegExp };
}

const rows: Row[] = [
  { does: 'confirms the stop when the provider reports the instance stopped', given: (w) => w.setStatus('worker1', 'stopped'), expected: { state: 'offline', code: 'StopConfirmed' } },
  { does: 'confirms the stop without Opencast (only the provider is asked)', given: (w) => { w.setStatus('worker1', 'stopped'); w.opencast.down = true; }, expected: { state: 'offline', code: 'StopConfirmed' } },
  { does: 'keeps waiting while the instance is still stopping', expected: { state: 'stopping', code: 'JobsDrained' } },
  { does: 'gives up when the instance is still stopping at the deadline', waited: PAST_DEADLINE, expected: { state: 'stopFailed', code: 'StopFailed', message: /still stopping at the deadline/ } },
  { does: 'fails the step when the instance went to terminated', given: (w) => w.setStatus('worker1', 'terminated'), expected: { error: 'DependencyError', message: /worker1 went to terminated while stopping/ } },
  { does: 'fails the step when the instance went to start_failed', given: (w) => w.setStatus('worker1', 'start_failed'), expected: { error: 'DependencyError', message: /went to start_failed while stopping/ } },
  {
    does: 'gives up rather than fails when the instance is terminated at the deadline',
    waited: PAST_DEADLINE,
    given: (w) => w.setStatus('worker1', 'terminated'),
    expected: { state: 'stopFailed', code: 'StopFailed', message: /still terminated at the deadline/ },
  },
  { does: 'fails the step when the instance is gone from the cluster', given: (w) => w.remove('worker1'), expected: { error: 'WorkerNotFoundError', message: /no worker named "worker1"/ } },
];

describe('check-stopped', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare: the drain found worker1 idle and stop-worker sent the stop (the instance is `stopping`).
    const w = new World(SPECS);
    const state = await drainUntilStopping(w, { hostname: 'worker1' });
    const stopping = { ...state, worker: await createStopWorkerHandler(w.deps)(state) };
    w.forgetCalls();
    w.wait(row.waited ?? 30);
    row.given?.(w);
    // Act
    const result = await createCheckStoppedHandler(w.deps)(stopping).catch((e: unknown) => e);
    // Assess
    if ('error' in row.expected) {
      expect(result).toMatchObject({ name: row.expected.error, message: expect.stringMatching(row.expected.message) });
    } else {
      const { state: expectedState, code, message } = row.expected;
      expect(result).toMatchObject({ state: expectedState, reason: { code, ...(message ? { message: expect.stringMatching(message) } : {}) } });
    }
    expect(w.effects()).toEqual([]);
  });

  it('rejects a state without its worker slot, before any side effect', async () => {
    const w = new World(SPECS);
    const { request } = await drainUntilStopping(w, { hostname: 'worker1' });
    w.forgetCalls();
    await expect(createCheckStoppedHandler(w.deps)({ request })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/check-stopped input worker/) });
    expect(w.effects()).toEqual([]);
  });
});
