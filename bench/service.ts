/**
 * What a run delivered, as operators judge it: recording turnaround (arrival
 * to the end of its last job) p50 / p95 / max and deadline misses are the
 * gate; job queue wait is a column; cost is the worker instance-hours charged
 * inside the window in each billing mode, also above the floor (the floor's
 * hours are the same for every policy). Pure: reads a run's SimRunData.
 */
import { chargedSeconds } from '../core/billing';
import type { BillingMode } from '../core/types';
import type { SimRunData } from '../sim/model/cluster';
import { percentile } from '../sim/model/stats';

const DEFAULT_DEADLINE_MS = 2 * 3_600_000;

export interface Outcome {
  /** Instance-hours charged inside the window, by billing mode. */
  billed: Record<BillingMode, number>;
  /** Instance-hours run inside the window (no rounding). */
  runHours: number;
  /** The floor's hours over the window (minimum workers × hours): no policy can bill less. */
  floorHours: number;
  /** Turnaround of recordings that arrived in the window and were processed, minutes. */
  turnaround: { p50: number; p95: number; max: number; mean: number };
  /** Recordings past their deadline (processed late, or not processed once it had passed). */
  deadlineMisses: number;
  deadlineMs: number;
  recordings: { arrived: number; completed: number; due: number };
  /** Dispatch − creation (or restart) of every job, seconds. */
  waitSeconds: { p50: number; p95: number; p99: number; max: number };
  interrupted: number;
  starts: number;
  stops: number;
  /** Minutes with fewer workers online than the floor. */
  floorViolationMinutes: number;
  /** Workers online per minute (charts). */
  online: number[];
}

export interface OutcomeOptions {
  minWorkers: number;
  deadlineMs?: number;
}

/** Charged seconds of a run over [from, to) that fall inside the window: what was charged before it is not the policy's. */
function chargedInWindow(from: number, to: number, windowStart: number, mode: BillingMode): number {
  const total = chargedSeconds((to - from) / 1000, mode);
  return from < windowStart ? total - chargedSeconds((windowStart - from) / 1000, mode) : total;
}

export function outcomeOf(data: SimRunData, options: OutcomeOptions): Outcome {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const { start, now } = data;
  const workerRuns = data.billingRuns.filter((r) => r.role === 'worker');
  const billed = { hourly: 0, 'per-second': 0 } as Record<BillingMode, number>;
  let runMs = 0;
  for (const r of workerRuns) {
    const end = r.end ?? now;
    for (const mode of ['hourly', 'per-second'] as const) billed[mode] += chargedInWindow(r.start, end, start, mode) / 3600;
    runMs += end - Math.max(r.start, start);
  }
  const arrived = data.recordings.filter((r) => r.arrivalAt >= start && r.arrivalAt <= now);
  const turnarounds = arrived.filter((r) => r.completedAt !== undefined).map((r) => (r.completedAt! - r.arrivalAt) / 60_000);
  turnarounds.sort((a, b) => a - b);
  const due = arrived.filter((r) => r.completedAt !== undefined || r.arrivalAt + deadlineMs <= now);
  const misses = due.filter((r) => r.completedAt === undefined || r.completedAt - r.arrivalAt > deadlineMs).length;
  const waits = [...data.waitsMs].sort((a, b) => a - b);
  const s = (ms: number) => ms / 1000;
  return {
    billed,
    runHours: runMs / 3_600_000,
    floorHours: (options.minWorkers * (now - start)) / 3_600_000,
    turnaround: {
      p50: percentile(turnarounds, 50),
      p95: percentile(turnarounds, 95),
      max: turnarounds[turnarounds.length - 1] ?? 0,
      mean: turnarounds.length ? turnarounds.reduce((a, b) => a + b, 0) / turnarounds.length : 0,
    },
    deadlineMisses: misses,
    deadlineMs,
    recordings: { arrived: arrived.length, completed: turnarounds.length, due: due.length },
    waitSeconds: { p50: s(percentile(waits, 50)), p95: s(percentile(waits, 95)), p99: s(percentile(waits, 99)), max: s(waits[waits.length - 1] ?? 0) },
    interrupted: data.counters.interruptions,
    starts: data.counters.starts,
    stops: data.counters.stops,
    floorViolationMinutes: data.timeline.filter((t) => t.onlineWorkers < options.minWorkers).length,
    online: data.timeline.map((t) => t.onlineWorkers),
  };
}
