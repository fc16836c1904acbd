/** Issue 23 item 6, schedule-aware parts: the fallback keeps the schedule's memory; a capture that never arrives expires. */
import { describe, expect, it } from 'vitest';
import { decidePolicy } from '../../../core/policies';
import type { ScheduledEvent, ScheduleObservation } from '../../../core/types';
import { configOf, inputOf, minutesLater } from './helpers';

const config = configOf({ name: 'schedule-aware', utilisation: 1, ingest_lag_minutes: 7, boot_minutes: 6, lead_minutes: 3 });
const running = (n: number, load = 0) => Array.from({ length: n }, (_, i) => ({ hostname: `worker${i + 1}`, uptimeMinutes: 120, ...(load ? { load } : {}) }));
const stopped = (...ns: number[]) => ns.map((n) => ({ hostname: `worker${n}`, status: 'stopped' }));
const up = (events: ScheduledEvent[]): ScheduleObservation => ({ up: true, from: minutesLater(-240).toISOString(), to: minutesLater(120).toISOString(), events });
/** `count` 75-minute captures that ended `endedAgo` minutes ago, in `status`. */
const captures = (count: number, endedAgo: number, status: string): ScheduledEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `e${endedAgo}-${i}`,
    start: minutesLater(-endedAgo - 75).toISOString(),
    end: minutesLater(-endedAgo).toISOString(),
    agentId: `room-${i}`,
    status,
  }));

describe('schedule-aware memory across a failed schedule read', () => {
  it('keeps every recording’s real arrival through the headroom fallback, and the fallback’s own memory too', () => {
    const ingested = captures(1, 10, 'EVENTS.EVENTS.STATUS.PROCESSING');
    const seen = minutesLater(-4).getTime();
    const withSchedule = decidePolicy({ ...inputOf(config, { workers: running(2), minWorkers: 2, memory: { ingestedAt: { [ingested[0]!.id]: seen } } }), schedule: up(ingested) });

    const failed = decidePolicy({ ...inputOf(config, { workers: running(2), minWorkers: 2, memory: withSchedule.memory! }), schedule: { up: false, error: 'GET /api/events: HTTP 500' } });
    const back = decidePolicy({ ...inputOf(config, { workers: running(2), minWorkers: 2, memory: failed.memory! }), schedule: up(ingested) });

    expect(failed.reasons[0]).toMatch(/headroom fallback decides/);
    expect(failed.memory?.ingestedAt).toEqual({ [ingested[0]!.id]: seen });
    expect(failed.memory?.recent).toBeDefined();
    expect(back.memory?.ingestedAt).toEqual({ [ingested[0]!.id]: seen });
  });

  it('forgets, during the fallback, arrivals older than the schedule window it reads', () => {
    const old = minutesLater(-241).getTime();
    const recent = minutesLater(-30).getTime();

    const failed = decidePolicy({ ...inputOf(config, { workers: running(2), minWorkers: 2, memory: { ingestedAt: { old, recent } } }), schedule: { up: false, error: 'HTTP 500' } });

    expect(failed.memory?.ingestedAt).toEqual({ recent });
  });
});

describe('schedule-aware captures that never arrive', () => {
  const workers = [...running(2), ...stopped(3, 4, 5, 6, 7)];

  it('still expects a capture a little past its expected arrival (scheduled end + lag) as arriving now', () => {
    // Ended 10 minutes ago: expected 3 minutes ago, still within one more lag.
    const decision = decidePolicy({ ...inputOf(config, { workers, minWorkers: 2 }), schedule: up(captures(60, 10, 'EVENTS.EVENTS.STATUS.RECORDING')) });

    expect(decision.action).toBe('start');
  });

  it('stops expecting it once it is overdue by another ingest lag, and says so', () => {
    // Ended 30 minutes ago and never ingested (the agent never uploaded): 23 minutes overdue.
    const decision = decidePolicy({ ...inputOf(config, { workers, minWorkers: 2 }), schedule: up(captures(60, 30, 'EVENTS.EVENTS.STATUS.RECORDING')) });

    expect(decision.action).toBe('none');
    expect(decision.target!.workers).toBe(2);
    expect(decision.reasons[0]).toMatch(/60 overdue capture\(s\) no longer expected/);
  });
});
