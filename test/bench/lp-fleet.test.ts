import { describe, expect, it } from 'vitest';
import { addWhereLate, countsAsPeriods, replayCounts, wantedCounts } from '../../bench/lp-fleet';

const MONDAY = Date.parse('2025-09-08T00:00:00Z');
const DAY = 86_400_000;

describe("the LP optimum's fleet as a schedule", () => {
  it('rounds fractional workers up, asks for each slot a boot time ahead, and never goes below the floor', () => {
    // 2.0000001 is the solver's 2; 2.3 needs a third worker, wanted from two slots before.
    expect(replayCounts([2, 2, 2, 2.0000001, 2.3, 0.5, 2], 2, 2)).toEqual([2, 2, 3, 3, 3, 2, 2]);
    expect(replayCounts([0, 1.2, 0], 0, 1)).toEqual([1, 2, 1]);
  });

  it('writes the counts as weekly UTC periods, merging equal neighbours and leaving the floor out', () => {
    const counts = [2, 3, 3, 4, 2, ...Array.from({ length: 283 }, () => 2), 5];
    expect(countsAsPeriods(counts, MONDAY, 2)).toEqual([
      { days: ['MON'], start: '00:05', end: '00:15', workers: 3 },
      { days: ['MON'], start: '00:15', end: '00:20', workers: 4 },
      { days: ['TUE'], start: '00:00', end: '00:05', workers: 5 },
    ]);
  });

  it('takes the larger count when a weekday and time come round twice (the tail past the week)', () => {
    const week = Array.from({ length: 7 * 288 }, () => 2);
    const counts = [...week.map((n, i) => (i === 0 ? 3 : n)), 6];
    expect(countsAsPeriods(counts, MONDAY, 2)).toEqual([{ days: ['MON'], start: '00:00', end: '00:05', workers: 6 }]);
    expect(countsAsPeriods([4], MONDAY + 7 * DAY - 300_000, 2)).toEqual([{ days: ['SUN'], start: '23:55', end: '24:00', workers: 4 }]);
  });
});

describe('repairing the fleet where recordings were late', () => {
  it('adds one worker to every slot from a boot time before a late arrival to its deadline, once however many were late there, up to the workers that exist', () => {
    const counts = [2, 2, 2, 2, 2, 2, 2, 2];
    // Two late recordings overlapping: arriving at slot 3 and slot 4 (5-minute slots), deadline 10 minutes, lead 5 minutes.
    const late = [{ arrivalAt: MONDAY + 3 * 300_000 }, { arrivalAt: MONDAY + 4 * 300_000 + 60_000 }];
    expect(addWhereLate(counts, MONDAY, late, 600_000, 300_000, 5)).toEqual([2, 2, 3, 3, 3, 3, 3, 2]);
    expect(addWhereLate([5, 5], MONDAY, [{ arrivalAt: MONDAY }], 300_000, 0, 5)).toEqual([5, 5]);
  });
});

describe("a policy's fleet as counts to replay", () => {
  it('takes the workers in service or starting (not draining) in each slot, carries them over slots without a sample, and never goes below the floor', () => {
    const minute = 60_000;
    const sample = (m: number, inServiceWorkers: number, pendingWorkers = 0) => ({ at: MONDAY + m * minute, inServiceWorkers, pendingWorkers });
    const timeline = [sample(0, 1), sample(1, 2, 1), sample(2, 3), sample(4, 2)];
    expect(wantedCounts(timeline, MONDAY, 6, 2, minute)).toEqual([2, 3, 3, 3, 2, 2]);
    expect(wantedCounts(timeline, MONDAY, 6, 0, minute)).toEqual([1, 3, 3, 3, 2, 2]);
    // Five-minute slots take the largest count inside.
    expect(wantedCounts(timeline, MONDAY, 2, 0)).toEqual([3, 3]);
  });

  it('writes minute slots as minute periods', () => {
    const minute = 60_000;
    expect(countsAsPeriods([2, 3, 3, 2], MONDAY + 61 * minute, 2, minute)).toEqual([{ days: ['MON'], start: '01:02', end: '01:04', workers: 3 }]);
  });
});
