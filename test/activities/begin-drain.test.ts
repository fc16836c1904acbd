import { describe, expect, it } from 'vitest';
import { createBeginDrainHandler } from '../../activities/begin-drain';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { beginDrain, World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

// worker1 is 55 minutes into its hour (in the window at the default threshold of 50), worker2 10 minutes.
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker3', status: 'stopped' },
];
const EARLIER = new Date(NOW.getTime() - 10 * 60_000);

interface Row {
  does: string;
  specs?: WorkerSpec[];
  env?: Record<string, string>;
  request?: { hostname: string } & Record<string, string | number | boolean>;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; waitSeconds?: number; duplicate?: true; message?: RegExp; askedInputOf?: string[] };
}

const rows: Row[] = [
  { does: 'puts the worker into maintenance when it is in its billing window', expected: { state: 'maintenance', code: 'BillingWindowReached' } },
  {
    does: 'waits, still serving, until the window when the worker is early in its hour (hourly)',
    request: { hostname: 'worker2' },
    expected: { state: 'awaitingBillingWindow', code: 'BelowBillingWindow', waitSeconds: 40 * 60 },
  },
  {
    does: 'waits out the 60 s minimum when billing is per second and the worker just started',
    specs: [...SPECS, { hostname: 'worker4', uptimeMinutes: 0.5 }],
    env: { MOSCALER_BILLING: 'per-second' },
    request: { hostname: 'worker4' },
    // A billing-window check waits at least a minute (the wait's history stays small: docs/quotas.md).
    expected: { state: 'awaitingBillingWindow', code: 'BelowBillingWindow', waitSeconds: 60 },
  },
  {
    does: 'drains at once when billing is per second and the worker is past its first minute',
    env: { MOSCALER_BILLING: 'per-second' },
    request: { hostname: 'worker2' },
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  {
    does: 'drains at once when a manual scale down does not respect the billing window',
    request: { hostname: 'worker2', respectBillingWindow: false },
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  {
    does: 'drains a busy worker too (its jobs finish under maintenance) when it is in its window',
    given: (w) => w.runJobs('worker1', 2),
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  // The plan was made a moment ago; demand is re-checked by every poll that follows (check-billing-window, check-drained).
  {
    does: 'goes to maintenance even with jobs queued when the worker is in its window',
    given: (w) => w.queue(3),
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  { does: 'refuses when the worker is protected', given: (w) => w.protect('worker1'), expected: { state: 'online', code: 'Protected' } },
  {
    does: 'refuses when the worker is protected, even forced',
    request: { hostname: 'worker1', force: true },
    given: (w) => w.protect('worker1'),
    expected: { state: 'online', code: 'Protected' },
  },
  { does: 'refuses when stopping it would go below the minimum', env: { MOSCALER_MIN_WORKERS: '2' }, expected: { state: 'online', code: 'MinimumReached' } },
  {
    does: 'refuses when drains of other workers under way already take the cluster to the minimum',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker2', EARLIER), input: { hostname: 'worker2' } }),
    expected: { state: 'online', code: 'MinimumReached' },
  },
  {
    does: 'drains below the minimum when forced, without waiting for the window',
    env: { MOSCALER_MIN_WORKERS: '2' },
    request: { hostname: 'worker2', force: true },
    expected: { state: 'maintenance', code: 'ForcedDrain' },
  },
  {
    does: "drains when the request's minimum is lower than the setting",
    env: { MOSCALER_MIN_WORKERS: '2' },
    request: { hostname: 'worker1', minWorkers: 1 },
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  {
    does: 'goes straight to the stop when the worker is still starting and never served',
    request: { hostname: 'worker3' },
    given: (w) => {
      w.setStatus('worker3', 'booting');
      w.fleet.instances.find((i) => i.hostname === 'worker3')!.launchTime = new Date(NOW.getTime() - 5 * 60_000).toISOString();
    },
    expected: { state: 'stopping', code: 'StopRequested' },
  },
  // A boot started in the same second may not be listed yet (ListExecutions lags): the soak's console drain stopped it.
  {
    does: 'does nothing when the start was requested moments ago (a boot of it may not be listed yet)',
    request: { hostname: 'worker3' },
    given: (w) => w.setStatus('worker3', 'requested'),
    expected: { state: 'booting', code: 'AlreadyInProgress', duplicate: true, message: /was started moments ago \(requested\): a boot of it may not be listed yet/ },
  },
  {
    does: 'does nothing when EC2 launched the worker within the minute',
    request: { hostname: 'worker3' },
    given: (w) => {
      w.setStatus('worker3', 'pending');
      w.fleet.instances.find((i) => i.hostname === 'worker3')!.launchTime = new Date(NOW.getTime() - 20_000).toISOString();
    },
    expected: { state: 'booting', code: 'AlreadyInProgress', duplicate: true, message: /was started moments ago \(pending\)/ },
  },
  {
    does: 'does nothing when the worker runs but Opencast has not registered it yet',
    request: { hostname: 'worker2' },
    given: (w) => (w.opencast.hosts = w.opencast.hosts.filter((h) => h.baseUrl !== 'http://worker2.internal')),
    expected: { state: 'booting', code: 'NotActive', message: /not registered in Opencast yet/ },
  },
  {
    does: 'stops, rather than drains, a worker that has run past the boot timeout without Opencast registering it',
    given: (w) => (w.opencast.hosts = w.opencast.hosts.filter((h) => h.baseUrl !== 'http://worker1.internal')),
    expected: { state: 'stopping', code: 'StopRequested', message: /stopping it/ },
  },
  {
    does: 'fails closed when Opencast is down: idleness is not proven',
    given: (w) => (w.opencast.down = true),
    expected: { state: 'booting', code: 'OpencastUnavailable', message: /idleness not proven/ },
  },
  { does: 'does nothing when the worker is stopped', request: { hostname: 'worker3' }, expected: { state: 'offline', code: 'NotActive', message: /is stopped/ } },
  {
    does: 'does nothing when another drain, named for the worker, runs',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'drain-worker1-20261123T115000Z', input: { hostname: 'worker1' } }),
    expected: { state: 'online', code: 'AlreadyInProgress', duplicate: true, message: /already being drained by drain-worker1-20261123T115000Z/, askedInputOf: [] },
  },
  {
    does: 'does nothing when a drain started by hand under a free name acts on the worker (its input says so)',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'ops-cleanup', input: { hostname: 'worker1', force: true } }),
    expected: { state: 'online', code: 'AlreadyInProgress', duplicate: true, message: /by ops-cleanup/, askedInputOf: ['ops-cleanup'] },
  },
  {
    does: 'drains when a drain started by hand acts on another worker',
    env: { MOSCALER_MIN_WORKERS: '0' },
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'ops-cleanup', input: { hostname: 'worker2' } }),
    expected: { state: 'maintenance', code: 'BillingWindowReached', askedInputOf: ['ops-cleanup'] },
  },
  {
    does: "drains when the drain under way is of a worker whose name extends this one's",
    specs: [...SPECS, { hostname: 'worker10', uptimeMinutes: 20 }],
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker10', EARLIER), input: { hostname: 'worker10' } }),
    expected: { state: 'maintenance', code: 'BillingWindowReached' },
  },
  {
    does: 'does nothing while a boot of the worker runs (a booting worker looks idle)',
    given: (w) => w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker1', EARLIER), input: { hostname: 'worker1' } }),
    expected: { state: 'online', code: 'AlreadyInProgress', duplicate: true, message: /being started by boot-worker1-/ },
  },
];

describe('begin-drain', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(row.specs ?? SPECS, { env: row.env ?? {} });
    row.given?.(w);
    // Act: as drain-worker's Init and BeginDrain (its own execution is listed running, and is no duplicate).
    const { worker } = await beginDrain(w, row.request ?? { hostname: 'worker1' });
    // Assess
    const { state, code, waitSeconds, duplicate, message, askedInputOf } = row.expected;
    expect({ state: worker.state, code: worker.reason.code }).toEqual({ state, code });
    expect(worker.waitSeconds).toBe(waitSeconds);
    expect(worker.duplicate).toBe(duplicate);
    if (message) expect(worker.reason.message).toMatch(message);
    if (askedInputOf) expect(w.executions.asked).toEqual(askedInputOf);
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['a worker the cluster does not have', { hostname: 'worker9' }, 'WorkerNotFoundError', /no worker named "worker9"/],
    ['a request without a hostname', { force: true }, 'ConfigError', /begin-drain input request\.hostname/],
  ])('refuses %s before any side effect', async (_, request, name, message) => {
    const w = new World(SPECS);
    const error = await createBeginDrainHandler(w.deps)({ request, executionName: 'drain-manual' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
