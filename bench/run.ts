/**
 * `npm run bench` / `npm run bench:full` (`npx tsx bench/run.ts [--full] [--weeks lecture,exam]
 * [--families a,b] [--workers 2] [--no-cache] [--out dir] [--scoring-seeds N] [--no-independent]`):
 * every policy family swept over its main setting on full weeks, tuned on the tuning seeds and scored
 * on the scoring seeds, through the fast evaluator (bench/evaluator); every setting scored on the
 * lecture week also runs on its independent workload variant (bench/matrix.ts, never tuned on); then
 * the LP bounds, the tables, JSON and one SVG per week. `--full` adds hourly billing, the variants and
 * the Lambda lifecycle. `--quick`: the lecture week only, shipped settings, its first scoring seed, no
 * LP bounds. What it measures: docs/benchmark.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rowsOf, tuned, type Row, type ServiceGate } from './aggregate';
import { INDEPENDENT, WEEKS, VARIANTS, type WeekId } from './matrix';
import { runAll } from './pool';
import { FAMILIES, REFERENCE } from './policies';
import { contextOf, type RunResult, type RunSpec } from './runs';
import { benchReport, type BenchData } from './report';
import { tradeOffSvg } from './chart';
import { deadlineBounds } from './bounds-run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    weeks: { type: 'string' },
    families: { type: 'string' },
    workers: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'no-bounds': { type: 'boolean', default: false },
    /** Weeks whose settings are tuned (the others run the families' shipped settings); default all. */
    'tune-weeks': { type: 'string' },
    /** Use only the first N tuning seeds of each week. */
    'tuning-seeds': { type: 'string' },
    /** Use only the first N scoring seeds of each week (a reduced run). */
    'scoring-seeds': { type: 'string' },
    /** Skip the lecture week's independent workload variant. */
    'no-independent': { type: 'boolean', default: false },
    /** A first look in minutes: the lecture week, shipped settings, one scoring seed, no LP bounds. */
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
if (values.quick) Object.assign(values, { weeks: values.weeks ?? 'lecture', 'tune-weeks': values['tune-weeks'] ?? 'none', 'scoring-seeds': values['scoring-seeds'] ?? '1', 'no-bounds': true });
const list = (s: string | undefined) => (s ? new Set(s.split(',')) : undefined);
const onlyWeeks = list(values.weeks);
const onlyFamilies = list(values.families);
const partial = onlyWeeks !== undefined || onlyFamilies !== undefined;
const outDir = values.out ?? (partial ? join(tmpdir(), 'moscaler-bench') : fileURLToPath(new URL('./results', import.meta.url)));
const P95_SLACK_MINUTES = 15;

