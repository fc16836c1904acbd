/**
 * The benchmark's results as tables people read (markdown): per week, every
 * scored policy over the scoring seeds (mean and min..max), its ratio to the
 * reference and its hours above the floor against the deadline-aware LP bound
 * at its own worst turnaround; the tuning picks; and the targets.
 */
import type { Row } from './aggregate';
import { undominated } from './aggregate';
import type { WeekId } from './matrix';
import { INDEPENDENT, VARIANTS, WEEKS } from './matrix';
import { familyOf, REFERENCE } from './policies';

/** One deadline-aware LP bound (bench/bounds-run.ts solves them). */
export interface BoundRow {
  week: WeekId;
  seed: number;
  deadlineMinutes: number;
  /** Whose worst turnaround this deadline is (or `deadline` for the 2-hour one). */
  for: string;
  instanceHours: number;
  aboveFloor: number;
  status: string;
  solveSeconds: number;
}

export interface BenchData {
  generatedAt: string;
  weeks: WeekId[];
  p95SlackMinutes: number;
  tuning: Row[];
  scoring: Row[];
  picks: Array<{ week: WeekId; family: string; value: number; untuned?: boolean }>;
  bounds: BoundRow[];
  runtimeSeconds: number;
  /** The lecture week's settings on its independent workload variant (bench/matrix.ts), same seeds; never tuned on. */
  independent?: Row[];
}

/** The policy proposed as the shipped default. */
export const NEW_DEFAULT = 'schedule-aware';

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const spread = (s: { mean: number; min: number; max: number }, d = f1) => `${d(s.mean)} (${d(s.min)}..${d(s.max)})`;

function referenceRow(data: BenchData, week: WeekId): Row | undefined {
  return data.scoring.find((r) => r.week === week && r.family === REFERENCE.family && r.value === REFERENCE.value);
}

function pickRow(data: BenchData, week: WeekId, family: string): Row | undefined {
  const p = data.picks.find((x) => x.week === week && x.family === family);
  return p ? data.scoring.find((r) => r.week === week && r.family === family && r.value === p.value) : undefined;
}

/** Mean over the week's seeds of the LP bound's hours above the floor at this row's own worst turnaround. */
function boundAboveFloor(data: BenchData, row: Row): number | undefined {
  const who = `${row.family}=${row.value}`;
  const rows = data.bounds.filter((b) => b.week === row.week && b.for === who);
  return rows.length ? rows.reduce((s, b) => s + b.aboveFloor, 0) / rows.length : undefined;
}

function weekTable(data: BenchData, week: WeekId): string[] {
  const ref = referenceRow(data, week);
  const rows = data.scoring.filter((r) => r.week === week).sort((a, b) => a.family.localeCompare(b.family) || a.value - b.value);
  const header = ['policy', 'setting', 'billed inst-h mean (min..max)', 'x ref', 'above floor', 'x LP bound above floor', 'turnaround p50 / p95 / max min', 'late (all seeds)', 'wait p95 / p99 / max s', 'starts', 'interrupted', 'floor viol. min'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) {
    const family = familyOf(r.family);
    const picked = data.picks.find((p) => p.week === week && p.family === r.family && p.value === r.value);
    const tags = [picked ? (picked.untuned ? 'shipped (not tuned here)' : 'tuned') : '', family.shipped === r.value ? 'as shipped' : '', r.family === REFERENCE.family && r.value === REFERENCE.value ? 'reference' : '']
      .filter(Boolean)
      .join(', ');
    const bound = boundAboveFloor(data, r);
    lines.push(
      `| ${r.family === NEW_DEFAULT ? `**${family.label}**` : family.label} | ${r.value}${tags ? ` (${tags})` : ''} | ${spread(r.billed)} | ${ref ? f2(r.billed.mean / ref.billed.mean) : '-'} | ${f1(r.aboveFloor.mean)} | ${bound !== undefined ? `${f2(r.aboveFloor.mean / Math.max(bound, 1e-9))} (bound ${f1(bound)})` : '-'} | ${f1(r.turnaroundP50.mean)} / ${f1(r.turnaroundP95.mean)} / ${f1(r.turnaroundMax.mean)} (max ${f1(r.turnaroundMax.max)}) | ${r.deadlineMisses} | ${f1(r.waitP95.mean)} / ${f1(r.waitP99.mean)} / ${r.waitMax.mean.toFixed(0)} | ${r.starts.mean.toFixed(0)} | ${r.interrupted} | ${r.floorViolationMinutes} |`,
    );
  }
  return lines;
}

