/**
 * On the deployed path (the AWS engine, simulated Step Functions), each Task runs with its state machine's
 * execution role as the stack synthesises it: an autoscale cycle that boots a worker (a function Task, a
 * startExecution Task, the boot's own functions) and a drain, with every Task authorised and none denied.
 * A role without a grant fails its Task: test/infra/state-machine-roles.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';

describe("the state machines' roles on the deployed stack", () => {
  it('allow every Task of a cycle that boots a worker and of a drain', { timeout: 120_000 }, async () => {
    // Prepare
    const sim = simWorkflows(
      {
        cluster: 'c',
        start: START,
        billing: 'hourly',
        workers: [
          { hostname: 'worker1', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20 },
          { hostname: 'worker2', instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20 },
          { hostname: 'worker3', instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true },
        ],
        others: [{ hostname: 'admin1', layer: 'admin' }],
        queue: { queued: 60, queuedHighLoad: 60 },
      } as never,
      {},
      undefined,
      'aws',
    );
    const iam = await sim.deployment!.iam;
    expect(iam, 'IAM is on for the deployed path').toBeDefined();

    // Act
    const cycle = await sim.engine.start('autoscale', {}, { name: 'cycle-1' });
    const cycled = await sim.vt.drive(sim.engine.wait(cycle));
    const drain = await sim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-t1' });
    const drained = await sim.vt.drive(sim.engine.wait(drain));
    await sim.vt.run({ until: () => sim.idle() });

    // Assess
    expect(cycled.status).toBe('SUCCEEDED');
    expect(drained.status).toBe('SUCCEEDED');
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    expect(boots.map((b) => b.status)).toEqual(['SUCCEEDED']);
    // Plan, a boot started, the boot's functions, the drain's: each asked of IAM.
    expect(iam!.tasksChecked).toBeGreaterThanOrEqual(6);
    expect(iam!.denials).toEqual([]);
  });
});
