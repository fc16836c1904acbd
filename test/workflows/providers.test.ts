/** The workflows act the same through either fleet provider: OpsWorks, or plain EC2 found by tags. */
import { describe, expect, it } from 'vitest';
import { ENGINES, simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';

describe.each(ENGINES.flatMap((engine) => (['opsworks', 'ec2'] as const).map((provider) => [provider, engine] as const)))('workflows with the %s provider (engine %s)', (provider, engine) => {
  const setup = () => {
    const sim = simWorkflows({
      cluster: 'c',
      start: START,
      billing: 'per-second',
      provider,
      workers: [
        { hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 30 },
        { hostname: 'worker2', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 30, runningJobs: 1 },
        { hostname: 'worker3', instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true },
      ],
      others: [{ hostname: 'admin1', layer: 'admin' }],
    } as never, {}, undefined, engine);
    return sim;
  };
  const statusOf = (sim: ReturnType<typeof setup>, hostname: string) => {
    const instance = sim.cluster.instances.find((i) => i.hostname === hostname)!;
    return provider === 'ec2' ? instance.ec2State : instance.status;
  };

  it('boots a stopped worker until it is registered in Opencast', async () => {
    const sim = setup();
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker3' }, { name: 'boot-worker3-p' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    expect(statusOf(sim, 'worker3')).toMatch(/online|running/);
  });

  it('drains and stops the idle worker, never the busy one', async () => {
    const sim = setup();
    const idle = await sim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-p' });
    expect((await sim.vt.drive(sim.engine.wait(idle))).status).toBe('SUCCEEDED');
    expect(statusOf(sim, 'worker1')).toBe('stopped');
    const cycle = await sim.engine.start('autoscale', {}, { name: 'autoscale-p' });
    await sim.vt.drive(sim.engine.wait(cycle));
    await sim.vt.run({ until: () => sim.idle() });
    expect(sim.cluster.runData().counters.interruptions).toBe(0);
    expect(statusOf(sim, 'worker2')).toMatch(/online|running/);
  });
});
