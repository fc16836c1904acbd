/**
 * The scale workflow: the command line's scale commands as a console input,
 * the same rules, the same boot and drain executions, on both engines.
 */
import { describe, expect, it } from 'vitest';
import { CONSOLE_REFUSALS } from '../../infra/stack';
import type { ExecutionResult, HistoryEvent, JsonValue } from '../../engine/types';
import { ENGINES, SETTLE_MS, simWorkflows, type SimWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const online = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55, ...extra });
const stopped = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true });
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

describe.each(ENGINES)('scale workflow (engine %s)', (kind) => {
  const setup = (workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => {
    const sim = simWorkflows({ cluster: 'c', start: START, billing: 'per-second', workers, others: [{ hostname: 'admin1', layer: 'admin' }], ...extra } as never, {}, undefined, kind);
    return sim;
  };
  const scale = async (sim: SimWorkflows, input: JsonValue, name: string): Promise<{ result: ExecutionResult; history: HistoryEvent[] }> => {
    const ref = await sim.engine.start('scale', input, { name });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    return { result, history: await sim.engine.history(ref) };
  };

  it('scales up 1: starts the boot execution the CLI would name, and the worker comes online', async () => {
    const sim = setup([online('worker1'), stopped('worker2')]);
    const { result } = await scale(sim, { command: 'up', count: 1 }, 'scale-up-1');
    expect(result.status).toBe('SUCCEEDED');
    await sim.vt.run({ until: () => sim.idle() });
    await sim.vt.run({ deadline: Date.now() + SETTLE_MS });
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    expect(boots.map((b) => [b.ref.name, b.status])).toEqual([['boot-worker2-20251013T100000Z', 'SUCCEEDED']]);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status).toBe('online');
  });

  it('a dry run records the decision and the executions it would start, and starts nothing', async () => {
    const sim = setup([online('worker1'), online('worker2')]);
    const { result, history } = await scale(sim, { command: 'down', count: 1, dryRun: true }, 'scale-down-dry');
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(history)).toEqual(['Plan', 'DryRun', 'Decided']);
    const plan = (result.output as { plan: { dryRun: boolean; actions: Array<{ kind: string; executionName: string }> } }).plan;
    expect(plan.dryRun).toBe(true);
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'drain', executionName: expect.stringMatching(/^drain-worker\d-20251013T100000Z$/) })]);
    expect(await sim.engine.list({ workflow: 'drain-worker' })).toEqual([]);
    expect(sim.cluster.runData().counters.stops).toBe(0);
  });

  it.each([
    [{ command: 'sideways' }, 'scale input command'],
    [{ command: 'to' }, 'scale input count'],
    [{ command: 'up', count: 0 }, 'scale input count'],
    [{ command: 'auto', count: 2 }, 'scale input count'],
    [{ command: 'down', count: 1, dryrun: true }, 'scale input dryrun'],
    [{ command: 'up', count: 1, force: 'yes' }, 'scale input force'],
  ])('refuses the input %j at once, naming %s, and starts nothing', async (input, field) => {
    const sim = setup([online('worker1'), stopped('worker2')]);
    const { result, history } = await scale(sim, input as JsonValue, 'scale-bad');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ConfigError');
    // A refusal, which the stack's scale-failed alarm leaves out (infra/alarms.ts).
    expect(CONSOLE_REFUSALS).toContain(result.error);
    expect(result.cause).toContain(field);
    expect(history.filter((e) => e.type === 'Retried')).toEqual([]);
    expect(await sim.engine.list({ workflow: 'boot-worker' })).toEqual([]);
  });

  it('fails with the rule the request breaks, as the CLI exits 1, and starts nothing', async () => {
    const sim = setup([online('worker1'), stopped('worker2')]);
    const { result } = await scale(sim, { command: 'up', count: 3 }, 'scale-up-3');
    expect(result).toMatchObject({ status: 'FAILED', error: 'ScalingError' });
    expect(CONSOLE_REFUSALS).toContain(result.error);
    expect(result.cause).toContain('Cluster does not have 3 stopped workers to start (has 1)');
    expect(await sim.engine.list({ workflow: 'boot-worker' })).toEqual([]);
  });

  it('scale auto decides as the autoscale cycle does, and starts the same boot', async () => {
    const sim = setup([online('worker1'), stopped('worker2')], { queue: { queued: 60, queuedHighLoad: 60 } });
    const { result } = await scale(sim, { command: 'auto' }, 'scale-auto');
    expect(result.status).toBe('SUCCEEDED');
    const cycle = await sim.engine.start('autoscale', {}, { name: 'autoscale-same-state' });
    await sim.vt.drive(sim.engine.wait(cycle));
    const cyclePlan = (await sim.engine.history(cycle)).find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan')?.output as { reason: string };
    const scalePlan = (result.output as { plan: { reason: string; actions: Array<{ kind: string; hostname: string }> } }).plan;
    expect(scalePlan.actions.map((a) => [a.kind, a.hostname])).toEqual([['boot', 'worker2']]);
    // The autoscale cycle right after sees the boot under way: the same rules, one boot only.
    expect(cyclePlan.reason).toBeDefined();
    await sim.vt.run({ until: () => sim.idle() });
    expect((await sim.engine.list({ workflow: 'boot-worker' })).map((b) => b.ref.name)).toEqual(['boot-worker2-20251013T100000Z']);
  });
});