/** Churn (bench/churn.ts) of every scored row: mean (min..max) over the seeds, flaps seed by seed. */
function churnTable(data: BenchData, week: WeekId): string[] {
  const rows = data.scoring.filter((r) => r.week === week && r.churnBySeed).sort((a, b) => a.family.localeCompare(b.family) || a.value - b.value);
  if (!rows.length) return [];
  const header = ['policy', 'setting', 'starts', 'flaps (started, stopped within 1 h)', 'flaps by seed', 'drains', 'BackInService (% of drains)', 'KeptForDemand', 'Skipped* executions', 'state transitions', 'USD / month (Standard)'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  const f0 = (x: number) => x.toFixed(0);
  for (const r of rows) {
    const family = familyOf(r.family);
    const kept = r.churnBySeed.reduce((n, c) => n + c.keptForDemand, 0) / r.churnBySeed.length;
    const share = r.drains.mean > 0 ? ` (${f0((100 * r.backInService.mean) / r.drains.mean)} %)` : '';
    lines.push(
      `| ${r.family === NEW_DEFAULT ? `**${family.label}**` : family.label} | ${r.value} | ${spread(r.starts, f0)} | ${spread(r.flaps, f0)} | ${r.churnBySeed.map((c) => `${c.seed}: ${c.flaps}`).join(', ')} | ${spread(r.drains, f0)} | ${f0(r.backInService.mean)}${share} | ${f0(kept)} | ${spread(r.skipped, f0)} | ${spread(r.transitions, f0)} | ${f2(r.transitionsUsdPerMonth.mean)} |`,
    );
  }
  return lines;
}

function boundsTable(data: BenchData, week: WeekId): string[] {
  const rows = data.bounds.filter((b) => b.week === week);
  if (!rows.length) return [];
  const ref = referenceRow(data, week);
  const groups = new Map<string, BoundRow[]>();
  for (const b of rows) groups.set(b.for, [...(groups.get(b.for) ?? []), b]);
  const lines = ['| deadline (every recording within) | for | LP optimum inst-h mean | above floor | x ref | solve s |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const [who, bs] of groups) {
    const mean = (k: 'instanceHours' | 'aboveFloor' | 'solveSeconds' | 'deadlineMinutes') => bs.reduce((s, b) => s + b[k], 0) / bs.length;
    lines.push(`| ${bs.map((b) => b.deadlineMinutes).join(', ')} min | ${who === 'deadline' ? 'the 2 h deadline' : `${who}'s worst turnaround per seed`} | ${f1(mean('instanceHours'))} | ${f1(mean('aboveFloor'))} | ${ref ? f2(mean('instanceHours') / ref.billed.mean) : '-'} | ${f1(mean('solveSeconds'))} |`);
  }
  return lines;
}

interface TargetCheck {
  week: WeekId;
  target: string;
  measured: string;
  met: boolean;
}

/** The issue's targets for the new default against the reference, on the scoring seeds. */
function targets(data: BenchData, week: WeekId): TargetCheck[] {
  const ref = referenceRow(data, week);
  const mine = pickRow(data, week, NEW_DEFAULT);
  if (!ref || !mine) return [];
  const ratio = mine.billed.mean / ref.billed.mean;
  const bound = boundAboveFloor(data, mine);
  const optimum = data.bounds.filter((b) => b.week === week && b.for === 'deadline');
  const optimumRatio = optimum.length ? optimum.reduce((s, b) => s + b.instanceHours, 0) / optimum.length / ref.billed.mean : undefined;
  const points = data.scoring.filter((r) => r.week === week).map((r) => ({ row: r, cost: r.billed.mean, p95: r.turnaroundP95.mean }));
  const beaters = points.filter((p) => p.row.family !== NEW_DEFAULT && p.cost < mine.billed.mean && p.p95 < mine.turnaroundP95.mean);
  void undominated;
  return [
    {
      week,
      target: 'cost <= 0.60x the reference',
      measured: `${f1(mine.billed.mean)} / ${f1(ref.billed.mean)} = ${f2(ratio)}x${optimumRatio !== undefined ? ` (the deadline-aware optimum at 2 h: ${f2(optimumRatio)}x; the floor alone: ${f2(mine.billed.mean ? (mine.billed.mean - mine.aboveFloor.mean) / ref.billed.mean : 0)}x)` : ''}`,
      met: ratio <= 0.6,
    },
    { week, target: '0 deadline misses at 2 h', measured: `${mine.deadlineMisses} over ${mine.seeds.length} seeds`, met: mine.deadlineMisses === 0 },
    {
      week,
      target: `p95 turnaround <= the reference's + ${data.p95SlackMinutes} min`,
      measured: `${f1(mine.turnaroundP95.mean)} vs ${f1(ref.turnaroundP95.mean)} + ${data.p95SlackMinutes}`,
      met: mine.turnaroundP95.mean <= ref.turnaroundP95.mean + data.p95SlackMinutes,
    },
    {
      week,
      target: 'hours above the floor <= 1.5x the deadline-aware optimum at its own worst turnaround',
      measured: bound !== undefined ? `${f1(mine.aboveFloor.mean)} vs ${f1(bound)} (${f2(mine.aboveFloor.mean / Math.max(bound, 1e-9))}x)` : 'no bound solved',
      met: bound !== undefined && mine.aboveFloor.mean <= 1.5 * bound,
    },
    {
      week,
      target: 'undominated: no scored baseline cheaper and faster (p95)',
      measured: beaters.length ? beaters.map((b) => `${b.row.family}=${b.row.value} (${f1(b.cost)} h, p95 ${f1(b.p95)})`).join('; ') : 'none',
      met: beaters.length === 0,
    },
  ];
}

export function benchReport(data: BenchData): string {
  const out: string[] = [`# Benchmark results (${data.generatedAt})`, ''];
  out.push(`Per-second billing. Scored on each week's scoring seeds; settings tuned on its tuning seeds (bench/matrix.ts). Turnaround in minutes, arrival to last job done; wait in seconds. Runtime ${data.runtimeSeconds.toFixed(0)} s.`, '');
  for (const week of data.weeks) {
    const spec = WEEKS.find((w) => w.id === week)!;
    out.push(`## ${week}: ${spec.note}`, '', `Scoring seeds ${spec.scoring.join(', ')}; tuning seeds ${spec.tuning.join(', ')}.`, '');
    out.push(...weekTable(data, week), '');
    const churn = churnTable(data, week);
    if (churn.length) out.push('Churn per run (a week and its 3-hour tail), mean (min..max) over the scoring seeds; transitions priced at USD 0.025 per 1,000 (Standard workflows, https://aws.amazon.com/step-functions/pricing/), free tier not deducted:', '', ...churn, '');
    const b = boundsTable(data, week);
    if (b.length) out.push('Deadline-aware LP bound (bench/lp-bound.ts), mean over the scoring seeds:', '', ...b, '');
    const t = targets(data, week);
    if (t.length) out.push(`Targets for ${NEW_DEFAULT}:`, '', '| target | measured | met |', '| --- | --- | --- |', ...t.map((x) => `| ${x.target} | ${x.measured} | ${x.met ? 'yes' : 'no'} |`), '');
  }
  if (data.independent?.length) {
    const seeds = [...new Set(data.independent.flatMap((r) => r.seeds))];
    out.push(
      `## lecture, independent workload: ${VARIANTS.find((v) => v.id === INDEPENDENT)!.note}`,
      '',
      `Every setting scored on the lecture week, on the same seeds (${seeds.join(', ')}), with jobs the policies did not write; nothing is tuned on this family ("tuned" marks the lecture week's picks).`,
      '',
      ...weekTable({ ...data, scoring: data.independent, bounds: [] }, 'lecture'),
      '',
    );
    const churn = churnTable({ ...data, scoring: data.independent }, 'lecture');
    if (churn.length) out.push('Churn on the independent workload, as above:', '', ...churn, '');
  }
  out.push('## Tuning picks', '', '| week | policy | setting | how |', '| --- | --- | --- | --- |');
  for (const p of data.picks) out.push(`| ${p.week} | ${p.family} | ${p.value} | ${p.untuned ? 'not tuned on this week: shipped setting' : 'cheapest keeping 0 misses and p95 within the slack on the tuning seeds'} |`);
  return `${out.join('\n')}\n`;
}
