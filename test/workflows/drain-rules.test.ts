import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { workerExecutionName } from '../../core/execution-names';
import { ENGINES, simWorkflows, type EngineKind } from './helpers';

const START = '2025-10-13T10:00:00Z';
const worker = (hostname: string, extra: Record<string, unknown> = {}) => ({
  hostname,
  instanceType: 'c5.9xlarge',
  state: 'online',
  uptimeMinutes: 55,
  ...extra,
});
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

let kind: EngineKind = 'local';
function setup(workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const sim = simWorkflows({ cluster: 'c', start: START, billing: 'hourly', workers, others: [{ hostname: 'admin1', layer: 'admin' }], ...extra } as never, {}, undefined, kind);
  return sim;
}

async function drain(sim: ReturnType<typeof setup>, hostname: string, name = `drain-${hostname}-t1`, input: Record<string, unknown> = {}) {
  const ref = await sim.engine.start('drain-worker', { hostname, ...input }, { name });
  const result = await sim.vt.drive(sim.engine.wait(ref));
  return { ref, result, history: await sim.engine.history(ref) };
}

describe.each(ENGINES)('drain-worker rules (engine %s)', (engine) => {
  beforeEach(() => {
    kind = engine;
  });

  it('stops a busy worker only after its jobs have finished, and interrupts none', async () => {
    const sim = setup([worker('worker1', { runningJobs: 2 }), worker('worker2')]);
    const { result, history } = await drain(sim, 'worker1');
    expect(result.status).toBe('SUCCEEDED');
    const polls = entered(history).filter((s) => s === 'CheckDrained').length;
    expect(polls).toBeGreaterThan(2);
    const stoppedAt = Date.parse(history.find((e) => e.state === 'StopInstance')!.at);
    const host = sim.cluster.instances.find((i) => i.hostname === 'worker1')!.privateDns;
    const jobs = sim.cluster.jobs.filter((j) => j.processingHost?.includes(host));
    expect(jobs).toHaveLength(2);
    expect(jobs.every((j) => j.status === 'FINISHED')).toBe(true);
    const lastFinish = Math.max(...jobs.map((j) => (j.startedAt ?? 0) + j.durationMs));
    expect(stoppedAt).toBeGreaterThanOrEqual(lastFinish);
    expect(sim.cluster.runData().counters.interruptions).toBe(0);
  });

  it('puts the worker back in service when demand returns during the wait', async () => {
    const sim = setup([worker('worker1', { uptimeMinutes: 10 }), worker('worker2')], {
      trace: { jobs: [{ at: '+15m', workflowOperation: 'encode', durationMinutes: 30, count: 120 }] },
    });
    const { result, history } = await drain(sim, 'worker1');
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(history)).not.toContain('StopInstance');
    const reasons = history.map((e) => e.reason ?? '').join('\n');
    expect(reasons).toMatch(/DemandReturned/);
    expect(sim.cluster.hosts.find((h) => h.baseUrl.includes('ip-') && !h.maintenance)).toBeDefined();
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker1')?.status).toBe('online');
  });

  it('refuses a second drain of the same worker while one runs', async () => {
    const sim = setup([worker('worker1', { uptimeMinutes: 10 }), worker('worker2'), worker('worker3')]);
    const first = await sim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-a' });
    await sim.vt.run({ until: () => false, deadline: new Date(Date.parse(START) + 60_000) });
    const second = await drain(sim, 'worker1', 'drain-worker1-b');
    expect(second.result.status).toBe('SUCCEEDED');
    expect(entered(second.history)).toContain('SkippedDrainInProgress');
    expect(second.history.map((e) => e.reason ?? '').join(' ')).toMatch(/already being drained by drain-worker1-a/);
    const firstResult = await sim.vt.drive(sim.engine.wait(first));
    expect(firstResult.status).toBe('SUCCEEDED');
    expect(sim.cluster.runData().counters.stops).toBe(1);
  });

  it.each([
    ['worker-1', 'worker-1-b'],
    ['opencast worker 1', 'opencast worker 1 (spare)'],
    [`${'transcode-node.'.repeat(6)}example.edu`, `${'transcode-node.'.repeat(6)}example.org`],
  ])('drains %s and %s at once: neither is taken for the other', async (a, b) => {
    const sim = setup([worker(a), worker(b), worker('worker3'), worker('worker4')], { provider: 'ec2' });
    const at = new Date(START);
    const refs = await Promise.all([a, b].map((hostname) => sim.engine.start('drain-worker', { hostname }, { name: workerExecutionName('drain', hostname, at) })));
    const results = await sim.vt.drive(Promise.all(refs.map((ref) => sim.engine.wait(ref))));
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const ref of refs) expect(entered(await sim.engine.history(ref))).not.toContain('SkippedDrainInProgress');
    expect(sim.cluster.instances.filter((i) => i.status === 'stopped').map((i) => i.hostname).sort()).toEqual([a, b].sort());
  });

  it('never drains a protected worker and says why', async () => {
    const protectedSim = simWorkflows(
      { cluster: 'c', start: START, billing: 'hourly', workers: [worker('worker1'), worker('worker2')], others: [{ hostname: 'admin1', layer: 'admin' }] } as never,
      { MOSCALER_PROTECTED_WORKERS: 'worker1' },
      undefined,
      kind,
    );
    const ref = await protectedSim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-p' });
    await protectedSim.vt.drive(protectedSim.engine.wait(ref));
    const history = await protectedSim.engine.history(ref);
    expect(entered(history)).toContain('SkippedProtected');
    expect(history.map((e) => e.reason ?? '').join(' ')).toMatch(/Protected/);
    expect(protectedSim.cluster.runData().counters.stops).toBe(0);
  });

  it('retries AWS throttling with backoff and still drains', async () => {
    // The fleet APIs the activities call (on the aws engine an untargeted fault would also throttle the test's own calls).
    const faults = ['opsworks', 'ec2'].map((target) => ({ at: '+0m', kind: 'aws-throttle', forMinutes: 1, target }));
    const sim = setup([worker('worker1'), worker('worker2')], { faults });
    const { result, history } = await drain(sim, 'worker1');
    expect(result.status).toBe('SUCCEEDED');
    expect(history.some((e) => e.type === 'Retried')).toBe(true);
    expect(entered(history).at(-1)).toBe('Stopped');
  });

  it('stops nothing while Opencast is down, and leaves no worker in maintenance', async () => {
    const sim = setup([worker('worker1'), worker('worker2')], { faults: [{ at: '+0m', kind: 'opencast-down', forMinutes: 240 }] });
    const { history } = await drain(sim, 'worker1', 'drain-worker1-down', { maxDrainMinutes: 5 });
    expect(entered(history)).not.toContain('StopInstance');
    expect(sim.cluster.runData().counters.stops).toBe(0);
    expect(sim.cluster.hosts.filter((h) => h.maintenance)).toEqual([]);
  });
});
