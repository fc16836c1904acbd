import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/support/deps';
import { withSharedObservations } from '../../wiring/shared-observer';
import { observe } from '../../activities/support/observe';
import { resolveSettings } from '../../core/settings';
import { FakeFleet, FakeMetrics, FakeOpencast } from '../helpers/fakes';

describe('withSharedObservations', () => {
  it('observes once per instant and again after any change to the cluster', async () => {
    const specs = [{ hostname: 'worker1', uptimeMinutes: 55 }];
    const fleet = new FakeFleet(specs);
    let listed = 0;
    const list = fleet.listInstances.bind(fleet);
    fleet.listInstances = async () => {
      listed += 1;
      return list();
    };
    let now = new Date('2025-10-13T04:00:00Z');
    const base: ActivityDeps = {
      settings: resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' }),
      fleet,
      opencastAt: () => new FakeOpencast(specs),
      metrics: new FakeMetrics(),
      executions: { list: async () => [] },
      now: () => now,
    };
    const deps = withSharedObservations(base, observe);
    await Promise.all([observe(deps), observe(deps), observe(deps)]);
    expect(listed).toBe(1);
    await deps.fleet.stopInstance('ow-worker1');
    const after = await observe(deps);
    expect(listed).toBe(2);
    expect(after.view.workers[0]?.state).toBe('stopping');
    now = new Date('2025-10-13T04:00:30Z');
    await observe(deps);
    expect(listed).toBe(3);
  });
});
