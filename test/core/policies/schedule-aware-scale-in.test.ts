/** Scale-in that looks ahead and holds (issue 24 item 1): break-even horizon, hold-down, fresh workers, smoothing. */
import { describe, expect, it } from 'vitest';
import { decidePolicy, keepsWorker, type PolicyInput } from '../../../core/policies';
import type { ScheduledEvent, ScheduleObservation } from '../../../core/types';
import { chosen, configOf, inputOf, minutesLater, NOW, reasonOf, type InputSpec } from './helpers';

// boot 6 + lead 3: scale-out looks 9 minutes ahead; a restart bills 6 unserved minutes, so scale-in looks 15 ahead and holds 6.
const config = configOf({ name: 'schedule-aware', utilisation: 1, ingest_lag_minutes: 7, boot_minutes: 6, lead_minutes: 3 });
const running = (n: number, load = 0, uptimeMinutes = 120) => Array.from({ length: n }, (_, i) => ({ hostname: `worker${i + 1}`, uptimeMinutes, ...(load ? { load } : {}) }));
const up = (events: ScheduledEvent[]): ScheduleObservation => ({ up: true, from: minutesLater(-240).toISOString(), to: minutesLater(120).toISOString(), events });
/** `count` 75-minute captures, not yet ingested, arriving `arriveIn` minutes from now (scheduled end + the 7-minute lag). */
const arriving = (count: number, arriveIn: number): ScheduledEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `a${arriveIn}-${i}`,
    start: minutesLater(arriveIn - 7 - 75).toISOString(),
    end: minutesLater(arriveIn - 7).toISOString(),
    agentId: `room-${i}`,
    status: 'EVENTS.EVENTS.STATUS.RECORDING',
  }));
/** The memory of a surplus that began `minutesAgo` with at most `most` workers needed since. */
const surplusFor = (minutesAgo: number, most: number) => ({ surplus: { since: minutesLater(-minutesAgo).toISOString(), most } });
const decide = (spec: InputSpec, events: ScheduledEvent[] = [], cfg = config): ReturnType<typeof decidePolicy> => decidePolicy({ ...inputOf(cfg, spec), schedule: up(events) });

describe('schedule-aware scale-in: hold-down', () => {
  it('holds a surplus nothing projects until it has lasted the hold-down (the boot a restart would bill), then drains', () => {
    const spec = { workers: running(5, 1), minWorkers: 2 };

    const first = decide(spec);
    const after5 = decide({ ...spec, memory: surplusFor(5, 2) });
    const after6 = decide({ ...spec, memory: surplusFor(6, 2) });

    expect(first.action).toBe('none');
    expect(first.outcome).toBe('HoldingDrain');
    expect(first.memory?.surplus).toEqual({ since: NOW.toISOString(), most: 2 });
    expect(after5.outcome).toBe('HoldingDrain');
    expect(after6.action).toBe('stop');
    expect(chosen(after6)).toHaveLength(3);
  });

  it('drains only down to the highest target seen during the hold-down', () => {
    const decision = decide({ workers: running(5, 1), minWorkers: 2, memory: surplusFor(10, 4) });

    expect(decision.action).toBe('stop');
    expect(chosen(decision)).toHaveLength(1);
  });

  it('forgets the surplus once the target reaches the fleet again', () => {
    // 2 workers at the floor, 2 needed: no surplus, nothing held.
    const decision = decide({ workers: running(2, 1), minWorkers: 2, memory: surplusFor(30, 1) });

    expect(decision.outcome).toBe('AtTarget');
    expect(decision.memory?.surplus).toBeUndefined();
  });

  it('carries its hold-down through JSON, as the execution output does', () => {
    const spec = { workers: running(5, 1), minWorkers: 2 };
    const t0 = decidePolicy({ ...inputOf(config, spec), schedule: up([]) });
    const restored = JSON.parse(JSON.stringify(t0.memory)) as PolicyInput['memory'];

    const later = decidePolicy({ ...inputOf(config, { ...spec, memory: restored! }), now: minutesLater(6), schedule: up([]) });

    expect(later.action).toBe('stop');
  });
});

