import { describe, expect, it } from 'vitest';
import { buildCluster, jobsIn, MIN } from './helpers';

/** One online 4-vCPU worker (max load 4) and jobs queued at the start. */
const worker = (cpuPerLoad?: number, jobs = [{ at: '+0m', workflowOperation: 'encode', load: 4, durationMinutes: 10 }]) =>
  buildCluster({
    ...(cpuPerLoad !== undefined ? { cpuPerLoad } : {}),
    workers: [{ hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online', uptimeMinutes: 60 }],
    trace: { jobs },
  });

describe('oversubscribed workers', () => {
  it('take the job its duration when no slowdown is modelled', () => {
    const t = worker();

    t.advance(10 * MIN);

    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(1);
  });

  it('run jobs wanting more CPU than the cores at a shared speed (load 4 × 1.25 on 4 cores: 10 min of work takes 12.5)', () => {
    const t = worker(1.25);

    t.advance(12 * MIN);
    expect(jobsIn(t.cluster, 'RUNNING')).toHaveLength(1);
    t.advance(MIN);
    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(1);
  });

  it('speed the remaining jobs up when one finishes', () => {
    // Two loads of 2 want 5 CPUs on 4: both at 0.8. The 4-minute job ends at 5 min; the other then runs at full speed.
    const t = worker(1.25, [
      { at: '+0m', workflowOperation: 'composite', load: 2, durationMinutes: 4 },
      { at: '+0m', workflowOperation: 'composite', load: 2, durationMinutes: 10 },
    ]);

    t.advance(5 * MIN);
    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(1);
    // 4 min of the 10 done by then, 6 left at full speed: done at 11 min.
    t.advance(5 * MIN + 59_000);
    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(1);
    t.advance(1000);
    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(2);
  });
});
