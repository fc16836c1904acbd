import { describe, expect, it } from 'vitest';
import { createCheckBootHandler } from '../../activities/check-boot';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { startBoot, World } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker3', status: 'stopped' },
];
// start-worker gives the boot 30 minutes (maxBootMinutes' default).
const PAST_DEADLINE = 30 * 60;

interface Row {
  does: string;
  /** Seconds since the start; default one WaitForBoot (60 s). */
  waited?: number;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; message?: RegExp };
}

const online = (w: World) => w.setStatus('worker3', 'online');

const rows: Row[] = [
  { does: 'keeps waiting while the instance is still starting', expected: { state: 'booting', code: 'StartRequested' } },
  { does: 'keeps waiting when the instance is online but Opencast has not registered it', given: online, expected: { state: 'booting', code: 'InstanceOnline' } },
  {
    does: 'keeps waiting when Opencast registered the host before the instance finished its setup',
    given: (w) => {
      w.setStatus('worker3', 'running_setup');
      w.register('worker3');
    },
    expected: { state: 'booting', code: 'Registered' },
  },
  {
    does: 'ends the boot when the instance is online and Opencast lists the host online',
    given: (w) => {
      online(w);
      w.register('worker3');
    },
    expected: { state: 'online', code: 'Booted' },
  },
  {
    does: 'sends the worker to have maintenance switched off when it registered still in maintenance',
    given: (w) => {
      online(w);
      w.register('worker3', { maintenance: true });
    },
    expected: { state: 'returningToService', code: 'RegisteredInMaintenance' },
  },
  {
    does: 'keeps waiting when Opencast lists the host but not online',
    given: (w) => {
      online(w);
      w.register('worker3', { online: false });
    },
    expected: { state: 'booting', code: 'InstanceOnline' },
  },
  {
    does: 'keeps waiting when Opencast is down (registration unproven)',
    given: (w) => {
      online(w);
      w.register('worker3');
      w.opencast.down = true;
    },
    expected: { state: 'booting', code: 'InstanceOnline' },
  },
  { does: 'fails the boot when the provider reports start_failed', given: (w) => w.setStatus('worker3', 'start_failed'), expected: { state: 'startFailed', code: 'StartFailed', message: /start_failed/ } },
  { does: 'fails the boot when the provider reports setup_failed', given: (w) => w.setStatus('worker3', 'setup_failed'), expected: { state: 'startFailed', code: 'StartFailed', message: /setup_failed/ } },
  { does: 'ends the boot when the instance was stopped outside it', given: (w) => w.setStatus('worker3', 'stopped'), expected: { state: 'offline', code: 'InstanceStopped' } },
  { does: 'fails the boot at the deadline when the instance is still starting', waited: PAST_DEADLINE, expected: { state: 'startFailed', code: 'BootTimedOut' } },
  { does: 'fails the boot at the deadline when Opencast never registered the host', waited: PAST_DEADLINE, given: online, expected: { state: 'startFailed', code: 'BootTimedOut' } },
  {
    does: 'ends the boot rather than fails it when the worker is ready at the deadline',
    waited: PAST_DEADLINE,
    given: (w) => {
      online(w);
      w.register('worker3');
    },
    expected: { state: 'online', code: 'Booted' },
  },
];

describe('check-boot', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare: start-worker started worker3 (the instance is `requested`); the Wait passes.
    const w = new World(SPECS);
    const boot = await startBoot(w, { hostname: 'worker3', requestedBy: 'autoscale' });
    w.forgetCalls();
    w.wait(row.waited ?? 60);
    row.given?.(w);
    // Act
    const worker = await createCheckBootHandler(w.deps)(boot);
    // Assess
    expect({ state: worker.state, code: worker.reason.code }).toEqual({ state: row.expected.state, code: row.expected.code });
    if (row.expected.message) expect(worker.reason.message).toMatch(row.expected.message);
    expect(worker.hostUrl).toBe('http://worker3.internal');
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['the worker is gone from the cluster', (w: World) => w.remove('worker3'), 'WorkerNotFoundError', /no worker named "worker3"/],
    ['the state has no request', undefined, 'ConfigError', /check-boot input request/],
  ])('throws when %s, before any side effect', async (_, given, name, message) => {
    const w = new World(SPECS);
    const boot = await startBoot(w, { hostname: 'worker3' });
    w.forgetCalls();
    w.wait(60);
    given?.(w);
    const event = given ? boot : { worker: boot.worker };
    const error = await createCheckBootHandler(w.deps)(event).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
