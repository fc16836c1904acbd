import { describe, expect, it } from 'vitest';
import { createPlanScaleHandler } from '../../activities/plan-scale';
import { BOOT_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import { World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

// worker3 and worker4 are stopped; worker3 (registered before) ranks first unless its boot failed.
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 30 },
  { hostname: 'worker3', status: 'stopped', type: 'c5.9xlarge', registered: true },
  { hostname: 'worker4', status: 'stopped', type: 'c5.xlarge' },
];
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

describe('plan-scale up after a capacity error', () => {
  it('chooses the registered stopped worker when no boot failed', async () => {
    const w = new World(SPECS);
    const plan = await createPlanScaleHandler(w.deps)({ command: 'up', count: 1 });
    expect(plan.actions.map((a) => a.hostname)).toEqual(['worker3']);
  });

  it('tries another instance type first when a boot of that type failed within the hour (a second request)', async () => {
    const w = new World(SPECS);
    w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker3', new Date(minutesAgo(5))), input: { hostname: 'worker3' }, status: 'FAILED', startedAt: minutesAgo(5) });

    const plan = await createPlanScaleHandler(w.deps)({ command: 'up', count: 1 });

    expect(plan.actions.map((a) => a.hostname)).toEqual(['worker4']);
    expect(plan.reason).toMatch(/boot\(s\) failed lately: worker3; tried last, and c5\.9xlarge after the other instance types/);
    expect(w.effects()).toEqual([]);
  });

  it('forgets a failed boot after an hour', async () => {
    const w = new World(SPECS);
    w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker3', new Date(minutesAgo(61))), input: { hostname: 'worker3' }, status: 'FAILED', startedAt: minutesAgo(61) });
    const plan = await createPlanScaleHandler(w.deps)({ command: 'up', count: 1 });
    expect(plan.actions.map((a) => a.hostname)).toEqual(['worker3']);
  });

  it('never picks again a worker EC2 refused earlier in the request; with none other left, starts nothing and says why', async () => {
    const w = new World(SPECS);
    const retry = await createPlanScaleHandler(w.deps)({ command: 'up', count: 1, capacityRefused: ['worker3'] });
    expect(retry.actions.map((a) => a.hostname)).toEqual(['worker4']);

    const none = await createPlanScaleHandler(w.deps)({ command: 'up', count: 1, capacityRefused: ['worker3', 'worker4'] });
    expect({ action: none.action, actions: none.actions }).toEqual({ action: 'none', actions: [] });
    expect(none.reason).toMatch(/worker4: EC2 refused the start for capacity earlier in this request, and no other stopped worker is left to try instead/);
  });

  it('refuses capacityRefused on anything but up, before any side effect', async () => {
    const w = new World(SPECS);
    await expect(createPlanScaleHandler(w.deps)({ command: 'down', count: 1, capacityRefused: ['worker3'] })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/capacityRefused/) });
  });
});

describe('plan-scale with two instances of one name (issue 23.4)', () => {
  it('names the chosen instance in the drain it plans, keyed by its id', async () => {
    // worker2 runs longest (stopped first); a second, stopped instance is also named worker2.
    const w = new World([{ hostname: 'worker1', uptimeMinutes: 30 }, { hostname: 'worker2', uptimeMinutes: 50 }]);
    w.fleet.instances.push({ ...w.fleet.instances.find((i) => i.hostname === 'worker2')!, id: 'ow-worker2-b', ec2Id: 'i-0000000b', privateDns: 'worker2b.internal', status: 'stopped', state: 'stopped' });
    const plan = await createPlanScaleHandler(w.deps)({ command: 'down', count: 1 });
    expect(plan.actions).toEqual([
      expect.objectContaining({ hostname: 'worker2', executionName: workerExecutionName('drain', 'worker2', NOW, 'ow-worker2'), input: expect.objectContaining({ hostname: 'worker2', instanceId: 'ow-worker2' }) }),
    ]);
  });
});
