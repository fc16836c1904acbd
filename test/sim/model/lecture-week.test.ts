/**
 * One simulated teaching week with 50 always-on workers, the model alone: the
 * outcome is asserted; its speed is `npm run bench:speed`'s to measure.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sim/model/clock';
import { parseScenario, scenarioEnd } from '../../../sim/model/scenario';
import { createSimCluster } from '../../../sim/model/create';
import { computeStats } from '../../../sim/model/stats';

describe('lecture week on the model', () => {
  it('runs a lecture week of 150 rooms on 50 always-on workers', () => {
    const scenario = parseScenario({
      cluster: 'perf',
      start: '2025-09-08T04:00:00Z',
      end: '+7d',
      workers: [{ hostname: 'worker{n}', count: 50, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 60 }],
      trace: { generator: { name: 'lecture-week', seed: 2025, rooms: 150, weeks: 1, utcOffsetMinutes: -240 } },
    });
    const clock = new ManualClock(Date.parse(scenario.start));

    const cluster = createSimCluster(scenario, clock);
    clock.set(scenarioEnd(scenario));
    const data = cluster.runData();
    const stats = computeStats(data, { minWorkers: 50 });

    expect(stats.recordings.arrived).toBeGreaterThan(850);
    expect(stats.jobs.completed).toBe(stats.jobs.created);
    expect(stats.recordings.shareWithinTarget).toBe(1);
    expect(stats.minWorkerViolationMinutes).toBe(0);
    expect(data.timeline).toHaveLength(7 * 24 * 60 + 1);
    expect(stats.billing.perSecond.instanceHours).toBeCloseTo(50 * (7 * 24 + 1), 6);
  });
});
