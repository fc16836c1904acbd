import { describe, expect, it } from 'vitest';
import { createActivityHandlers } from '../../wiring/activities';
import type { ActivityDeps } from '../../activities/support/deps';
import { pauseFromLastBoot } from '../../activities/plan-cycle';
import { strandedWorkers } from '../../core/stranded';
import { stamp } from '../../core/execution-names';
import { ConfigError } from '../../core/errors';
import { resolveSettings } from '../../core/settings';
import { FakeFleet, FakeMetrics, FakeOpencast } from '../helpers/fakes';
import { NOW, viewOf, type WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 10 }];

function deps() {
  const fleet = new FakeFleet(SPECS);
  const opencast = new FakeOpencast(SPECS);
  const d: ActivityDeps = {
    // Hourly billing (the legacy choice): a drain first waits for the billing window.
    settings: resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p', MOSCALER_BILLING: 'hourly' }),
    fleet,
    opencastAt: () => opencast,
    metrics: new FakeMetrics(),
    executions: { list: async () => [] },
    now: () => NOW,
  };
  return { d, fleet, opencast };
}

describe('activity inputs', () => {
  it.each([
    ['begin-drain', { request: { hostname: 'worker1', force: 'yes' }, executionName: 'x' }, /request\.force/],
    ['begin-drain', { request: { hostname: 'worker1\nInjected: yes' }, executionName: 'x' }, /request\.hostname: contains control characters/],
    ['begin-drain', { request: { hostname: 'w'.repeat(257) }, executionName: 'x' }, /request\.hostname: longer than 256/],
    // Any name is a possible Name tag: one the cluster does not have is refused before anything is done.
    ['begin-drain', { request: { hostname: '../../etc/passwd' }, executionName: 'x' }, /no worker named "\.\.\/\.\.\/etc\/passwd"/],
    ['begin-drain', { request: { hostname: 'worker1', maxDrainMinutes: 1e9 }, executionName: 'x' }, /maxDrainMinutes/],
    ['begin-drain', { request: { hostname: 'worker1', password: 'sneaky' }, executionName: 'x' }, /request/],
    ['start-worker', { request: {}, executionName: 'x' }, /request\.hostname/],
    ['set-maintenance', { on: 'true', worker: {} }, /set-maintenance input on/],
    ['stop-worker', { request: { hostname: 'worker1' }, worker: { hostname: 'worker1' } }, /stop-worker input worker/],
    ['plan-cycle', { everySeconds: -5 }, /everySeconds/],
    ['release-maintenance', { hostname: 42 }, /hostname/],
  ])('%s rejects a bad input naming the field, with no side effect', async (name, input, message) => {
    const { d, fleet, opencast } = deps();
    const handler = createActivityHandlers({ ...d, autoscaleConfig: { strategies: [], up_increment: 1, down_increment: 1, pause_cycles: 0 } })[name]!;
    const error = await handler(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(fleet.calls).toEqual([]);
    expect(opencast.calls).toEqual([]);
  });

  it('refuses to stop a worker whose lifecycle is not stopping', async () => {
    const { d, fleet } = deps();
    const handlers = createActivityHandlers(d);
    const slot = await handlers['begin-drain']!({ request: { hostname: 'worker2' }, executionName: 'drain-worker2-t' });
    expect(slot).toMatchObject({ state: 'awaitingBillingWindow' });
    await expect(handlers['stop-worker']!({ request: { hostname: 'worker2' }, worker: slot })).rejects.toThrow(/not stopping/);
    expect(fleet.calls).toEqual([]);
  });
});

describe('plan-cycle helpers', () => {
  it('names executions with a sortable UTC stamp', () => {
    expect(stamp(new Date('2025-10-13T04:05:06.789Z'))).toBe('20251013T040506Z');
  });

  it('pauses scale-up for pause_cycles cycles after the last boot', () => {
    const boot = '2025-10-13T04:00:02Z';
    expect(pauseFromLastBoot(boot, new Date('2025-10-13T04:01:00Z'), 1, 60)).toEqual({ cyclesLeft: 1 });
    expect(pauseFromLastBoot(boot, new Date('2025-10-13T04:02:00Z'), 1, 60)).toEqual({ cyclesLeft: 0 });
    expect(pauseFromLastBoot(undefined, new Date(), 3, 60)).toEqual({ cyclesLeft: 0 });
  });

  it('finds workers in maintenance with nothing draining them', () => {
    const view = viewOf([
      { hostname: 'worker1', maintenance: true },
      { hostname: 'worker2', maintenance: true },
      { hostname: 'worker3' },
    ]);
    expect(strandedWorkers(view, new Set(['worker2'])).map((w) => w.hostname)).toEqual(['worker1']);
  });
});
