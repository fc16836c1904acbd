import FakeTimers from '@sinonjs/fake-timers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../core/errors';
import { OpencastClient } from '../../../adapters/opencast/opencast-client';
import { createOpencastRouter } from '../../../sim/opencast/router';
import { RouterDispatcher } from '../../../sim/wire/undici-dispatcher';
import { OpencastTestState } from '../../fixtures/opencast-state';

/**
 * The simulator drives time with fake timers: the adapter's deadline and the
 * router's slow answers must both run on that clock, costing no real time.
 */
describe('OpencastClient on a virtual clock', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  let state: OpencastTestState;

  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    state = new OpencastTestState('15.0');
    state.faults.add('opencast-slow');
  });
  afterEach(() => clock.uninstall());

  const client = (timeoutMs?: number): OpencastClient =>
    new OpencastClient({
      baseUrl: 'http://admin1.internal',
      user: state.opencast.user,
      password: state.opencast.password,
      auth: 'digest',
      ...(timeoutMs ? { timeoutMs } : {}),
      dispatcher: new RouterDispatcher(createOpencastRouter(state)),
    });

  it('times out after the default 10 s of virtual time when Opencast is slow', async () => {
    let settled = false;
    const outcome = client()
      .listHosts()
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await clock.tickAsync(9_999);
    expect(settled).toBe(false);
    await clock.tickAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).toBe('opencast: GET /services/hosts.json: no answer within 10000 ms');
    expect(clock.countTimers()).toBe(0);
  });

  it('gets the slow answer when the deadline allows it (challenge and answer, 120 s each)', async () => {
    let hosts: unknown;
    const outcome = client(300_000).listHosts().then((h) => (hosts = h));
    await clock.tickAsync(120_000);
    expect(hosts).toBeUndefined();
    await clock.tickAsync(120_000);
    await outcome;
    expect(hosts).toHaveLength(3);
  });
});
