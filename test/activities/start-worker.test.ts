import { describe, expect, it } from 'vitest';
import { createStartWorkerHandler } from '../../activities/start-worker';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { bootWorker, World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker3', status: 'stopped' },
];
const EARLIER = new Date(NOW.getTime() - 5 * 60_000);
const minutesAfterNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

interface Row {
  does: string;
  request?: { hostname: string } & Record<string, string | number>;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; started: boolean; deadline?: string; duplicate?: true; message?: RegExp };
}

const rows: Row[] = [
  { does: 'starts a stopped worker and gives its boot 30 minutes', expected: { state: 'booting', code: 'StartRequested', started: true, deadline: minutesAfterNow(30) } },
  {
    does: "gives the boot the request's maxBootMinutes",
    request: { hostname: 'worker3', maxBootMinutes: 10 },
    expected: { state: 'booting', code: 'StartRequested', started: true, deadline: minutesAfterNow(10) },
  },
  { does: 'starts a worker again when its last start failed', given: (w) => w.setStatus('worker3', 'start_failed'), expected: { state: 'booting', code: 'StartRequested', started: true } },
  // Fail closed is about stops: a start loses no job, and scale-up goes on without Opencast.
  { does: 'starts a stopped worker while Opencast is down', given: (w) => (w.opencast.down = true), expected: { state: 'booting', code: 'StartRequested', started: true } },
  // Protection keeps a worker from drains and stops, not from serving.
  { does: 'starts a protected worker', given: (w) => w.protect('worker3'), expected: { state: 'booting', code: 'StartRequested', started: true } },
  { does: 'adopts a worker already online and registered without starting it', request: { hostname: 'worker1' }, expected: { state: 'online', code: 'Booted', started: false } },
  {
    does: 'adopts a worker already starting without starting it again',
    given: (w) => w.setStatus('worker3', 'requested'),
    expected: { state: 'booting', code: 'StartedOutside', started: false, deadline: minutesAfterNow(30) },
  },
  {
    does: 'adopts a running worker Opencast has not registered yet, to wait for its registration',
    request: { hostname: 'worker1' },
    given: (w) => (w.opencast.hosts = w.opencast.hosts.filter((h) => h.baseUrl !== 'http://worker1.internal')),
    expected: { state: 'booting', code: 'StartedOutside', started: false },
  },
  {
    does: 'does not start a worker that is still stopping',
    given: (w) => w.setStatus('worker3', 'stopping'),
    expected: { state: 'offline', code: 'NotActive', started: false },
  },
  {
    does: 'does nothing when another boot, named for the worker, runs',
    given: (w) => w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker3', EARLIER), input: { hostname: 'worker3' } }),
    expected: { state: 'offline', code: 'AlreadyInProgress', started: false, duplicate: true, message: /already being started by boot-worker3-20261123T115500Z/ },
  },
  {
    does: 'does nothing when a boot started by hand under a free name acts on the worker (its input says so)',
    given: (w) => w.executions.add({ workflow: BOOT_WORKFLOW, name: 'console-boot', input: { hostname: 'worker3' } }),
    expected: { state: 'offline', code: 'AlreadyInProgress', started: false, duplicate: true, message: /by console-boot/ },
  },
  {
    does: 'does nothing while a drain of the worker runs (it may still be confirming its stop)',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker3', EARLIER), input: { hostname: 'worker3' } }),
    expected: { state: 'offline', code: 'AlreadyInProgress', started: false, duplicate: true, message: /being drained by drain-worker3-/ },
  },
  {
    does: 'starts the worker when a boot started by hand acts on another worker',
    given: (w) => w.executions.add({ workflow: BOOT_WORKFLOW, name: 'console-boot', input: { hostname: 'worker2' } }),
    expected: { state: 'booting', code: 'StartRequested', started: true },
  },
];

describe('start-worker', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(SPECS);
    row.given?.(w);
    // Act: as boot-worker's Init and StartInstance (its own execution is listed running, and is no duplicate).
    const { worker } = await bootWorker(w, row.request ?? { hostname: 'worker3' });
    // Assess
    const { state, code, started, deadline, duplicate, message } = row.expected;
    expect({ state: worker.state, code: worker.reason.code, duplicate: worker.duplicate }).toEqual({ state, code, duplicate });
    if (deadline) expect(worker.deadline).toBe(deadline);
    if (message) expect(worker.reason.message).toMatch(message);
    expect(w.effects()).toEqual(started ? [`start ow-${worker.hostname}`] : []);
  });

  it('throws when the provider refuses the start, having asked once', async () => {
    const w = new World(SPECS);
    w.fleet.failStart.add('ow-worker3');
    await expect(bootWorker(w, { hostname: 'worker3' })).rejects.toThrow(/InsufficientInstanceCapacity/);
    expect(w.effects()).toEqual(['start ow-worker3']);
  });

  it.each([
    ['a worker the cluster does not have', { hostname: 'worker9' }, 'WorkerNotFoundError', /no worker named "worker9"/],
    ['a request without a hostname', { maxBootMinutes: 10 }, 'ConfigError', /start-worker input request\.hostname/],
  ])('refuses %s before any side effect', async (_, request, name, message) => {
    const w = new World(SPECS);
    const error = await createStartWorkerHandler(w.deps)({ request, executionName: 'boot-manual' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
