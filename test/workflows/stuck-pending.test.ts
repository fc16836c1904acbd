/**
 * A boot whose EC2 instance is still `pending` at the boot deadline, through
 * the real boot workflow on an EC2 cluster: the workflow stops what does not
 * serve, and EC2 refuses to stop an instance that never reached `running`
 * (IncorrectInstanceState: sim/aws/ec2.ts). What the scaler does then.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { ENGINES, simWorkflows, type EngineKind } from './helpers';

const START = '2025-10-13T10:00:00Z';
const MIN = 60_000;
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

describe.each(ENGINES)('boot-worker with an instance stuck pending (engine %s)', (kind: EngineKind) => {
  it('fails the boot saying EC2 refused the stop, and the next autoscale cycles stop the worker once it runs', async () => {
    const sim = simWorkflows(
      {
        cluster: 'c',
        start: START,
        provider: 'ec2',
        billing: 'per-second',
        minWorkers: 1,
        workers: [{ hostname: 'worker1', state: 'online', uptimeMinutes: 20 }, { hostname: 'worker2', state: 'stopped' }],
        others: [{ hostname: 'admin1', layer: 'admin' }],
        // Pending for 31 minutes: past the 30-minute boot deadline (flatcar/mantle#315 saw instances stuck so).
        timings: { ec2PendingMs: 31 * MIN },
        faults: [{ at: '+0m', kind: 'never-registers', forMinutes: 120, target: 'worker2' }],
      },
      {},
      undefined,
      kind,
    );
    const worker2 = () => sim.cluster.instances.find((i) => i.hostname === 'worker2')!;
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-p' });
    // Each minute an autoscale cycle, as the schedule runs it, from the boot's start: the cycles have watched worker2
    // since its launch (core/serving.ts measures from then). Once it runs (31 min) unserved past the boot timeout, a
    // cycle drains and stops it.
    for (let minute = 1; minute <= 45; minute++) {
      await sim.vt.run({ deadline: Date.parse(START) + minute * MIN });
      const cycle = await sim.engine.start('autoscale', {}, { name: `autoscale-${minute}` });
      await sim.vt.drive(sim.engine.wait(cycle));
    }
    const result = await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    expect(entered(history)).toContain('StopInstance');
    expect(result).toMatchObject({ status: 'FAILED', error: 'BootFailed' });
    expect(JSON.stringify(history.filter((e) => e.type === 'StateFailed').map((e) => e.cause))).toMatch(/IncorrectInstanceState.*never reached the 'running' state/);
    await sim.vt.run({ until: () => sim.idle() });
    expect(worker2().ec2State).toMatch(/stopping|stopped/);
  });
});
