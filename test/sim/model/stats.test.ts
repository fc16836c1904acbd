import { describe, expect, it } from 'vitest';
import { computeStats, percentile, timelineToCsv, timelineToJson, waitStats } from '../../../sim/model/stats';
import { buildCluster, HOUR, MIN, START } from './helpers';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarises waits whatever their order', () => {
    expect(waitStats([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3, mean: 2 });
  });
});

describe('computeStats', () => {
  it('counts jobs, waits, recordings within the target and interruptions', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' },
        { hostname: 'worker2', instanceType: 'c5.xlarge', state: 'online' },
      ],
      trace: {
        jobs: [
          { at: '+0m', durationMinutes: 30, load: 4, recording: 'quick' },
          { at: '+0m', durationMinutes: 150, load: 4, recording: 'slow' },
          { at: '+1m', durationMinutes: 10, load: 4, recording: 'waits' },
        ],
      },
    });
    t.advance(5 * MIN);
    const busy = t.cluster.jobs.find((j) => j.status === 'RUNNING' && j.durationMs === 150 * MIN)!;
    const victim = t.cluster.instances.find((i) => busy.processingHost === `http://${i.privateDns}`)!;
    t.cluster.stopInstance(victim.opsworksId);

    t.advance(6 * HOUR);
    const stats = computeStats(t.cluster.runData(), { minWorkers: 1 });

    expect(stats.jobs).toMatchObject({ created: 3, completed: 3, interrupted: 1, interruptedWorkMs: 5 * MIN, unfinished: 0 });
    // One host left: 'slow' restarts at +30m (RESTART first) and ends at +180m; 'waits' runs after it.
    expect(stats.recordings).toMatchObject({ arrived: 3, completed: 3, due: 3, withinTarget: 1 });
    expect(stats.recordings.shareWithinTarget).toBeCloseTo(1 / 3, 10);
    expect(stats.queueWaitMs.count).toBe(4);
    expect(stats.queueWaitMs.max).toBe(179 * MIN);
    expect(stats.stops).toBe(1);
  });

  it('counts minutes below the floor and workers stranded in maintenance', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 10 },
        { hostname: 'worker2', state: 'online', maintenance: true },
      ],
    });

    t.advance(10 * MIN);
    t.cluster.stopInstance(t.instance('worker1').opsworksId);
    t.advance(50 * MIN);
    const stats = computeStats(t.cluster.runData(), { minWorkers: 2, strandedAfterMs: 30 * MIN });

    // Samples at +0..+60m: 61; the 11 up to +10m (taken before the stop) saw two online workers.
    expect(stats.minWorkerViolationMinutes).toBe(61 - 11);
    // worker2 is in maintenance throughout, so one in service at most.
    expect(stats.minInServiceViolationMinutes).toBe(61);
    expect(stats.strandedInMaintenance).toEqual([{ hostname: 'worker2', sinceMs: 60 * MIN, runningJobs: 0 }]);
    expect(stats.billing.mode).toBe('per-second');
    // worker1: launched 10 min before the start, EC2 stopping 30 s after the stop; worker2: the whole hour.
    expect(stats.billing.chargedInstanceHours).toBeCloseTo((20 * MIN + 30_000 + 60 * MIN) / HOUR, 6);
    expect(stats.billing.chargedCost).toBeGreaterThan(0);
  });

  it('counts flapping: workers started during the run and stopped again within the hour', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 5 },
        { hostname: 'worker2', state: 'stopped' },
        { hostname: 'worker10', state: 'stopped' },
      ],
    });
    const cycle = (hostname: string, upMinutes: number) => {
      t.cluster.startInstance(t.instance(hostname).opsworksId);
      t.advance(upMinutes * MIN);
      t.cluster.stopInstance(t.instance(hostname).opsworksId);
      t.advance(2 * MIN);
    };
    // worker1 was running before the start: stopping it is no flap.
    t.cluster.stopInstance(t.instance('worker1').opsworksId);
    t.advance(2 * MIN);
    cycle('worker2', 20);
    cycle('worker2', 40);
    cycle('worker10', 30);
    cycle('worker10', 90);
    // Started and still running at the end: no flap either.
    t.cluster.startInstance(t.instance('worker2').opsworksId);
    t.advance(10 * MIN);
    const stats = computeStats(t.cluster.runData(), { minWorkers: 1 });

    expect(stats.flapping).toEqual({ windowMs: HOUR, times: 3, byWorker: [{ hostname: 'worker2', times: 2 }, { hostname: 'worker10', times: 1 }] });
  });
});

describe('timeline export', () => {
  it('writes one CSV row per minute with an ISO time first, and the same as JSON', () => {
    const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'online' }], queue: { queued: 2, queuedHighLoad: 0 } });
    t.advance(2 * MIN);

    const csv = timelineToCsv(t.cluster.timeline()).trim().split('\n');
    const json = JSON.parse(timelineToJson(t.cluster.timeline())) as Record<string, unknown>[];

    expect(csv[0]).toBe(
      'time,at,queuedJobs,queuedLoad,runningJobs,runningLoad,onlineWorkers,inServiceWorkers,pendingWorkers,maintenanceWorkers,billedWorkers,runningInstances',
    );
    expect(csv).toHaveLength(4);
    expect(csv[1]).toBe(`${new Date(START).toISOString()},${START},0,0,2,0.2,1,1,0,0,1,2`);
    expect(json[2]).toMatchObject({ time: new Date(START + 2 * MIN).toISOString(), runningJobs: 0, onlineWorkers: 1 });
  });
});
