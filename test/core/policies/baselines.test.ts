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
  const config = configOf({ name: 'target-tracking', target_queued_per_worker: 5 });

  it('scales out to ceil(queued / target) workers', () => {
    const decision = decidePolicy(
      inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 30, load: 30 }, ...stopped(2, 3, 4)], queued: Array(12).fill(1) }),
    );

    expect(decision).toMatchObject({ action: 'start', target: { workers: 3 } });
    expect(decision.reasons[0]).toMatch(/12 queued \/ 1 in service = 12.00 per worker, target 5/);
  });

  it('holds scale-in during the cool-down after a scale-out', () => {
    const workers = [1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 30 }));

    const cooling = decidePolicy(inputOf(config, { workers, lastBootAt: minutesLater(-2).toISOString() }));
    const after = decidePolicy(inputOf(config, { workers, lastBootAt: minutesLater(-6).toISOString() }));

    expect(cooling).toMatchObject({ action: 'none', outcome: 'HoldingDrain' });
    expect(cooling.reasons.join(' ')).toMatch(/cool-down/);
    expect(after.action).toBe('stop');
    expect(chosen(after)).toHaveLength(2);
  });

  it('scales in idle workers only', () => {
    const workers = [1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 30, load: n === 3 ? 0 : 10 }));

    const decision = decidePolicy(inputOf(config, { workers }));

    expect(chosen(decision)).toEqual(['worker3']);
    expect(reasonOf(decision, 'worker1')).toBe('Busy');
  });
});

describe('idle-timer policy', () => {
  const config = configOf({ name: 'idle-timer', idle_minutes: 10 });

  it('starts its timers on first sight of an idle worker and drains nothing yet', () => {
    const decision = decidePolicy(inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 60, load: 2 }, { hostname: 'worker2', uptimeMinutes: 60 }] }));

    expect(decision).toMatchObject({ action: 'none', outcome: 'NotIdleLongEnough' });
    expect(decision.memory).toEqual({ idleSince: { worker2: NOW.toISOString() } });
  });

  it('drains a worker idle for the timer, and forgets a worker that got work', () => {
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

  it('starts enough workers for the queued load, less those already starting', () => {
    const decision = decidePolicy(
      inputOf(config, {
        workers: [{ hostname: 'worker1', uptimeMinutes: 60, load: 36 }, { hostname: 'worker2', status: 'pending', registered: false }, ...stopped(3, 4, 5)],
        queued: Array(20).fill(4),
      }),
    );

    // 80 queued load on 36-slot workers: 3 workers, 1 already starting.
    expect(decision.action).toBe('start');
    expect(chosen(decision)).toHaveLength(2);
  });
});
