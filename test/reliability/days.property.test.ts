/**
 * Random simulated days (reliability/day.ts): random clusters, traces, fault
 * schedules and kills of the scaler, run through the real workflows on the
 * simulator, with every invariant of reliability/invariants.ts checked after
 * each cycle and on the whole history. A fast default here; `npm run soak`
 * runs a thousand. RELIABILITY_DAYS and RELIABILITY_SEED override both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayArbitrary, describeDay } from '../../reliability/day';
import { runDay } from '../../reliability/run-day';
import { addDay, emptyTotals } from '../../reliability/soak';

const DAYS = Number(process.env.RELIABILITY_DAYS ?? 8);
const SEED = process.env.RELIABILITY_SEED === undefined ? undefined : Number(process.env.RELIABILITY_SEED);

describe('generated days', () => {
  it(`keep every invariant (${DAYS} days of 4 virtual hours)`, { timeout: 60_000 + DAYS * 15_000 }, async () => {
    const totals = emptyTotals();
    await fc.assert(
      fc.asyncProperty(dayArbitrary(), async (day) => {
        const result = await runDay(day);
        addDay(totals, day, result.counts, result.realMs, result.violations);
        const broken = result.violations.map((v) => `${v.invariant} at ${v.at}: ${v.detail}`);
        if (broken.length > 0) throw new Error(`${describeDay(day)}\n${broken.join('\n')}`);
      }),
      { numRuns: DAYS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: process.env.RELIABILITY_SHRINK !== '1' },
    );
    // The days must exercise what the invariants are about, or they prove nothing.
    expect(totals.cycles).toBeGreaterThan(DAYS * 150);
    expect(Object.values(totals.executions['drain-worker'] ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
