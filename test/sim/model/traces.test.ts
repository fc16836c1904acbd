import { describe, expect, it } from 'vitest';
import { criticalPathMs, loadHours, oneStreamStages, twoStreamStages } from '../../../sim/model/job-catalog';
import { mulberry32 } from '../../../sim/model/prng';
import {
  BLOCK_MINUTES,
  examSpike,
  explicitTrace,
  HARVARD_BLOCK_STARTS,
  lectureWeek,
  quietWeek,
  type Trace,
} from '../../../sim/model/traces';
import { HOUR, MIN } from './helpers';

const DAY = 24 * HOUR;
/** Monday 2025-09-08 00:00 US Eastern (UTC-4). */
const MONDAY = Date.parse('2025-09-08T04:00:00Z');
const OFFSET = -240;
const base = { start: MONDAY, rooms: 150, weeks: 1, utcOffsetMinutes: OFFSET };

const lectures = (t: Trace) => t.recordings.filter((r) => r.kind !== 'adhoc');
const dayOf = (at: number) => Math.floor((at - MONDAY) / DAY);

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('recording stages', () => {
  it('expands a two-stream recording into the anchors\' 75 staged jobs, about 4 load-hours, critical path about 0.85 D', () => {
    const D = 70 * MIN;
    const stages = twoStreamStages(D);

    expect(stages.map((s) => s.name)).toEqual([
      'inspect',
      'composite-preview',
      'waveform-silence-images',
      'editor',
      'images-previews',
      'encode',
      'segment-ocr',
      'publish',
    ]);
    expect(stages.flatMap((s) => s.jobs)).toHaveLength(75);
    expect(stages[5]!.jobs.map((j) => [j.load, j.durationMs])).toEqual([
      [4, 0.4 * D],
      [4, 0.25 * D],
    ]);
    expect(loadHours(stages)).toBeGreaterThan(3.3);
    expect(loadHours(stages)).toBeLessThan(4.2);
    expect(criticalPathMs(stages) / D).toBeCloseTo(0.87, 1);
  });

  it('gives a one-stream recording fewer, lighter jobs', () => {
    expect(loadHours(oneStreamStages(70 * MIN))).toBeLessThan(loadHours(twoStreamStages(70 * MIN)) / 1.5);
  });
});