/** Phase 1: every family's sweep on the tuning seeds; phase 2: the picks, the shipped settings and the reference on the scoring seeds (`--full`: the whole sweep there too). */
async function main(): Promise<void> {
  const began = performance.now();
  const weeks = WEEKS.filter((w) => !onlyWeeks || onlyWeeks.has(w.id));
  const families = FAMILIES.filter((f) => !onlyFamilies || onlyFamilies.has(f.id) || f.id === REFERENCE.family);
  const run = (specs: RunSpec[]) => runAll(specs, { useCache: !values['no-cache'], ...(values.workers ? { workers: Number(values.workers) } : {}), onResult: progress });
  const tuneWeeks = list(values['tune-weeks']);
  const tuningSeeds = (w: (typeof WEEKS)[number]) => w.tuning.slice(0, values['tuning-seeds'] ? Number(values['tuning-seeds']) : undefined);
  const scoringSeeds = (w: (typeof WEEKS)[number]) => w.scoring.slice(0, values['scoring-seeds'] ? Number(values['scoring-seeds']) : undefined);
  const tuningSpecs: RunSpec[] = [];
  for (const week of weeks.filter((w) => !tuneWeeks || tuneWeeks.has(w.id))) {
    const ctx = contextOf(week.id);
    for (const family of families) {
      for (const value of family.values(ctx)) for (const seed of tuningSeeds(week)) tuningSpecs.push({ week: week.id, seed, billing: 'per-second', family: family.id, value });
    }
  }
  process.stderr.write(`tuning: ${tuningSpecs.length} runs\n`);
  const tuningResults = await run(tuningSpecs);
  const tuningRows = rowsOf(tuningResults);
  const picks = pick(tuningRows, weeks.map((w) => w.id));
  const scoringSpecs: RunSpec[] = [];
  for (const week of weeks) {
    const ctx = contextOf(week.id);
    for (const family of families) {
      const chosen = new Set<number>(values.full ? family.values(ctx) : []);
      const p = picks.find((x) => x.week === week.id && x.family === family.id);
      if (p) chosen.add(p.value);
      // A week not tuned runs the shipped setting (a schedule: its middle size).
      else picks.push({ week: week.id, family: family.id, value: family.shipped ?? middle(family.values(ctx)), untuned: true });
      if (family.shipped !== undefined) chosen.add(family.shipped);
      else if (!p) chosen.add(middle(family.values(ctx)));
      for (const value of chosen) for (const seed of scoringSeeds(week)) scoringSpecs.push({ week: week.id, seed, billing: 'per-second', family: family.id, value });
    }
  }
  process.stderr.write(`scoring: ${scoringSpecs.length} runs\n`);
  const scoringResults = await run(scoringSpecs);
  // Phase 3: every setting scored on the lecture week, on the same seeds, with the independent workload: nothing is tuned on it.
  const independentSpecs = values['no-independent'] ? [] : scoringSpecs.filter((s) => s.week === 'lecture').map((s) => ({ ...s, variant: INDEPENDENT }));
  process.stderr.write(`independent workload: ${independentSpecs.length} runs\n`);
  const independentResults = await run(independentSpecs);
  const data: BenchData = {
    generatedAt: new Date().toISOString(),
    weeks: weeks.map((w) => w.id),
    p95SlackMinutes: P95_SLACK_MINUTES,
    tuning: tuningRows,
    scoring: rowsOf(scoringResults),
    picks,
    bounds: [],
    runtimeSeconds: 0,
    ...(independentSpecs.length ? { independent: rowsOf(independentResults) } : {}),
  };
  if (!values['no-bounds']) data.bounds = await deadlineBounds(data, scoringResults);
  data.runtimeSeconds = (performance.now() - began) / 1000;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(data, null, 1)}\n`);
  const report = benchReport(data);
  writeFileSync(join(outDir, 'results.md'), report);
  for (const week of data.weeks) writeFileSync(join(outDir, `${week}-tradeoff.svg`), tradeOffSvg(data, week));
  process.stdout.write(`${report}\nBench took ${data.runtimeSeconds.toFixed(0)} s; results in ${outDir}\n`);
  void VARIANTS;
}

function middle(xs: readonly number[]): number {
  return xs[Math.floor(xs.length / 2)]!;
}

function progress(r: RunResult, done: number, total: number, fromCache: boolean): void {
  if (fromCache) return;
  const o = r.outcome;
  process.stderr.write(
    `[${done}/${total}] ${r.spec.week}${r.spec.variant ? `/${r.spec.variant}` : ''} s${r.spec.seed} ${r.spec.family}=${r.spec.value}: ${o.billed['per-second'].toFixed(1)} h, p95 ${o.turnaround.p95.toFixed(1)} min, max ${o.turnaround.max.toFixed(1)}, ${o.deadlineMisses} late (${r.realSeconds.toFixed(1)} s)\n`,
  );
}

/** Per week, each family's tuned setting: the cheapest keeping the service gate on the tuning seeds. */
function pick(tuning: readonly Row[], weeks: WeekId[]): BenchData['picks'] {
  const picks: BenchData['picks'] = [];
  for (const week of weeks) {
    const ref = tuning.find((r) => r.week === week && r.family === REFERENCE.family && r.value === REFERENCE.value);
    if (!ref) continue;
    const gate: ServiceGate = { p95SlackMinutes: P95_SLACK_MINUTES, referenceP95: ref.turnaroundP95.mean };
    for (const family of new Set(tuning.filter((r) => r.week === week).map((r) => r.family))) {
      const best = tuned(tuning.filter((r) => r.week === week && r.family === family), gate);
      if (best) picks.push({ week, family, value: best.value });
    }
  }
  return picks;
}

await main();
