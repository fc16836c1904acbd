import { describe, expect, it } from 'vitest';
import { DispatchQueue, pickHost, type DispatchCandidate } from '../../../sim/model/dispatcher';
import type { SimJob } from '../../../sim/model/types';
import { buildCluster, jobsIn, MIN, SEC, START } from './helpers';

const host = (baseUrl: string, maxLoad: number, load = 0, running = load > 0 ? 1 : 0): DispatchCandidate => ({
  baseUrl,
  maxLoad,
  load,
  running,
});

describe('pickHost', () => {
  it('picks the least loaded host by load factor, ties to the bigger max load', () => {
    expect(pickHost(1, [host('a', 4, 1), host('b', 8, 1)])?.baseUrl).toBe('b');
    expect(pickHost(1, [host('a', 4), host('b', 8)])?.baseUrl).toBe('b');
    expect(pickHost(1, [host('a', 4, 1), host('b', 8, 4)])?.baseUrl).toBe('a');
  });

  it('refuses when load + job load exceeds every max load', () => {
    expect(pickHost(1.5, [host('a', 4, 3), host('b', 4, 2.6)])).toBeUndefined();
    expect(pickHost(1, [host('a', 4, 3)])?.baseUrl).toBe('a');
  });

  it('sends a job heavier than every host only to an idle host of the largest size', () => {
    expect(pickHost(10, [host('small', 4), host('big', 8)])?.baseUrl).toBe('big');
    expect(pickHost(10, [host('small', 4), host('big', 8, 0.1)])).toBeUndefined();
  });
});

describe('DispatchQueue', () => {
  const job = (id: number, status: SimJob['status'], createdAt: number): SimJob => ({
    id,
    type: 't',
    operation: 'o',
    workflowOperation: 'encode',
    status,
    load: 1,
    createdHost: 'h',
    createdAt,
    durationMs: 1,
    restarts: 0,
  });

  it('offers RESTART jobs first, then QUEUED by creation time', () => {
    const q = new DispatchQueue();
    q.add(job(1, 'QUEUED', 30));
    q.add(job(2, 'QUEUED', 10));
    q.add(job(3, 'RESTART', 50));
    const offered: number[] = [];

    q.round((j) => (offered.push(j.id), false), () => true);

    expect(offered).toEqual([3, 2, 1]);
    expect(q.size).toBe(3);
  });
});

