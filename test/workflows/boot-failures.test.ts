/**
 * Boots that fail as real ones do (test/sim/model/boot-faults.test.ts), through
 * the real boot and autoscale workflows: a worker that does not serve within its
 * boot timeout is stopped and the history says why; one that might serve is not;
 * after EC2 refuses a start for capacity the next cycle starts another type.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import type { HistoryEvent } from '../../engine/types';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const MIN = 60_000;
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);
const online = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 20, ...extra });
const stopped = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true, ...extra });

function setup(workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}, config?: Parameters<typeof simWorkflows>[2]) {
  const sim = simWorkflows({ cluster: 'c', start: START, billing: 'per-second', workers, others: [{ hostname: 'admin1', layer: 'admin' }], ...extra } as never, {}, config);
  return sim;
}

async function boot(sim: ReturnType<typeof setup>, hostname: string) {
  const ref = await sim.engine.start('boot-worker', { hostname }, { name: `boot-${hostname}-t` });
  const result = await sim.vt.drive(sim.engine.wait(ref));
  const history = await sim.engine.history(ref);
  const reasons = history.filter((e) => e.type === 'TaskSucceeded').map((e) => e.reason ?? '');
  return { result, history, states: entered(history), reasons, at: Date.parse(history.at(-1)!.at) - Date.parse(START) };
}

describe('boot-worker with boots that fail', () => {
  it.each([
    ['never-registers', 'online', 30],
    ['connection-lost', 'connection_lost', 30],
    ['setup-failed', 'setup_failed', 5],
  ])('stops a %s worker (OpsWorks %s) that does not serve, within the boot timeout, saying why', async (kind, status, withinMinutes) => {
    const sim = setup([online('worker1'), stopped('worker2')], { faults: [{ at: '+0m', kind, forMinutes: 60, target: 'worker2' }] });
    const run = await boot(sim, 'worker2');
    expect(run.result).toMatchObject({ status: 'FAILED', error: 'StartFailed' });
    expect(run.states).toEqual(expect.arrayContaining(['StopInstance', 'CheckStopped', 'StoppedNotServing']));
    const stopReason = run.history.find((e) => e.type === 'StateEntered' && e.state === 'StopInstance')?.input as { worker: { reason: { message: string } } };
    expect(stopReason.worker.reason.message).toMatch(new RegExp(`${status === 'setup_failed' ? 'OpsWorks reports setup_failed' : 'not online and registered before the boot deadline'}.*Opencast lists no host of it online: stopping it`));
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status).toBe('stopped');
    // Stopped by the deadline (30 min) plus a poll and the stop, never left billing.
    expect(run.at).toBeLessThan((withinMinutes + 2) * MIN);
    const billed = sim.cluster.billing.runs().filter((r) => r.hostname === 'worker2');
    expect(billed).toHaveLength(1);
    expect(billed[0]!.end! - billed[0]!.start).toBeLessThanOrEqual((withinMinutes + 1) * MIN);
  });

  it('does not stop a worker that may be serving under a URL no instance matches (http://localhost:8080)', async () => {
    const sim = setup([online('worker1'), stopped('worker2', { baseUrl: 'localhost' })]);
    const run = await boot(sim, 'worker2');
    expect(run.result).toMatchObject({ status: 'FAILED', error: 'StartFailed' });
    expect(run.states).not.toContain('StopInstance');
    expect(run.reasons.at(-1)).toMatch(/not stopped: Opencast lists host\(s\) no single instance matches \(http:\/\/localhost:8080\) that may be worker2/);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status).toBe('online');
  });

  it('does not stop a worker while Opencast does not answer at the deadline', async () => {
    const sim = setup([online('worker1'), stopped('worker2')], {
      faults: [
        { at: '+0m', kind: 'never-registers', forMinutes: 60, target: 'worker2' },
        { at: '+25m', kind: 'opencast-down', forMinutes: 20 },
      ],
    });
    const run = await boot(sim, 'worker2');
    expect(run.result.status).toBe('FAILED');
    expect(run.states).not.toContain('StopInstance');
    expect(run.reasons.at(-1)).toMatch(/not stopped: Opencast did not answer/);
  });

  it('ends at once with NoCapacity when EC2 has no capacity for the type, the EC2 error in the history', async () => {
    const sim = setup([online('worker1'), stopped('worker2')], { provider: 'ec2', faults: [{ at: '+0m', kind: 'insufficient-capacity', forMinutes: 60, target: 'c5.9xlarge' }] });
    const run = await boot(sim, 'worker2');
    expect(run.result).toMatchObject({ status: 'FAILED', error: 'InsufficientCapacity' });
    expect(run.states).toEqual(['Init', 'BeginBoot', 'SkipOrSettle', 'SettleListing', 'StartInstance', 'NoCapacity']);
    const failed = run.history.find((e) => e.type === 'StateFailed' && e.state === 'StartInstance');
    expect(failed).toMatchObject({ error: 'InsufficientCapacityError', cause: expect.stringMatching(/InsufficientInstanceCapacity.*c5\.9xlarge capacity/) });
    expect(run.at).toBeLessThan(MIN);
  });
});

describe('autoscale after a failed boot', () => {
  const noPause = parseAutoscaleConfig(
    { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }], up_increment: 1, down_increment: 1, pause_cycles: 0 },
    'test',
  );

  it('after EC2 refuses a start for capacity, starts another stopped worker of another type the next cycle', async () => {
    const sim = setup(
      [online('worker1', { runningJobs: 1 }), stopped('worker2'), stopped('worker3'), stopped('worker4', { instanceType: 'c5.xlarge' })],
      { provider: 'ec2', queue: { queued: 60, queuedHighLoad: 60 }, faults: [{ at: '+0m', kind: 'insufficient-capacity', forMinutes: 60, target: 'c5.9xlarge' }] },
      noPause,
    );
    const cycles = [];
    for (const t of [0, 1]) {
      await sim.vt.run({ deadline: Date.parse(START) + t * MIN });
      const cycle = await sim.engine.start('autoscale', {}, { name: `autoscale-${t}` });
      await sim.vt.drive(sim.engine.wait(cycle));
      cycles.push(cycle);
    }
    const boots = (await sim.engine.list({ workflow: 'boot-worker' })).reverse();
    expect(boots.map((b) => [b.ref.name.replace(/-\d{8}T\d{6}Z$/, ''), b.status])).toEqual([
      ['boot-worker2', 'FAILED'],
      ['boot-worker4', expect.stringMatching(/RUNNING|SUCCEEDED/)],
    ]);
    const plan = (await sim.engine.history(cycles[1]!)).find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan');
    expect(plan?.output).toMatchObject({
      decision: {
        reasons: expect.arrayContaining(['boot(s) failed lately: worker2; tried last, and c5.9xlarge after the other instance types']),
        // worker3 (same type) before worker2 (its boot failed): both after worker4.
        notChosen: expect.arrayContaining([expect.objectContaining({ reason: 'NotNeeded', hostnames: ['worker3', 'worker2'] })]),
      },
    });
  });

  it('stops a worker started outside mo-scaler that runs 29 minutes without Opencast listing it', async () => {
    const sim = setup([online('worker1', { uptimeMinutes: 20 }), { hostname: 'worker2', state: 'booting', uptimeMinutes: 1 }], {
      faults: [{ at: '+0m', kind: 'never-registers', forMinutes: 60, target: 'worker2' }],
    });
    let cycles = 0;
    while (sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status !== 'stopped' && cycles < 40) {
      const t = Date.parse(START) + cycles * MIN;
      await sim.vt.run({ deadline: t });
      const ref = await sim.engine.start('autoscale', {}, { name: `autoscale-${cycles}` });
      await sim.vt.drive(sim.engine.wait(ref));
      cycles += 1;
    }
    await sim.vt.run({ until: sim.idle });
    // worker1 is asked to drain every idle cycle too, and refused for the minimum: only worker2 is stopped.
    const drains = (await sim.engine.list({ workflow: 'drain-worker' })).filter((d) => d.ref.name.startsWith('drain-worker2-'));
    expect(drains.map((d) => d.status)).toEqual(['SUCCEEDED']);
    const begin = (await sim.engine.history(drains[0]!.ref)).find((e) => e.type === 'TaskSucceeded' && e.state === 'BeginDrain');
    expect(begin?.reason).toMatch(/worker2 has not served in the 29 min since \S+ \(up 30 min\) and Opencast lists no host of it: stopping it/);
    const run = sim.cluster.billing.runs().find((r) => r.hostname === 'worker2')!;
    expect(run.end! - run.start).toBeLessThanOrEqual(31 * MIN);
  });
});
