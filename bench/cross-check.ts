/**
 * `npm run bench:cross-check` (`npx tsx bench/cross-check.ts [--weeks lecture,exam,quiet] [--families a,b]`):
 * the headline rows through the full workflow stack (`runSimulation`: the local
 * engine running the shipped ASL, the real SDK and Opencast clients on the
 * simulated wire) against the fast evaluator, on one seed per week. Fails
 * (exit 1) when billed instance-hours, p95 or max turnaround differ by more than 1 %.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSimulation } from '../wiring/sim-run';
import { evaluate } from './evaluator/evaluate';
import { scenarioOf, TAIL_MS, WEEK_MS, WEEKS } from './matrix';
import { familyOf, REFERENCE } from './policies';
import { NEW_DEFAULT } from './report';
import { contextOf } from './runs';
import { outcomeOf, type Outcome } from './service';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TOLERANCE = 0.01;

export interface CrossCheck {
  week: string;
  seed: number;
  family: string;
  value: number;
  fast: Outcome;
  full: Outcome;
  fastSeconds: number;
  fullSeconds: number;
  differences: Record<string, number>;
  ok: boolean;
}

export async function crossCheck(week: (typeof WEEKS)[number]['id'], family: string, value: number): Promise<CrossCheck> {
  const seed = WEEKS.find((w) => w.id === week)!.scoring[0]!;
  const scenario = scenarioOf({ week, seed, billing: 'per-second' });
  const f = familyOf(family);
  const config = f.config(value, contextOf(week));
  const durationMs = WEEK_MS + TAIL_MS;
  const fast = await evaluate({ scenario, config, durationMs, everyMs: f.cadenceMs });
  const full = await runSimulation({ scenario, config, durationMs, everyMs: f.cadenceMs, engine: 'local' });
  const a = outcomeOf(fast.data, { minWorkers: scenario.minWorkers });
  // The full stack's model is not handed back; its run data is what computeStats read, rebuilt from the result.
  const b = outcomeOf(full.data, { minWorkers: scenario.minWorkers });
  const rel = (x: number, y: number) => (y === 0 ? (x === 0 ? 0 : 1) : Math.abs(x - y) / Math.abs(y));
  const differences = {
    billed: rel(a.billed['per-second'], b.billed['per-second']),
    turnaroundP95: rel(a.turnaround.p95, b.turnaround.p95),
    turnaroundMax: rel(a.turnaround.max, b.turnaround.max),
    deadlineMisses: a.deadlineMisses === b.deadlineMisses ? 0 : 1,
  };
  return {
    week,
    seed,
    family,
    value,
    fast: a,
    full: b,
    fastSeconds: fast.realMs / 1000,
    fullSeconds: full.realMs / 1000,
    differences,
    ok: Object.values(differences).every((d) => d <= TOLERANCE),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { weeks: { type: 'string' }, families: { type: 'string' }, out: { type: 'string' } } });
  const weeks = values.weeks ? values.weeks.split(',') : WEEKS.map((w) => w.id);
  const families = values.families ? values.families.split(',') : [REFERENCE.family, NEW_DEFAULT];
  const results: CrossCheck[] = [];
  for (const week of weeks as Array<(typeof WEEKS)[number]['id']>) {
    for (const family of families) {
      const value = family === REFERENCE.family ? REFERENCE.value : (familyOf(family).shipped ?? familyOf(family).values(contextOf(week))[0]!);
      const r = await crossCheck(week, family, value);
      results.push(r);
      const d = Object.entries(r.differences).map(([k, v]) => `${k} ${(v * 100).toFixed(2)}%`).join(', ');
      process.stdout.write(
        `${r.ok ? 'ok  ' : 'FAIL'} ${week} seed ${r.seed} ${family}=${value}: fast ${r.fast.billed['per-second'].toFixed(2)} h p95 ${r.fast.turnaround.p95.toFixed(2)} max ${r.fast.turnaround.max.toFixed(2)} (${r.fastSeconds.toFixed(0)} s) | full ${r.full.billed['per-second'].toFixed(2)} h p95 ${r.full.turnaround.p95.toFixed(2)} max ${r.full.turnaround.max.toFixed(2)} (${r.fullSeconds.toFixed(0)} s) | ${d}\n`,
      );
    }
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(results.map(({ fast, full, ...r }) => ({ ...r, fast: { billed: fast.billed, turnaround: fast.turnaround, deadlineMisses: fast.deadlineMisses }, full: { billed: full.billed, turnaround: full.turnaround, deadlineMisses: full.deadlineMisses } })), null, 1)}\n`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
