import { describe, expect, it } from 'vitest';
import { decidePolicy } from '../../../core/policies';
import { chosen, configOf, inputOf, minutesLater, NOW, reasonOf } from './helpers';

const stopped = (...ns: number[]) => ns.map((n) => ({ hostname: `worker${n}`, status: 'stopped' }));

describe('static-peak policy', () => {
  const config = configOf({ name: 'static-peak', workers: 3 });

  it('starts the workers missing from the fixed count at once', () => {
    const decision = decidePolicy(inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 10 }, ...stopped(2, 3, 4)] }));

    expect(decision).toMatchObject({ action: 'start', policy: 'static-peak', target: { workers: 3, current: 1 } });
    expect(chosen(decision)).toHaveLength(2);
  });

  it('does nothing at the count, whatever the load', () => {
    const workers = [1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 60, load: 36 }));

    expect(decidePolicy(inputOf(config, { workers, queued: [4, 4, 4] }))).toMatchObject({ action: 'none', outcome: 'AtTarget' });
  });

  it('drains only idle surplus workers, never a protected one', () => {
    const workers = [1, 2, 3, 4, 5].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 60, ...(n === 2 ? { load: 5 } : {}) }));

    const decision = decidePolicy(inputOf(config, { workers, protectedHostnames: ['worker1'] }));

    expect(decision.action).toBe('stop');
    expect(chosen(decision)).toHaveLength(2);
    expect(chosen(decision)).not.toContain('worker1');
    expect(reasonOf(decision, 'worker1')).toBe('Protected');
    expect(reasonOf(decision, 'worker2')).toBe('Busy');
  });
});

describe('schedule policy', () => {
  const config = configOf({ name: 'schedule', time_zone: 'America/New_York' });
  const running = (n: number) => Array.from({ length: n }, (_, i) => ({ hostname: `worker${i + 1}`, uptimeMinutes: 120 }));

  it.each([
    ['Monday 09:00', '2026-11-23T14:00:00Z', 10],
    ['Monday 07:59', '2026-11-23T12:59:00Z', 2],
    ['Friday 21:59', '2026-11-28T02:59:00Z', 10],
    ['Friday 22:00', '2026-11-28T03:00:00Z', 2],
    ['Saturday noon', '2026-11-28T17:00:00Z', 1],
    // Summer time: 08:00 in New York is 12:00 UTC.
    ['a July Tuesday 08:00', '2026-07-14T12:00:00Z', 10],
  ])('wants the operators’ count on %s', (_, at, workers) => {
    const decision = decidePolicy(inputOf(config, { workers: [...running(2), ...stopped(3, 4, 5, 6, 7, 8, 9, 10, 11, 12)], now: new Date(at), minWorkers: 0 }));

    expect(decision.target?.workers).toBe(workers);
  });

  it('keeps the floor over the schedule (weekends want 1, the floor is 2)', () => {
    const decision = decidePolicy(inputOf(config, { workers: running(3), now: new Date('2026-11-28T17:00:00Z'), minWorkers: 2 }));

    expect(decision.target?.workers).toBe(2);
    expect(chosen(decision)).toHaveLength(1);
  });
});

