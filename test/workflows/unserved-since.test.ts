/**
 * The unserved-billing stop measures a worker's time without serving from the
 * later of its launch and the last cycle that saw it serving (issue 23 finding,
 * 1,000-day soak seed 496746): a worker that has run for hours and whose
 * Opencast restarts under a new URL (`host-moved`) is not stopped while it
 * registers again, and is stopped when it does not come back within the boot
 * timeout. Autoscale cycles each minute, through the real ASL and activities.
 */
import { describe, expect, it } from 'vitest';
import { autoscaleExecutionName } from '../../core/execution-names';
import { BOOT_TIMEOUT_MINUTES } from '../../core/serving';
import { recordEffects } from '../../reliability/effects';
import type { EffectRecord } from '../../reliability/invariants';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const MIN = 60_000;
const MOVED_AT_MINUTE = 5;

/** Two workers up for five hours, a floor of two (no scale-in), worker1's host moved at minute 5. */
function world(registerMs?: number) {
  const sim = simWorkflows(
    {
      cluster: 'c',
      start: START,
      billing: 'per-second',
      minWorkers: 2,
      workers: [{ hostname: 'worker{n}', count: 2, state: 'online', uptimeMinutes: 300 }],
      others: [{ hostname: 'admin1', layer: 'admin' }],
      faults: [{ at: `+${MOVED_AT_MINUTE}m`, kind: 'host-moved', forMinutes: 120, target: 'worker1' }],
      ...(registerMs !== undefined ? { timings: { registerMs } } : {}),
    },
    { MOSCALER_MIN_WORKERS: '2' },
  );
  const effects: EffectRecord[] = [];
  recordEffects(sim.cluster, (e) => effects.push(e));
  return { sim, effects };
}

/** One autoscale execution per minute for `minutes`, each run to its end. */
async function cycles(sim: ReturnType<typeof simWorkflows>, minutes: number): Promise<void> {
  const start = Date.parse(START);
  for (let i = 0; i < minutes; i++) {
    const t = start + i * MIN;
    await sim.vt.run({ deadline: t });
    await sim.vt.drive(sim.engine.wait(await sim.engine.start('autoscale', {}, { name: autoscaleExecutionName(new Date(t)) })));
  }
  await sim.vt.run({ until: () => sim.idle(), deadline: sim.vt.clock.now + 3_600_000 });
}

const stopsOf = (effects: readonly EffectRecord[], hostname: string) => effects.filter((e) => e.op === 'stop' && e.changed && e.hostname === hostname);

describe('unserved-billing stop after a long-running worker loses its host', () => {
  it('does not stop a worker that has run for hours while its Opencast restarts and registers again', async () => {
    // Opencast's default start-up (90 s): the first cycles after the move see the old row offline and no new one.
    const { sim, effects } = world();
    await cycles(sim, 15);
    expect(stopsOf(effects, 'worker1')).toEqual([]);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker1')?.status).toBe('online');
  });

  it('still stops it once it has gone without serving for the timeout since it was last seen serving', async () => {
    // Opencast takes 45 minutes to come up: past the boot timeout, the worker bills without serving.
    const { sim, effects } = world(45 * MIN);
    await cycles(sim, MOVED_AT_MINUTE + BOOT_TIMEOUT_MINUTES + 3);
    const [stop] = stopsOf(effects, 'worker1');
    expect(stop).toBeDefined();
    const minutesAfterMove = (stop!.at - Date.parse(START)) / MIN - MOVED_AT_MINUTE;
    // Counted from the last cycle that saw it serving (minute 4 or 5), not from its launch five hours ago.
    expect(minutesAfterMove).toBeGreaterThanOrEqual(BOOT_TIMEOUT_MINUTES - 2);
    expect(minutesAfterMove).toBeLessThanOrEqual(BOOT_TIMEOUT_MINUTES + 2);
    expect(stopsOf(effects, 'worker2')).toEqual([]);
    // The reason people read says since when it has not served, not how long the instance has run.
    const [drain] = (await sim.engine.list({ workflow: 'drain-worker' })).filter((d) => d.ref.name.startsWith('drain-worker1-'));
    const begin = (await sim.engine.history(drain!.ref)).find((e) => e.type === 'TaskSucceeded' && e.state === 'BeginDrain');
    expect(begin?.reason).toMatch(/^StopRequested: worker1 has not served in the (29|30) min since 2025-10-13T10:0[45]:\d\dZ \(up 3\d\d min\) and its host .* is offline in Opencast: stopping it$/);
    // The plan's own words, which it passed as the drain's reason.
    expect(await sim.engine.input(drain!.ref)).toMatchObject({
      reason: expect.stringMatching(/^worker1 has not served in the (29|30) min since a cycle last saw it serving at 2025-10-13T10:0[45]:\d\dZ \(up 3\d\d min\) and /),
      unservedSince: expect.stringMatching(/^2025-10-13T10:0[45]/),
    });
  });
});
