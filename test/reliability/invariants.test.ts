/**
 * The invariant checker itself: each invariant is shown a hand-made violation
 * and a near miss, so a silent checker cannot pass the generated days.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { InvariantChecker, type EffectRecord, type ExecutionFacts } from '../../reliability/invariants';
import type { WorkerSnapshot } from '../../sim/model/cluster-types';

const T0 = Date.parse('2025-10-13T08:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();

function checker(faultsEnd = T0, minWorkers = 1) {
  return new InvariantChecker({ minWorkers, everyMs: MIN, faultsEnd: () => faultsEnd });
}

const effect = (e: Partial<EffectRecord> & Pick<EffectRecord, 'op' | 'hostname' | 'at'>): EffectRecord => ({ seq: 1, changed: true, runningJobs: 0, otherOnline: 3, ...e });
const worker = (w: Partial<WorkerSnapshot> & Pick<WorkerSnapshot, 'hostname'>): WorkerSnapshot => ({
  opsworksId: `ow-${w.hostname}`,
  status: 'online',
  baseUrl: `http://${w.hostname}`,
  registered: true,
  hostOnline: true,
  maintenance: false,
  runningJobs: 0,
  ...w,
});
const execution = (e: Partial<ExecutionFacts> & Pick<ExecutionFacts, 'name' | 'startedAt'>): ExecutionFacts => ({
  workflow: e.name.startsWith('boot') ? 'boot-worker' : 'drain-worker',
  status: 'SUCCEEDED',
  duplicate: false,
  ...e,
});
const entered = (execution: string, state: string, minutes: number, input: unknown): HistoryEvent => ({
  execution,
  workflow: execution.startsWith('boot') ? 'boot-worker' : 'drain-worker',
  type: 'StateEntered',
  state,
  at: iso(minutes),
  input: input as never,
});
const slot = (message: string) => ({ worker: { reason: { code: 'JobsDrained', message } } });

function finish(c: InvariantChecker, input: Partial<Parameters<InvariantChecker['finish']>[0]>) {
  c.finish({ at: at(300), effects: [], executions: [], history: [], cycles: [], ...input });
  return c.violations.map((v) => v.invariant);
}

describe('InvariantChecker', () => {
  it('flags a stop of a worker with running jobs, and a stop below the minimum', () => {
    const c = checker(T0, 2);
    c.onEffect(effect({ op: 'stop', hostname: 'worker1', at: at(5), runningJobs: 2 }));
    c.onEffect(effect({ op: 'stop', hostname: 'worker2', at: at(6), otherOnline: 1 }));
    // A repeated stop of a stopping worker changes nothing and is not judged again.
    c.onEffect(effect({ op: 'stop', hostname: 'worker3', at: at(7), runningJobs: 5, changed: false }));
    expect(c.violations.map((v) => [v.invariant, v.detail])).toEqual([
      ['no-interrupted-job', 'worker1 stopped with 2 running job(s)'],
      ['min-workers', 'worker2 stopped leaving 1 online worker(s), minimum 2'],
    ]);
  });

  it('flags interrupted job runs seen in the cluster counters', () => {
    const c = checker();
    c.afterCycle(at(1), { workers: [], interruptions: 0, running: [], lastEnded: new Map() });
    c.afterCycle(at(2), { workers: [], interruptions: 3, running: [], lastEnded: new Map() });
    expect(c.violations.map((v) => v.detail)).toEqual(['3 job run(s) cut short by a stopped worker']);
  });

  it('gives a stranded worker until the end of the first cycle after the faults end, not longer', () => {
    const faultsEnd = at(10) + 30_000;
    const c = checker(faultsEnd);
    const stranded = [worker({ hostname: 'worker1', maintenance: true, maintenanceSince: at(3) })];
    for (let m = 0; m <= 13; m++) {
      c.cycleStarted(at(m));
      c.afterCycle(at(m + 1), { workers: stranded, interruptions: 0, running: [], lastEnded: new Map() });
      // The cycle at minute 11 is the first after the faults: by minute 12 the worker must be back.
      expect(c.violations).toHaveLength(m + 1 >= 12 ? 1 : 0);
    }
    expect(c.violations[0]?.invariant).toBe('maintenance-settles');
  });

  it('lets a worker stay in maintenance while a drain acts on it, and counts from the drain end', () => {
    const c = checker();
    const inMaintenance = [worker({ hostname: 'worker1', maintenance: true, maintenanceSince: at(1) })];
    const drain = execution({ name: 'drain-worker1-a', hostname: 'worker1', status: 'RUNNING', startedAt: at(0) });
    for (let m = 0; m < 30; m++) {
      c.cycleStarted(at(m));
      c.afterCycle(at(m + 1), { workers: inMaintenance, interruptions: 0, running: [drain], lastEnded: new Map() });
    }
    expect(c.violations).toEqual([]);
    // The drain died at minute 30 leaving the flag on: the cycle at 31 must put it back by 32.
    c.cycleStarted(at(30));
    c.afterCycle(at(31), { workers: inMaintenance, interruptions: 0, running: [], lastEnded: new Map([['worker1', at(30)]]) });
    c.cycleStarted(at(31));
    c.afterCycle(at(32), { workers: inMaintenance, interruptions: 0, running: [], lastEnded: new Map([['worker1', at(30)]]) });
    expect(c.violations.map((v) => v.invariant)).toEqual(['maintenance-settles']);
  });

  it('does not count ticks a dead scaler skipped as cycles', () => {
    const c = checker();
    const stranded = [worker({ hostname: 'worker1', maintenance: true, maintenanceSince: at(0) })];
    // No cycle ran at minutes 1-4 (kill-scaler): nothing could have put it back.
    c.cycleStarted(at(0));
    for (let m = 1; m <= 4; m++) c.afterCycle(at(m), { workers: stranded, interruptions: 0, running: [], lastEnded: new Map() });
    expect(c.violations).toEqual([]);
  });

  it('flags two executions acting on one worker, but not a duplicate that did nothing', () => {
    const boot = execution({ name: 'boot-worker1-a', hostname: 'worker1', startedAt: at(0), stoppedAt: at(6) });
    const drain = execution({ name: 'drain-worker1-b', hostname: 'worker1', startedAt: at(5), stoppedAt: at(20) });
    const duplicate = execution({ name: 'drain-worker1-c', hostname: 'worker1', startedAt: at(3), stoppedAt: at(3), duplicate: true });
    const next = execution({ name: 'drain-worker1-d', hostname: 'worker1', startedAt: at(20), stoppedAt: at(25) });
    expect(finish(checker(), { executions: [boot, duplicate, next] })).toEqual([]);
    expect(finish(checker(), { executions: [boot, drain] })).toEqual(['one-workflow-per-worker']);
    const running = { workers: [], interruptions: 0, lastEnded: new Map() };
    const c = checker();
    c.afterCycle(at(5), { ...running, running: [{ ...boot, status: 'RUNNING' }, { ...drain, status: 'RUNNING' }] });
    expect(c.violations.map((v) => v.invariant)).toEqual(['one-workflow-per-worker']);
  });

  it("leaves a protected worker's maintenance alone: an operator's hold (issue 23 item 7)", () => {
    const c = new InvariantChecker({ minWorkers: 1, everyMs: MIN, faultsEnd: () => T0, exempt: new Set(['worker1']) });
    const held = [worker({ hostname: 'worker1', maintenance: true, maintenanceSince: at(0) }), worker({ hostname: 'worker2', maintenance: true, maintenanceSince: at(0) })];
    for (let m = 0; m <= 3; m++) {
      c.cycleStarted(at(m));
      c.afterCycle(at(m + 1), { workers: held, interruptions: 0, running: [], lastEnded: new Map() });
    }
    expect(c.violations.map((v) => v.detail.split(' ')[0])).toEqual(['worker2']);
  });

  it('flags a stop of an instance while Opencast lists a job running on its host, whatever its name', () => {
    const c = checker();
    // The name's other instance was idle (runningJobs by name 0), but this one had a listed job.
    c.onEffect(effect({ op: 'stop', hostname: 'worker1', at: at(5), instanceId: 'ow-b', listedJobs: 1 }));
    c.onEffect(effect({ op: 'stop', hostname: 'worker1', at: at(6), instanceId: 'ow-a', listedJobs: 0 }));
    // A stop that changes nothing (already stopping) is not judged.
    c.onEffect(effect({ op: 'stop', hostname: 'worker2', at: at(7), instanceId: 'ow-c', listedJobs: 3, changed: false }));
    expect(c.violations.map((v) => [v.invariant, v.detail])).toEqual([['no-stop-with-listed-job', 'worker1 (ow-b) stopped while Opencast listed 1 job(s) running on it']]);
  });

  it('flags two executions acting on one instance at once, by instance id even when their names differ or match', () => {
    // Two instances named worker1: a drain of each at once is fine; a drain that stops the other's instance is not.
    const drainA = execution({ name: 'drain-a', hostname: 'worker1', startedAt: at(0), stoppedAt: at(10), instances: ['ow-a'] });
    const drainB = execution({ name: 'drain-b', hostname: 'worker1', startedAt: at(2), stoppedAt: at(12), instances: ['ow-b'] });
    const history = [
      entered('drain-a', 'StopInstance', 8, slot('no running job')),
      entered('drain-a', 'WaitForStop', 9, {}),
    ];
    const stopOf = (instanceId: string) => [effect({ op: 'stop', hostname: 'worker1', at: at(8), instanceId })];
    expect(finish(checker(), { executions: [drainA, drainB], history, effects: stopOf('ow-a') }).filter((n) => n === 'one-actor-per-instance')).toEqual([]);
    expect(finish(checker(), { executions: [drainA, drainB], history, effects: stopOf('ow-b') }).filter((n) => n === 'one-actor-per-instance')).toEqual(['one-actor-per-instance']);
    // Two instances of one name acting at once are two workers, not a one-workflow-per-worker clash.
    expect(finish(checker(), { executions: [drainA, drainB] })).toEqual([]);
    const c = checker();
    c.afterCycle(at(5), { workers: [], interruptions: 0, lastEnded: new Map(), running: [{ ...drainA, status: 'RUNNING' }, { ...drainB, status: 'RUNNING' }] });
    expect(c.violations).toEqual([]);
    // A boot and a drain under different names resolved to one instance.
    const boot = execution({ name: 'boot-x', hostname: 'worker-x', startedAt: at(1), stoppedAt: at(4), instances: ['ow-a'] });
    expect(finish(checker(), { executions: [drainA, boot] })).toContain('one-actor-per-instance');
    // One that found the other acting and did nothing is not acting; one after the other is fine.
    expect(finish(checker(), { executions: [drainA, { ...boot, duplicate: true }, { ...boot, name: 'boot-y', startedAt: at(10), stoppedAt: at(14) }] })).toEqual([]);
  });

  it('does not count an execution that never passed its second check (core/claim.ts) as acting, unless a call of its own reached the worker', () => {
    // drain-a settled and went on; drain-b, started a second later, was killed while it waited for the listing.
    const drainA = execution({ name: 'drain-a', hostname: 'worker1', startedAt: at(0), stoppedAt: at(10), instances: ['ow-a'] });
    const drainB = execution({ name: 'drain-b', hostname: 'worker1', startedAt: at(0) + 1000, stoppedAt: at(0) + 15_000, instances: ['ow-a'], unclaimed: true });
    expect(finish(checker(), { executions: [drainA, drainB] })).toEqual([]);
    const c = checker();
    c.afterCycle(at(0) + 10_000, { workers: [], interruptions: 0, lastEnded: new Map(), running: [{ ...drainA, status: 'RUNNING' }, { ...drainB, status: 'RUNNING' }] });
    expect(c.violations).toEqual([]);
    // Past its first check a boot can still have started the instance before it failed: that call counts.
    const bootB = execution({ name: 'boot-b', hostname: 'worker1', startedAt: at(1), stoppedAt: at(3), instances: ['ow-a'], unclaimed: true });
    const history = [entered('boot-b', 'StartInstance', 2, { request: { hostname: 'worker1', reason: 'start #1' } })];
    const started = [effect({ op: 'start', hostname: 'worker1', at: at(2), instanceId: 'ow-a' })];
    expect(finish(checker(), { executions: [drainA, bootB], history, effects: started })).toEqual(expect.arrayContaining(['one-workflow-per-worker', 'one-actor-per-instance']));
    // Claimed (the default), the same two clash.
    expect(finish(checker(), { executions: [drainA, { ...drainB, unclaimed: false }] })).toContain('one-actor-per-instance');
  });

  it('flags a release of maintenance in the middle of a drain of the same worker', () => {
    const drain = execution({ name: 'drain-worker1-a', hostname: 'worker1', startedAt: at(0), stoppedAt: at(10) });
    const release: HistoryEvent = {
      execution: 'autoscale-x',
      workflow: 'autoscale',
      type: 'TaskSucceeded',
      state: 'ReleaseMaintenance',
      at: iso(4),
      output: { hostname: 'worker1', released: true, reason: 'r' },
    };
    expect(finish(checker(), { executions: [drain], history: [release] })).toEqual(['one-workflow-per-worker']);
    expect(finish(checker(), { executions: [drain], history: [{ ...release, at: iso(10) }] })).toEqual([]);
  });

  it('wants each start, stop and maintenance change explained by the step acting at that instant', () => {
    const drain = execution({ name: 'drain-worker1-a', hostname: 'worker1', startedAt: at(0), stoppedAt: at(10) });
    const history = [
      entered('drain-worker1-a', 'MaintenanceOn', 1, slot('billing window reached')),
      entered('drain-worker1-a', 'WaitWhileDraining', 1, {}),
      entered('drain-worker1-a', 'StopInstance', 8, slot('no running job')),
      entered('drain-worker1-a', 'WaitForStop', 8, {}),
    ];
    const effects = [effect({ op: 'maintenance-on', hostname: 'worker1', at: at(1) }), effect({ op: 'stop', hostname: 'worker1', at: at(8) })];
    expect(finish(checker(), { executions: [drain], history, effects })).toEqual([]);
    // A stop nothing explains: at a time the execution was elsewhere, of another worker, or with no reason.
    expect(finish(checker(), { executions: [drain], history, effects: [effect({ op: 'stop', hostname: 'worker1', at: at(5) })] })).toEqual(['audited']);
    expect(finish(checker(), { executions: [drain], history, effects: [effect({ op: 'stop', hostname: 'worker2', at: at(8) })] })).toEqual(['audited']);
    const unexplained = history.map((e) => (e.state === 'StopInstance' ? { ...e, input: slot('') } : e));
    expect(finish(checker(), { executions: [drain], history: unexplained, effects })).toEqual(['audited']);
  });

  it('accepts a start explained by the boot request and a maintenance release by the cycle', () => {
    const boot = execution({ name: 'boot-worker2-a', hostname: 'worker2', startedAt: at(0), stoppedAt: at(7) });
    const history = [
      entered('boot-worker2-a', 'StartInstance', 0, { request: { hostname: 'worker2', reason: 'start #1: queue 12' } }),
      { ...entered('autoscale-b', 'ReleaseMaintenance', 9, { kind: 'release', hostname: 'worker3', reason: 'in maintenance with no drain under way' }), workflow: 'autoscale' },
    ];
    const effects = [effect({ op: 'start', hostname: 'worker2', at: at(0) }), effect({ op: 'maintenance-off', hostname: 'worker3', at: at(9) })];
    expect(finish(checker(), { executions: [boot], history, effects })).toEqual([]);
    const noReason = history.map((e) => (e.state === 'StartInstance' ? { ...e, input: { request: { hostname: 'worker2' } } } : e));
    expect(finish(checker(), { executions: [boot], history: noReason, effects })).toEqual(['audited']);
  });

  it('flags untyped errors, executions that never end and cycles that fail with no fault', () => {
    const failed: HistoryEvent = { execution: 'drain-worker1-a', workflow: 'drain-worker', type: 'StateFailed', state: 'CheckDrained', at: iso(3), error: 'TypeError', cause: 'x is undefined' };
    const known: HistoryEvent = { ...failed, error: 'ThrottledError' };
    expect(finish(checker(), { history: [known] })).toEqual([]);
    expect(finish(checker(), { history: [failed] })).toEqual(['typed-errors']);
    expect(finish(checker(), { executions: [execution({ name: 'drain-worker1-a', hostname: 'worker1', startedAt: at(0), status: 'RUNNING' })] })).toEqual(['executions-end']);
    const cycle = { name: 'autoscale-1', status: 'FAILED', startedAt: at(1), stoppedAt: at(2) };
    expect(finish(checker(), { cycles: [{ ...cycle, faulted: true }] })).toEqual([]);
    expect(finish(checker(), { cycles: [{ ...cycle, faulted: false }] })).toEqual(['cycles-succeed']);
  });

  it('does not count a stop of a worker Opencast does not list online against the minimum: it removes no capacity', () => {
    const c = checker(T0, 2);
    c.onEffect(effect({ op: 'stop', hostname: 'worker2', at: at(6), otherOnline: 1, serving: false }));
    expect(c.violations).toEqual([]);
  });

  describe('no-unserved-billing', () => {
    const unserved = (blocked: { from: number; until: number }[] = [], exempt: string[] = []) =>
      new InvariantChecker({ minWorkers: 1, everyMs: MIN, faultsEnd: () => T0, bootTimeoutMs: 30 * MIN, blockedWindows: () => blocked, exempt: new Set(exempt) });

    it('flags an instance billing without serving past the boot timeout plus one cycle, once per stretch', () => {
      const c = unserved();
      c.checkUnserved(at(40), [{ hostname: 'worker1', from: at(5) }]);
      c.checkUnserved(at(41), [{ hostname: 'worker1', from: at(5) }]);
      c.checkUnserved(at(300), [{ hostname: 'worker2', from: at(100), to: at(131) + 1000 }]);
      expect(c.violations.map((v) => [v.invariant, v.detail])).toEqual([
        ['no-unserved-billing', 'worker1 billed without serving from 2025-10-13T08:05:00.000Z to now (2100 s past the last block, bound 1860 s)'],
        ['no-unserved-billing', 'worker2 billed without serving from 2025-10-13T09:40:00.000Z to 2025-10-13T10:11:01.000Z (1861 s past the last block, bound 1860 s)'],
      ]);
    });

    it('lets a stretch of exactly the bound pass, and restarts the clock at the end of a block or at the horizon', () => {
      const c = unserved([{ from: at(10), until: at(20) }], ['worker9']);
      c.checkUnserved(at(300), [
        { hostname: 'worker1', from: at(100), to: at(131) },
        // Blocked (Opencast down, AWS failing, the scaler killed) until minute 20: 31 min from there.
        { hostname: 'worker2', from: at(5), to: at(51) },
        // A protected worker is never stopped by the scaler.
        { hostname: 'worker9', from: at(0), to: at(200) },
      ]);
      c.checkUnserved(at(300), [{ hostname: 'worker3', from: at(200) }], at(230));
      expect(c.violations).toEqual([]);
    });
  });
});