describe('schedule-aware scale-in: look ahead by the break-even horizon', () => {
  it('keeps a worker the projection needs again within the boot lead plus a restart’s cost', () => {
    // 80 captures land in 12 minutes (their composites: 120 load from 12.5): past the 9-minute scale-out lead,
    // inside the 15-minute scale-in horizon. Four 36-slot workers are needed then: none goes.
    const decision = decide({ workers: running(4, 1), minWorkers: 2, memory: surplusFor(30, 2) }, arriving(80, 12));

    expect(decision.action).toBe('none');
    expect(decision.target!.workers).toBe(4);
    expect(decision.reasons[0]).toMatch(/kept: 4 needed within 15 min/);
  });

  it('drains it when the load lands beyond that horizon', () => {
    const decision = decide({ workers: running(4, 1), minWorkers: 2, memory: surplusFor(30, 2) }, arriving(80, 25));

    expect(decision.action).toBe('stop');
    expect(chosen(decision)).toHaveLength(2);
  });

  it('looks a billing hour ahead under hourly billing (a restart bills a whole hour)', () => {
    const spec = { workers: running(4, 1), minWorkers: 2, memory: surplusFor(30, 2) };

    const perSecond = decide(spec, arriving(40, 40));
    const hourly = decide({ ...spec, billing: 'hourly' }, arriving(40, 40));

    expect(perSecond.action).toBe('stop');
    expect(hourly.target!.workers).toBeGreaterThan(perSecond.target!.workers);
  });
});

describe('schedule-aware scale-in: fresh workers and smoothing', () => {
  it('never drains a worker started within its boot plus the hold-down', () => {
    const workers = [{ hostname: 'worker1', uptimeMinutes: 120 }, { hostname: 'worker2', uptimeMinutes: 120 }, { hostname: 'worker3', uptimeMinutes: 10 }, { hostname: 'worker4', uptimeMinutes: 13 }];

    const decision = decide({ workers, minWorkers: 1, memory: surplusFor(30, 1) });

    expect(decision.action).toBe('stop');
    expect(chosen(decision)).not.toContain('worker3');
    expect(chosen(decision)).toContain('worker4');
    expect(reasonOf(decision, 'worker3')).toBe('BelowBillingWindow');
  });

  it('does not drain on one low reading of unscheduled load: scale-in plans for its highest value over the hold-down', () => {
    // 60 unscheduled load two minutes ago, none now: the second worker stays.
    const memory = { ...surplusFor(30, 1), unscheduled: { [minutesLater(-2).toISOString()]: 60 } };

    const decision = decide({ workers: running(3), minWorkers: 1, memory });

    expect(decision.target!.workers).toBe(2);
    expect(chosen(decision)).toHaveLength(1);
    // ... and readings older than the hold-down are forgotten.
    const old = decide({ workers: running(3), minWorkers: 1, memory: { ...surplusFor(30, 1), unscheduled: { [minutesLater(-7).toISOString()]: 60 } } });
    expect(chosen(old)).toHaveLength(2);
  });

  it('still starts at once for unscheduled load now: scale-out does not wait for earlier low readings', () => {
    const quiet = { unscheduled: { [minutesLater(-2).toISOString()]: 0, [minutesLater(-1).toISOString()]: 0 } };
    const workers = [...running(2, 36), { hostname: 'worker3', status: 'stopped' }, { hostname: 'worker4', status: 'stopped' }];

    const decision = decide({ workers, queued: [7, 7, 7, 7], minWorkers: 2, memory: quiet });

    expect(decision.action).toBe('start');
    expect(decision.target!.workers).toBe(3);
  });
});

describe('schedule-aware scale-in and the drain’s one demand rule', () => {
  it('keeps a worker under drain that the look-ahead needs back, though it starts none before the scale-out lead', () => {
    // worker4 is being drained; 80 captures land in 12 minutes and need four workers then.
    const spec = { workers: running(4, 1), minWorkers: 2, draining: ['worker4'] };
    const input = { ...inputOf(config, spec), schedule: up(arriving(80, 12)) };

    const decision = decidePolicy(input);

    expect(decision.action).toBe('none');
    expect(decision.target).toMatchObject({ workers: 4, current: 3 });
    expect(keepsWorker(input, 'worker4')).toMatchObject({ rule: 'policy' });
  });

  it('lets the drain go on when the look-ahead does not need the worker', () => {
    const input = { ...inputOf(config, { workers: running(4, 1), minWorkers: 2, draining: ['worker4'] }), schedule: up(arriving(80, 25)) };

    expect(keepsWorker(input, 'worker4')).toBeUndefined();
  });
});