describe('lectureWeek', () => {
  const trace = lectureWeek({ ...base, seed: 1 });

  it('is deterministic per seed', () => {
    expect(lectureWeek({ ...base, seed: 1 })).toEqual(trace);
    expect(lectureWeek({ ...base, seed: 2 }).recordings.map((r) => r.arrivalAt)).not.toEqual(trace.recordings.map((r) => r.arrivalAt));
  });

  it('has about 163 lecture recordings per Mon-Thu, 60% of that on Friday, none at the weekend', () => {
    const perDay = [0, 1, 2, 3, 4, 5, 6].map((d) => lectures(trace).filter((r) => dayOf(r.arrivalAt) === d).length);

    for (const n of perDay.slice(0, 4)) {
      expect(n).toBeGreaterThanOrEqual(135);
      expect(n).toBeLessThanOrEqual(195);
    }
    expect(perDay[4]).toBeGreaterThanOrEqual(75);
    expect(perDay[4]).toBeLessThanOrEqual(125);
    expect(perDay[5]! + perDay[6]!).toBe(0);
    const week = perDay.reduce((a, b) => a + b, 0);
    expect(week).toBeGreaterThanOrEqual(690);
    expect(week).toBeLessThanOrEqual(815);
  });

  it('adds about 25% ad-hoc uploads between 08 and 23 h local, some at the weekend', () => {
    const adhoc = trace.recordings.filter((r) => r.kind === 'adhoc');

    expect(adhoc.length).toBeGreaterThanOrEqual(140);
    expect(adhoc.length).toBeLessThanOrEqual(240);
    expect(adhoc.some((r) => dayOf(r.arrivalAt) >= 5)).toBe(true);
    for (const r of adhoc) {
      const localHour = ((r.arrivalAt - MONDAY) % DAY) / HOUR;
      expect(localHour).toBeGreaterThanOrEqual(8);
      expect(localHour).toBeLessThan(23);
    }
  });

  it('lands each lecture 2-12 min after a block ends, 80% two-stream, 65-75 min long', () => {
    const ends = HARVARD_BLOCK_STARTS.map((s) => (s + BLOCK_MINUTES) * MIN);
    const lecturesOnly = lectures(trace);
    for (const r of lecturesOnly) {
      const sinceMidnight = (r.arrivalAt - MONDAY) % DAY;
      expect(ends.some((end) => sinceMidnight >= end + 2 * MIN && sinceMidnight <= end + 12 * MIN)).toBe(true);
      expect(r.mediaMs).toBeGreaterThanOrEqual(65 * MIN);
      expect(r.mediaMs).toBeLessThanOrEqual(75 * MIN);
    }
    const share = lecturesOnly.filter((r) => r.kind === 'two-stream').length / lecturesOnly.length;
    expect(share).toBeGreaterThan(0.74);
    expect(share).toBeLessThan(0.86);
  });

  it('brings about 30 recordings within 10 minutes of a peak block ending', () => {
    const peakEnd = (12 * 60 + BLOCK_MINUTES) * MIN;
    const counts = [0, 1, 2, 3].map(
      (d) =>
        lectures(trace).filter((r) => {
          const t = r.arrivalAt - MONDAY - d * DAY;
          return t >= peakEnd && t <= peakEnd + 12 * MIN;
        }).length,
    );
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(40);
  });

  it('applies term multipliers per week', () => {
    const two = lectureWeek({ ...base, seed: 3, weeks: 2, weekMultipliers: [1, 0.2] });
    const week1 = two.recordings.filter((r) => r.arrivalAt < MONDAY + 7 * DAY).length;
    const week2 = two.recordings.length - week1;
    expect(week2 / week1).toBeGreaterThan(0.12);
    expect(week2 / week1).toBeLessThan(0.3);
  });
});

describe('quietWeek and examSpike', () => {
  it('makes a quiet week about a fifth of a teaching week', () => {
    const ratio = quietWeek({ ...base, seed: 5 }).recordings.length / lectureWeek({ ...base, seed: 5 }).recordings.length;
    expect(ratio).toBeGreaterThan(0.13);
    expect(ratio).toBeLessThan(0.28);
  });

  it('lands the spike inside its window on the given day, over a finals-week trickle', () => {
    const trace = examSpike({ ...base, seed: 9, spikeDay: 2, spikeHour: 17, spikeRecordings: 150, spikeWindowMinutes: 30 });
    const spikeStart = MONDAY + 2 * DAY + 17 * HOUR;
    const inSpike = trace.recordings.filter((r) => r.arrivalAt >= spikeStart && r.arrivalAt <= spikeStart + 30 * MIN);

    expect(inSpike.length).toBeGreaterThanOrEqual(150);
    expect(inSpike.length).toBeLessThan(160);
    expect(trace.recordings.length - inSpike.length).toBeLessThan(150);
    expect(examSpike({ ...base, seed: 9 })).toEqual(examSpike({ ...base, seed: 9 }));
  });
});

describe('explicitTrace', () => {
  it('groups jobs by recording into ordered stages, others are one-job recordings', () => {
    const trace = explicitTrace([
      { at: 5 * MIN, workflowOperation: 'encode', durationMs: MIN, count: 1, recording: 'r', stage: 1 },
      { at: 1 * MIN, workflowOperation: 'inspect', durationMs: MIN, count: 2, recording: 'r', stage: 0 },
      { at: 2 * MIN, workflowOperation: 'composite', durationMs: MIN, count: 1 },
    ]);

    expect(trace.recordings.map((r) => [r.id, r.arrivalAt, r.stages.map((s) => s.jobs.length)])).toEqual([
      ['r', 1 * MIN, [2, 1]],
      ['job-3', 2 * MIN, [1]],
    ]);
    expect(trace.recordings[1]!.stages[0]!.jobs[0]).toMatchObject({
      type: 'org.opencastproject.composer',
      operation: 'Composite',
      load: 1.5,
    });
  });
});