describe('SimCluster dispatcher', () => {
  it('sends nothing to a host in maintenance', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online', maintenance: true },
        { hostname: 'worker2', instanceType: 'c5.xlarge', state: 'online' },
      ],
      trace: { jobs: [{ at: '+1m', durationMinutes: 10, load: 1, count: 3 }] },
    });

    t.advance(2 * MIN);

    const running = jobsIn(t.cluster, 'RUNNING');
    expect(running).toHaveLength(3);
    expect(new Set(running.map((j) => j.processingHost))).toEqual(new Set([t.host('worker2')!.baseUrl]));
  });

  it('respects max load and dispatches the backlog as jobs finish', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' },
        { hostname: 'worker2', instanceType: 'c5.xlarge', state: 'online' },
      ],
      trace: { jobs: [{ at: '+0m', durationMinutes: 10, load: 1.5, count: 6 }] },
    });

    t.advance(1 * MIN);
    expect(jobsIn(t.cluster, 'RUNNING')).toHaveLength(4);
    expect(jobsIn(t.cluster, 'QUEUED')).toHaveLength(2);
    for (const h of t.cluster.hosts.filter((x) => x.nodeName !== 'admin1')) {
      const load = jobsIn(t.cluster, 'RUNNING')
        .filter((j) => j.processingHost === h.baseUrl)
        .reduce((s, j) => s + j.load, 0);
      expect(load).toBeLessThanOrEqual(h.maxLoad);
    }

    t.advance(10 * MIN);
    expect(jobsIn(t.cluster, 'RUNNING')).toHaveLength(2);
    expect(jobsIn(t.cluster, 'FINISHED')).toHaveLength(4);
  });

  it('gives an oversized job only to an idle host of the largest size', () => {
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' },
        { hostname: 'worker2', instanceType: 'c5.2xlarge', state: 'online' },
      ],
      trace: {
        jobs: [
          { at: '+0m', durationMinutes: 5, load: 0.5 },
          { at: '+1m', durationMinutes: 5, load: 20, workflowOperation: 'composite' },
        ],
      },
    });

    t.advance(2 * MIN);
    const oversized = t.cluster.jobs.find((j) => j.load === 20)!;
    expect(oversized.status).toBe('QUEUED');

    t.advance(4 * MIN);
    expect(oversized.status).toBe('RUNNING');
    expect(oversized.processingHost).toBe(t.host('worker2')!.baseUrl);
  });

  it('restarts the running jobs of a stopped worker from scratch elsewhere, ahead of older QUEUED jobs', () => {
    // worker1 (max 4) is full with X; B (load 4) fits nowhere; A (load 2, younger than B) fits worker2 (max 2).
    const t = buildCluster({
      workers: [
        { hostname: 'worker1', instanceType: 'c5.xlarge', state: 'online' },
        { hostname: 'worker2', instanceType: 'c5.large', state: 'online' },
      ],
      trace: {
        jobs: [
          { at: '+0m', durationMinutes: 30, load: 4, recording: 'X' },
          { at: '+1m', durationMinutes: 10, load: 4, recording: 'B' },
          { at: '+2m', durationMinutes: 10, load: 2, recording: 'A' },
        ],
      },
    });
    t.advance(3 * MIN);
    const [x, b, a] = [1, 2, 3].map((id) => t.cluster.jobs.find((j) => j.id === id)!);
    expect([x!.status, b!.status, a!.status]).toEqual(['RUNNING', 'QUEUED', 'RUNNING']);
    expect(a!.processingHost).toBe(t.host('worker2')!.baseUrl);

    t.cluster.stopInstance(t.instance('worker2').opsworksId);

    expect(a).toMatchObject({ status: 'RESTART', restarts: 1, processingHost: undefined });
    expect(t.cluster.counters()).toMatchObject({ interruptions: 1, interruptedWorkMs: 1 * MIN });

    t.advance(28 * MIN); // X finishes at +30m: room for 4 on worker1, taken by A first
    expect(a).toMatchObject({ status: 'RUNNING', startedAt: START + 30 * MIN, processingHost: t.host('worker1')!.baseUrl });
    expect(b!.status).toBe('QUEUED');
    expect(t.cluster.runData().waitsMs.at(-1)).toBe(27 * MIN); // from the restart at +3m

    t.advance(10 * MIN);
    expect(a!.status).toBe('FINISHED');
    expect(b!.status).toBe('RUNNING');
  });

  it('creates a stage only when the previous stage has finished, and records the recording done', () => {
    const t = buildCluster({
      workers: [{ hostname: 'worker1', state: 'online' }],
      trace: {
        jobs: [
          { at: '+1m', recording: 'lecture', stage: 0, durationMinutes: 5, count: 2 },
          { at: '+1m', recording: 'lecture', stage: 1, durationMinutes: 10 },
        ],
      },
    });

    t.advance(3 * MIN);
    expect(t.cluster.jobs).toHaveLength(2);
    t.advance(4 * MIN);
    expect(t.cluster.jobs).toHaveLength(3);
    expect(t.cluster.jobs[2]!.createdAt).toBe(START + 6 * MIN);
    t.advance(10 * MIN);

    expect(t.cluster.recordings()).toEqual([
      expect.objectContaining({ id: 'lecture', arrivalAt: START + 1 * MIN, completedAt: START + 16 * MIN, jobs: 3 }),
    ]);
  });

  it('dispatches on the 2 s dispatcher beat and measures the wait from creation', () => {
    const t = buildCluster({
      timings: { dispatchIntervalMs: 2000 },
      workers: [{ hostname: 'worker1', state: 'online' }],
      trace: { jobs: [{ at: '+61s', durationMinutes: 1 }] },
    });

    t.advance(2 * MIN);

    expect(t.cluster.jobs[0]!.startedAt).toBe(START + 62 * SEC);
    expect(t.cluster.runData().waitsMs).toEqual([1000]);
  });

  it('dispatches nothing while Opencast is down and resumes when it is back', () => {
    const t = buildCluster({
      workers: [{ hostname: 'worker1', state: 'online' }],
      trace: { jobs: [{ at: '+5m', durationMinutes: 1 }] },
      faults: [{ at: '+4m', kind: 'opencast-down', forMinutes: 10 }],
    });

    t.advance(10 * MIN);
    expect(t.cluster.jobs[0]!.status).toBe('QUEUED');
    t.advance(5 * MIN);
    expect(t.cluster.jobs[0]!.startedAt).toBe(START + 14 * MIN);
  });
});