describe('target-tracking policy', () => {
  const config = configOf({ name: 'target-tracking', target_utilisation: 0.5 });
  const above = (minutes: number[], value = 2) => ({ recent: Object.fromEntries(minutes.map((m) => [minutesLater(-m).toISOString(), value])) });

  it('scales out to ceil(load / (target × slots)) once the load per slot has been above the target for 3 minutes', () => {
    const workers = [{ hostname: 'worker1', uptimeMinutes: 30, load: 30 }, ...stopped(2, 3, 4, 5)];

    const decision = decidePolicy(inputOf(config, { workers, queued: Array(10).fill(4), memory: above([1, 2]) }));

    // 30 running + 40 queued = 70 load; 70 / (0.5 × 36) = 3.9 → 4 workers.
    expect(decision).toMatchObject({ action: 'start', target: { workers: 4 } });
    expect(chosen(decision)).toHaveLength(3);
    expect(decision.reasons[0]).toMatch(/load 70 over 36 slots in service = 1.94 per slot, target 0.5; above target for 3 min/);
  });

  it('waits for the high alarm: two minutes above the target are not enough', () => {
    const workers = [{ hostname: 'worker1', uptimeMinutes: 30, load: 30 }, ...stopped(2, 3)];

    const decision = decidePolicy(inputOf(config, { workers, queued: [4, 4], memory: above([1]) }));

    expect(decision.action).toBe('none');
    expect(decision.memory?.recent).toMatchObject({ [NOW.toISOString()]: 1.056 });
  });

  it('counts workers still booting as capacity, so a scale-out is not repeated while they warm up', () => {
    const workers = [{ hostname: 'worker1', uptimeMinutes: 30, load: 30 }, { hostname: 'worker2', status: 'pending', registered: false }, ...stopped(3)];

    const decision = decidePolicy(inputOf(config, { workers, queued: [4], memory: above([1, 2]) }));

    // 34 load needs 2 workers at 0.5 of 36 slots: one in service, one booting.
    expect(decision.action).toBe('none');
  });

  it('scales in only after 15 minutes below the target, draining busy workers too (a lifecycle hook waits for their jobs)', () => {
    const workers = [1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 30, load: 2 }));
    const below = (minutes: number) => ({ recent: Object.fromEntries(Array.from({ length: minutes }, (_, i) => [minutesLater(-(i + 1)).toISOString(), 0.05])) });

    const early = decidePolicy(inputOf(config, { workers, memory: below(10) }));
    const late = decidePolicy(inputOf(config, { workers, memory: below(14) }));

    expect(early.action).toBe('none');
    expect(late.action).toBe('stop');
    expect(chosen(late)).toHaveLength(2);
  });
});

describe('idle-timer policy', () => {
  const config = configOf({ name: 'idle-timer', idle_minutes: 10, idle_count: 1 });

  it('starts its timers on first sight of an idle worker and drains nothing yet', () => {
    const decision = decidePolicy(inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 60, load: 2 }, { hostname: 'worker2', uptimeMinutes: 60 }] }));

    expect(decision).toMatchObject({ action: 'none', outcome: 'NotIdleLongEnough' });
    expect(decision.memory).toEqual({ idleSince: { worker2: NOW.toISOString() } });
  });

  it('drains a worker idle for the timer but keeps one ready, and forgets a worker that got work', () => {
    const memory = { idleSince: { worker1: minutesLater(-30).toISOString(), worker2: minutesLater(-12).toISOString(), worker3: minutesLater(-4).toISOString() } };
    const workers = [
      { hostname: 'worker1', uptimeMinutes: 60, load: 2 },
      { hostname: 'worker2', uptimeMinutes: 60 },
      { hostname: 'worker3', uptimeMinutes: 60 },
    ];

    const decision = decidePolicy(inputOf(config, { workers, memory }));

    expect(chosen(decision)).toEqual(['worker2']);
    expect(reasonOf(decision, 'worker3')).toBe('NotNeeded');
    expect(decision.memory).toEqual({ idleSince: { worker2: memory.idleSince.worker2, worker3: memory.idleSince.worker3 } });
  });

  it('keeps the last ready worker however long it has been idle', () => {
    const memory = { idleSince: { worker2: minutesLater(-40).toISOString() } };
    const workers = [{ hostname: 'worker1', uptimeMinutes: 60, load: 2 }, { hostname: 'worker2', uptimeMinutes: 60 }];

    expect(decidePolicy(inputOf(config, { workers, memory })).action).toBe('none');
  });

  it('starts a ready worker when none is idle', () => {
    const decision = decidePolicy(inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 60, load: 2 }, ...stopped(2, 3)] }));

    expect(decision.action).toBe('start');
    expect(chosen(decision)).toHaveLength(1);
  });

  it('starts enough workers for the queued load and the ready one, less those already starting', () => {
    const decision = decidePolicy(
      inputOf(config, {
        workers: [{ hostname: 'worker1', uptimeMinutes: 60, load: 36 }, { hostname: 'worker2', status: 'pending', registered: false }, ...stopped(3, 4, 5)],
        queued: Array(20).fill(4),
      }),
    );

    // 80 queued load on 36-slot workers: 3 workers, plus 1 ready, 1 already starting.
    expect(decision.action).toBe('start');
    expect(chosen(decision)).toHaveLength(3);
  });
});
