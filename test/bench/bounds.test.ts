import { describe, expect, it } from 'vitest';
import {
  chargedInWindow,
  clairvoyantBound,
  fluidBound,
  layerIntervals,
  minutePeaks,
  neededWorkers,
  unconstrainedSchedule,
  type ClairvoyantOptions,
} from '../../bench/bounds';
import type { RecordingSpec, Trace } from '../../sim/model/traces';

const MIN = 60_000;
const T0 = Date.parse('2025-09-08T00:00:00Z');

/** A recording whose stages are lists of [load, minutes] jobs. */
function recording(id: string, atMinute: number, stages: Array<Array<[number, number]>>): RecordingSpec {
  return {
    id,
    kind: 'explicit',
    arrivalAt: T0 + atMinute * MIN,
    mediaMs: 0,
    stages: stages.map((jobs, i) => ({
      name: `s${i}`,
      jobs: jobs.map(([load, minutes]) => ({ workflowOperation: 'encode', type: 'composer', operation: 'Encode', load, durationMs: minutes * MIN })),
    })),
  };
}
const trace = (...recordings: RecordingSpec[]): Trace => ({ recordings });

const options = (o: Partial<ClairvoyantOptions> = {}): ClairvoyantOptions => ({
  window: { start: T0, end: T0 + 120 * MIN },
  slotsPerWorker: 4,
  billing: 'per-second',
  minWorkers: 0,
  bootBilledMs: 5 * MIN,
  stopBilledMs: 0.5 * MIN,
  initial: [],
  ...o,
});
const hours = (minutes: number) => minutes / 60;

describe('unconstrained schedule and the fluid bound', () => {
  // Stage 1: load 1 for 10 min and load 2 for 5 min; stage 2 starts at minute 10: load 4 for 20 min.
  const one = trace(recording('r1', 0, [[[1, 10], [2, 5]], [[4, 20]]]));

  it('starts each stage when the previous one has finished', () => {
    expect(unconstrainedSchedule(one).map((i) => [(i.start - T0) / MIN, (i.end - T0) / MIN, i.load])).toEqual([
      [0, 10, 1],
      [0, 5, 2],
      [10, 30, 4],
    ]);
  });

  it('is load-time over slots: (1x10 + 2x5 + 4x20) load-minutes on 4-slot workers', () => {
    expect(fluidBound(one, { start: T0, end: T0 + 120 * MIN }, 4)).toBeCloseTo(hours(100 / 4));
  });

  it('counts only the work inside the window', () => {
    expect(fluidBound(one, { start: T0 + 20 * MIN, end: T0 + 25 * MIN }, 4)).toBeCloseTo(hours((4 * 5) / 4));
  });

  it('takes each minute at its peak and needs enough whole workers for it', () => {
    const peaks = minutePeaks(unconstrainedSchedule(one), { start: T0, end: T0 + 32 * MIN });

    expect(peaks.slice(0, 6)).toEqual([3, 3, 3, 3, 3, 1]);
    expect(peaks.slice(9, 12)).toEqual([1, 4, 4]);
    expect(peaks[31]).toBe(0);
    expect(neededWorkers([0, 3, 4, 4.5, 9], 4, 1)).toEqual([1, 1, 1, 2, 3]);
    expect(layerIntervals([1, 2, 2, 0, 2], 2, T0).map(([a, b]) => [(a - T0) / MIN, (b - T0) / MIN])).toEqual([
      [1, 3],
      [4, 5],
    ]);
  });
});

describe('clairvoyant bound', () => {
  it('bills one worker from its boot to its shutdown (per-second)', () => {
    const result = clairvoyantBound(trace(recording('r1', 30, [[[4, 30]]])), options());

    // 5 min boot + 30 min work + 0.5 min shutdown.
    expect(result.instanceHours).toBeCloseTo(hours(35.5));
    expect(result.starts).toBe(1);
  });

  it('keeps a worker through a gap shorter than a restart, and stops it for a longer one', () => {
    const short = clairvoyantBound(trace(recording('a', 30, [[[4, 10]]]), recording('b', 43, [[[4, 10]]])), options());
    const long = clairvoyantBound(trace(recording('a', 30, [[[4, 10]]]), recording('b', 60, [[[4, 10]]])), options());

    // Gap 3 min < 5.5 min restart: 5 + 10 + 3 + 10 + 0.5. Gap 20 min: two runs of 5 + 10 + 0.5.
    expect(short.instanceHours).toBeCloseTo(hours(28.5));
    expect(short.starts).toBe(1);
    expect(long.instanceHours).toBeCloseTo(hours(31));
    expect(long.starts).toBe(2);
  });

  it('under hourly billing shares one paid hour between demands rather than paying two', () => {
    const result = clairvoyantBound(trace(recording('a', 10, [[[4, 10]]]), recording('b', 50, [[[4, 10]]])), options({ billing: 'hourly' }));

    // One run from minute 5 to 60.5 (55.5 min) is one hour; two runs would be two.
    expect(result.instanceHours).toBe(1);
  });

  it('keeps the floor with the workers already running, not charging their hours before the window', () => {
    const since = T0 - 30 * MIN;

    const result = clairvoyantBound(trace(), options({ billing: 'hourly', minWorkers: 1, initial: [since] }));

    // Running 150 min by the window's end: 3 hours charged, 1 of them before the window.
    expect(result.instanceHours).toBe(2);
    expect(chargedInWindow(since, T0 + 120 * MIN, T0, 'hourly')).toBe(2 * 3600);
    expect(chargedInWindow(since, T0 + 120 * MIN, T0, 'per-second')).toBe(120 * 60);
  });

  it('stops a starting worker the trace never needs', () => {
    const result = clairvoyantBound(trace(), options({ initial: [T0 - 10 * MIN] }));

    expect(result.instanceHours).toBeCloseTo(hours(0.5));
  });
});
