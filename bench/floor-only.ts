/**
 * `npx tsx bench/floor-only.ts`: the reality check beside the LP bound: a fixed
 * fleet of 2 (the floor) and 3 workers on the lecture week, and 2 on the exam
 * week (first scoring seed), through the fast evaluator. The LP says the floor
 * almost suffices when work can be spread by deadline; Opencast's FIFO dispatch
 * of staged jobs says otherwise.
 */
import { parseAutoscaleConfig } from '../core/autoscale-config';
import { evaluate } from './evaluator/evaluate';
import { scenarioOf, TAIL_MS, WEEK_MS } from './matrix';
import { outcomeOf } from './service';
for (const [week, seed, workers] of [['lecture', 2025, 2], ['lecture', 2025, 3], ['exam', 11, 2]] as const) {
  const scenario = scenarioOf({ week, seed, billing: 'per-second' });
  const r = await evaluate({ scenario, config: parseAutoscaleConfig({ policy: { name: 'static-peak', workers } }, 'x'), durationMs: WEEK_MS + TAIL_MS });
  const o = outcomeOf(r.data, { minWorkers: scenario.minWorkers });
  console.log(week, seed, `static ${workers}`, o.billed['per-second'].toFixed(1), 'h; turnaround p50/p95/max', o.turnaround.p50.toFixed(1), o.turnaround.p95.toFixed(1), o.turnaround.max.toFixed(1), 'late', o.deadlineMisses, 'of', o.recordings.due);
}
