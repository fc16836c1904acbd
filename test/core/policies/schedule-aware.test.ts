import { describe, expect, it } from 'vitest';
import { decidePolicy, scheduleWindow } from '../../../core/policies';
import { criticalPathMs, loadProfile, workOf } from '../../../core/policies/recording-load';
import type { ScheduledEvent, ScheduleObservation } from '../../../core/types';
import { chosen, configOf, inputOf, minutesLater } from './helpers';

const config = configOf({ name: 'schedule-aware', utilisation: 1, ingest_lag_minutes: 7, boot_minutes: 6, lead_minutes: 3 });
const stopped = (...ns: number[]) => ns.map((n) => ({ hostname: `worker${n}`, status: 'stopped' }));
const running = (n: number, load = 0) => Array.from({ length: n }, (_, i) => ({ hostname: `worker${i + 1}`, uptimeMinutes: 120, ...(load ? { load } : {}) }));

/** `count` 75-minute captures ending `endsIn` minutes from now. */
function captures(count: number, endsIn: number, status = 'EVENTS.EVENTS.STATUS.RECORDING'): ScheduledEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `e${endsIn}-${i}`,
    start: minutesLater(endsIn - 75).toISOString(),
    end: minutesLater(endsIn).toISOString(),
    agentId: `room-${i}`,
    status,
  }));
}
const up = (events: ScheduledEvent[]): ScheduleObservation => ({ up: true, from: minutesLater(-240).toISOString(), to: minutesLater(120).toISOString(), events });

describe('recording load projection', () => {
  it('projects about 3.1 load-minutes of work per recorded minute and a critical path of about 0.86 of the length', () => {
    const d = 70 * 60_000;

    expect(workOf(d) / 70).toBeCloseTo(3.18, 1);
    expect(criticalPathMs(d) / d).toBeGreaterThan(0.85);
    expect(criticalPathMs(d) / d).toBeLessThan(0.95);
    // The encode stage is the heaviest: two 4-load encodes.
    expect(Math.max(...loadProfile(d).map((s) => s.load))).toBeCloseTo(6.5, 1);
  });
});

describe('schedule-aware policy', () => {
  it('reads a schedule window only for itself', () => {
    expect(scheduleWindow(config.policy)).toEqual({ backMinutes: 240, aheadMinutes: 120 });
    expect(scheduleWindow(configOf({ name: 'headroom' }).policy)).toBeUndefined();
  });

  it('starts workers one boot time before the captures ending now load the cluster, sized for their projected load', () => {
    // 60 captures ended a minute ago: ingested at +6, each composite (1.5 load) from +6.5: 90 load within the 9-minute lead.
    const input = { ...inputOf(config, { workers: [...running(2), ...stopped(3, 4, 5, 6, 7)], minWorkers: 2 }), schedule: up(captures(60, -1)) };

    const decision = decidePolicy(input);

    expect(decision.action).toBe('start');
    expect(decision).toMatchObject({ target: { workers: 3 } });
    expect(decision.reasons[0]).toMatch(/60 arriving within 9 min/);
  });

  it('does nothing for captures that land after the boot lead', () => {
    const input = { ...inputOf(config, { workers: [...running(2), ...stopped(3, 4, 5)], minWorkers: 2 }), schedule: up(captures(40, 60, 'EVENTS.EVENTS.STATUS.RECORDING')) };

    expect(decidePolicy(input).action).toBe('none');
  });

  it('lets workers go when no projected load needs them, busy ones included, once the surplus has lasted the hold-down', () => {
    const surplus = { since: minutesLater(-6).toISOString(), most: 2 };
    const input = { ...inputOf(config, { workers: running(5, 1), minWorkers: 2, memory: { surplus } }), schedule: up([]) };

    const decision = decidePolicy(input);

    // 5 load on 36-slot workers: one worker, the floor of 2 holds.
    expect(decision.action).toBe('stop');
    expect(chosen(decision)).toHaveLength(3);
  });

  it('plans for less than the peak when told to use the slack (utilisation 2)', () => {
    const events = captures(150, -1);
    const workers = [...running(2), ...stopped(3, 4, 5, 6, 7, 8, 9)];
    const at1 = decidePolicy({ ...inputOf(config, { workers, minWorkers: 2 }), schedule: up(events) });
    const at2 = decidePolicy({ ...inputOf(configOf({ name: 'schedule-aware', utilisation: 2 }), { workers, minWorkers: 2 }), schedule: up(events) });

    expect(at2.target!.workers).toBeLessThan(at1.target!.workers);
  });

  it('plans for unscheduled load in full whatever the utilisation: an upload’s slack is unknown', () => {
    // 100 load running and queued, no capture explains any of it: 3 workers of 36 slots, at utilisation 1 or 3.
    const workers = [...running(2, 36), ...stopped(3, 4, 5, 6)];
    const queued = [7, 7, 7, 7];
    for (const utilisation of [1, 3]) {
      const decision = decidePolicy({ ...inputOf(configOf({ name: 'schedule-aware', utilisation }), { workers, queued, minWorkers: 2 }), schedule: up([]) });

      expect(decision.target!.workers).toBe(3);
      expect(decision.reasons[0]).toMatch(/100 of it unscheduled/);
    }
  });

  it('skips processed events and remembers when an event was first seen ingested, as JSON', () => {
    const ingested = captures(1, -10, 'EVENTS.EVENTS.STATUS.PROCESSING');
    const done = captures(1, -20, 'EVENTS.EVENTS.STATUS.PROCESSED');
    const seen = minutesLater(-4).getTime();

    const decision = decidePolicy({ ...inputOf(config, { workers: running(2), minWorkers: 2, memory: { ingestedAt: { [ingested[0]!.id]: seen } } }), schedule: up([...ingested, ...done]) });

    expect(decision.memory?.ingestedAt).toEqual({ [ingested[0]!.id]: seen });
    expect(JSON.parse(JSON.stringify(decision.memory))).toEqual(decision.memory);
    expect(decision.reasons[0]).toMatch(/from 1 scheduled recording/);
  });

  it('falls back to headroom without a schedule, and says why', () => {
    const input = { ...inputOf(config, { workers: [...running(1, 30), ...stopped(2, 3)], queued: [4, 4, 4], minWorkers: 1 }), schedule: { up: false as const, error: 'GET /api/events: HTTP 500' } };

    const decision = decidePolicy(input);

    expect(decision.policy).toBe('schedule-aware');
    expect(decision.reasons[0]).toMatch(/no schedule \(GET \/api\/events: HTTP 500\): the headroom fallback decides/);
    expect(decision.action).toBe('start');
  });

  it('treats a schedule never read as no schedule', () => {
    const input = inputOf(config, { workers: running(2), minWorkers: 2 });

    const decision = decidePolicy(input);

    expect(decision.reasons[0]).toMatch(/no schedule read/);
    // ... and decides as the headroom fallback does when the read failed: two idle workers at a floor of two stay.
    const failed = decidePolicy({ ...input, schedule: { up: false, error: 'GET /api/events: HTTP 500' } });
    expect(decision.action).toBe('none');
    expect({ action: decision.action, outcome: decision.outcome, chosen: chosen(decision) }).toEqual({ action: failed.action, outcome: failed.outcome, chosen: chosen(failed) });
  });
});
