import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import { EventScheduler, fromFakeTimers, ManualClock } from '../../../sim/model/clock';
import { parseScenario } from '../../../sim/model/scenario';
import { createSimCluster } from '../../../sim/model/create';
import { buildCluster, MIN, START } from './helpers';

describe('EventScheduler', () => {
  it('runs events in time order, then priority, then insertion order', () => {
    const s = new EventScheduler(0);
    const ran: string[] = [];
    s.schedule(20, () => ran.push('b'));
    s.schedule(10, () => ran.push('late-priority'), 1);
    s.schedule(10, () => ran.push('a1'));
    s.schedule(10, () => ran.push('a2'));

    s.advanceTo(100);

    expect(ran).toEqual(['a1', 'a2', 'late-priority', 'b']);
    expect(s.time).toBe(100);
  });

  it('only runs events due by the target time, and runs ones scheduled meanwhile', () => {
    const s = new EventScheduler(0);
    const ran: number[] = [];
    s.schedule(5, () => {
      ran.push(s.time);
      s.schedule(7, () => ran.push(s.time));
      s.schedule(50, () => ran.push(s.time));
    });

    s.advanceTo(10);

    expect(ran).toEqual([5, 7]);
    expect(s.nextEventTime()).toBe(50);
  });

  it('skips cancelled events and never schedules in the past', () => {
    const s = new EventScheduler(100);
    const ran: number[] = [];
    const h = s.schedule(150, () => ran.push(1));
    s.schedule(50, () => ran.push(s.time));
    s.cancel(h);

    s.advanceTo(200);

    expect(ran).toEqual([100]);
  });
});

describe('ManualClock', () => {
  it('refuses to go back in time', () => {
    const clock = new ManualClock(10);
    clock.advance(5);
    expect(clock.now()).toBe(15);
    expect(() => clock.set(1)).toThrow(RangeError);
  });
});

describe('SimCluster on a virtual clock', () => {
  it('catches up lazily to the clock on every read', () => {
    const { cluster, clock, instance } = buildCluster({
      workers: [{ hostname: 'worker1', state: 'stopped' }],
    });
    cluster.startInstance(instance('worker1').opsworksId);

    clock.set(START + 10 * MIN);

    expect(instance('worker1').status).toBe('online');
    expect(cluster.now()).toBe(START + 10 * MIN);
  });

  it('follows a @sinonjs/fake-timers clock without any timer of its own', () => {
    const fake = FakeTimers.createClock(START);
    const cluster = createSimCluster(
      parseScenario({
        cluster: 'fake',
        start: new Date(START).toISOString(),
        workers: [{ hostname: 'worker1', state: 'online' }],
        trace: { jobs: [{ at: '+1m', durationMinutes: 5 }] },
      }),
      fromFakeTimers(fake),
    );

    fake.tick(3 * MIN);
    expect(cluster.jobs.map((j) => j.status)).toEqual(['RUNNING']);
    fake.tick(5 * MIN);
    expect(cluster.jobs.map((j) => j.status)).toEqual(['FINISHED']);
    expect(fake.countTimers()).toBe(0);
  });
});
