import { describe, expect, it } from 'vitest';
import { pruneFleet } from '../../bench/fleet-prune';
import { episodesOf, SLOT_MS, trimmed } from '../../bench/lp-fleet';

const START = Date.parse('2025-09-08T00:00:00Z');

/** A world where slot t needs `need[t]` workers: a slot short of them makes a recording arriving there late. */
const world = (need: readonly number[]) => async (counts: number[]) =>
  need.flatMap((n, t) => (counts[t]! < n ? [{ arrivalAt: START + t * SLOT_MS }] : []));

const options = { floor: 2, start: START, deadlineMs: 0, leadMs: 0, maxEvaluations: 200 };

describe('trimming a fleet', () => {
  it('finds busy stretches above the floor and takes a worker from the peak, the head or the tail', () => {
    const counts = [2, 4, 5, 5, 3, 2, 3, 2];
    expect(episodesOf(counts, 2)).toEqual([{ from: 1, to: 4 }, { from: 6, to: 6 }]);
    const ep = { from: 1, to: 4 };
    expect(trimmed(counts, 2, ep, { kind: 'top' })).toEqual([2, 4, 4, 4, 3, 2, 3, 2]);
    expect(trimmed(counts, 2, ep, { kind: 'head', slots: 2 })).toEqual([2, 3, 4, 5, 3, 2, 3, 2]);
    expect(trimmed(counts, 2, ep, { kind: 'tail', slots: 9 })).toEqual([2, 3, 4, 4, 2, 2, 3, 2]);
  });
});

describe('pruning a fleet that keeps the deadline', () => {
  it('comes down to what each stretch needs, never keeping a fleet that made anything late', async () => {
    const need = [2, 2, 3, 4, 4, 3, 2, 2, 2, 5, 2];
    const seen: number[][] = [];
    const lateOf = async (c: number[]) => {
      seen.push(c);
      return world(need)(c);
    };
    const out = await pruneFleet([2, 4, 5, 5, 5, 5, 4, 2, 3, 6, 4], [], lateOf, (late) => late, options);

    expect(out.counts).toEqual(need);
    // The kept fleet's own run comes back with it: nothing late.
    expect(out.result).toEqual([]);
    expect(out.evaluations).toBe(seen.length);
    // Two stretches are trimmed in the same runs: fewer runs than trims.
    expect(out.rounds).toBeLessThan(20);
  });

  it('stops at its budget with the last fleet that had nothing late', async () => {
    const need = [2, 3, 3, 3, 2];
    const out = await pruneFleet([2, 6, 6, 6, 2], [], world(need), (late) => late, { ...options, maxEvaluations: 1 });

    expect(out.counts).toEqual([2, 5, 5, 5, 2]);
    expect(out.evaluations).toBe(1);
  });

  it('keeps a trim the late recordings do not point at, after a run to confirm it', async () => {
    // Slot 1 needs 4; slot 5 only the floor.
    const need = [2, 4, 2, 2, 2, 2, 2];
    const out = await pruneFleet([2, 4, 2, 2, 2, 3, 2], [], world(need), (late) => late, { ...options, maxEvaluations: 2 });

    expect(out.counts).toEqual([2, 4, 2, 2, 2, 2, 2]);
    expect(out.evaluations).toBe(2);
  });
});
