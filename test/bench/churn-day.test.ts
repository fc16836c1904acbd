/**
 * Churn of the shipped default on a known day: the first 30 hours of the lecture week on tuning seed 201
 * (Monday's lectures), per-second billing, through the fast evaluator. Before the scale-in hold-down and
 * look-ahead, the same day had 11 flaps, 53 drains of which 34 ended BackInService, and a worker stopped
 * 14 minutes after its start; after: 11 flaps, 22 drains, 4 BackInService. The flaps left are the lecture
 * bursts' own workers: each served a wave of captures for about 40 minutes and was next needed 35-50
 * minutes later, past the 15 minutes a restart costs (docs/benchmark.md, Churn).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { churnOf } from '../../bench/churn';
import { evaluate } from '../../bench/evaluator/evaluate';
import { scenarioOf } from '../../bench/matrix';
import { parseAutoscaleConfig } from '../../core/autoscale-config';

const HOUR = 3_600_000;
const shipped = parseAutoscaleConfig(JSON.parse(readFileSync(new URL('../../config/autoscale.example.json', import.meta.url), 'utf8')), 'config/autoscale.example.json');

describe('churn of the shipped default on a known lecture day', () => {
  it('drains a third as often, a fifth of its drains at most end BackInService, no worker goes before boot plus hold-down, flaps stay at the bursts', async () => {
    const scenario = scenarioOf({ week: 'lecture', seed: 201, billing: 'per-second' });

    const r = await evaluate({ scenario, config: shipped, durationMs: 30 * HOUR });
    const c = churnOf(r.workflows, r.data.billingRuns, { start: r.start, end: r.end }, r.data.counters.starts);
    const shortest = Math.min(...r.data.billingRuns.filter((b) => b.role === 'worker' && b.end !== undefined && b.start >= r.start).map((b) => b.end! - b.start));

    expect(c.flaps).toBeLessThanOrEqual(11);
    expect(c.drains).toBeLessThanOrEqual(53 / 2);
    expect(c.backInService).toBeLessThanOrEqual(c.drains / 5);
    // Up for its boot (6 min) and the hold-down (6 min) at least before a drain.
    expect(shortest).toBeGreaterThanOrEqual(12 * 60_000);
    expect(r.failedExecutions).toEqual([]);
  }, 240_000);
});
