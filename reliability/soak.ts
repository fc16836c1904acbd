/**
 * `npm run soak`: runs N generated days (default 1,000) through the real
 * workflows on the simulator, checks every invariant (reliability/invariants.ts)
 * and prints what was exercised. Exit 1 when any invariant broke, with the
 * day that broke it shrunk by fast-check and the seed to replay it.
 *
 *   npx tsx reliability/soak.ts [--days 1000] [--seed N] [--hours 4] [--jobs 2] [--no-shrink] [--json] [--without kind,kind]
 *
 * `--without` leaves fault kinds out of the days (e.g. one whose finding is still open).
 *
 * Days are split over `--jobs` processes (default: the number of cores, at most 4);
 * each runs its share with its own seed (seed + shard), so a run is reproducible.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { dayArbitrary, describeDay, DAY_FAULT_KINDS, type DayFaultKind, type DaySpec } from './day';
import { INVARIANTS, type InvariantName, type Violation } from './invariants';
import { REGISTRY_INGREDIENTS, runDay, type DayCounts } from './run-day';

export interface SoakOptions {
  days: number;
  seed: number;
  hours: number;
  shrink: boolean;
  /** Fault kinds the days leave out. */
  without?: readonly DayFaultKind[];
  onDay?: (done: number) => void;
}

export interface SoakFailure {
  seed: number;
  day: DaySpec;
  description: string;
  violations: Violation[];
  report: string;
}

export interface SoakTotals {
  days: number;
  realMs: number;
  /** Sum of the days' own run times (each process runs one day at a time). */
  dayMs: number;
  virtualHours: number;
  slowestDayMs: number;
  cycles: number;
  skippedCycles: number;
  failedCycles: number;
  executions: Record<string, Record<string, number>>;
  faults: Record<string, { windows: number; minutes: number; days: number }>;
  kills: { step: number; effect: number; daysWithKills: number };
  starts: number;
  stops: number;
  maintenanceOn: number;
  maintenanceOff: number;
  retries: number;
  /** Days whose recordings came from the independent workload family (day.ts). */
  independentDays: number;
  jobsCreated: number;
  jobsCompleted: number;
  interruptions: number;
  workers: number;
  /** Registry ingredients (run-day.ts REGISTRY_INGREDIENTS): how many there were, and on how many days. */
  registry: Record<string, { count: number; days: number }>;
  violations: Record<InvariantName, number>;
  failures: SoakFailure[];
}

export function emptyTotals(): SoakTotals {
  return {
    days: 0,
    realMs: 0,
    dayMs: 0,
    virtualHours: 0,
    slowestDayMs: 0,
    cycles: 0,
    skippedCycles: 0,
    failedCycles: 0,
    executions: {},
    faults: Object.fromEntries(DAY_FAULT_KINDS.map((k) => [k, { windows: 0, minutes: 0, days: 0 }])),
    kills: { step: 0, effect: 0, daysWithKills: 0 },
    starts: 0,
    stops: 0,
    maintenanceOn: 0,
    maintenanceOff: 0,
    retries: 0,
    independentDays: 0,
    jobsCreated: 0,
    jobsCompleted: 0,
    interruptions: 0,
    workers: 0,
    registry: Object.fromEntries(REGISTRY_INGREDIENTS.map((k) => [k, { count: 0, days: 0 }])),
    violations: Object.fromEntries(Object.keys(INVARIANTS).map((k) => [k, 0])) as Record<InvariantName, number>,
    failures: [],
  };
}

export function addDay(totals: SoakTotals, day: DaySpec, counts: DayCounts, realMs: number, violations: readonly Violation[]): void {
  totals.days += 1;
  totals.dayMs += realMs;
  totals.slowestDayMs = Math.max(totals.slowestDayMs, realMs);
  totals.virtualHours += counts.virtualMs / 3_600_000;
  totals.cycles += counts.cycles;
  totals.skippedCycles += counts.skippedCycles;
  totals.failedCycles += counts.failedCycles;
  for (const [workflow, statuses] of Object.entries(counts.executions)) {
    const into = (totals.executions[workflow] ??= {});
    for (const [status, n] of Object.entries(statuses)) into[status] = (into[status] ?? 0) + n;
  }
  for (const kind of DAY_FAULT_KINDS) {
    const f = totals.faults[kind]!;
    f.windows += counts.faults[kind];
    f.minutes += counts.faultMinutes[kind];
    if (counts.faults[kind] > 0) f.days += 1;
  }
  totals.kills.step += counts.kills.step;
  totals.kills.effect += counts.kills.effect;
  if (counts.kills.step + counts.kills.effect > 0) totals.kills.daysWithKills += 1;
  totals.starts += counts.starts;
  totals.stops += counts.stops;
  totals.maintenanceOn += counts.maintenanceOn;
  totals.maintenanceOff += counts.maintenanceOff;
  totals.retries += counts.retries;
  if (day.workload === 'independent') totals.independentDays += 1;
  totals.jobsCreated += counts.jobsCreated;
  totals.jobsCompleted += counts.jobsCompleted;
  totals.interruptions += counts.interruptions;
  totals.workers += day.workers.length;
  for (const [kind, n] of Object.entries(counts.registry ?? {})) {
    const r = (totals.registry[kind] ??= { count: 0, days: 0 });
    r.count += n;
    if (n > 0) r.days += 1;
  }
  for (const v of violations) totals.violations[v.invariant] += 1;
}

export function mergeTotals(into: SoakTotals, from: SoakTotals): void {
  into.days += from.days;
  into.realMs = Math.max(into.realMs, from.realMs);
  into.slowestDayMs = Math.max(into.slowestDayMs, from.slowestDayMs);
  for (const key of ['dayMs', 'virtualHours', 'cycles', 'skippedCycles', 'failedCycles', 'starts', 'stops', 'maintenanceOn', 'maintenanceOff', 'retries', 'independentDays', 'jobsCreated', 'jobsCompleted', 'interruptions', 'workers'] as const) {
    into[key] += from[key];
  }
  for (const [workflow, statuses] of Object.entries(from.executions)) {
    const target = (into.executions[workflow] ??= {});
    for (const [status, n] of Object.entries(statuses)) target[status] = (target[status] ?? 0) + n;
  }
  for (const [kind, r] of Object.entries(from.registry ?? {})) {
    const t = (into.registry[kind] ??= { count: 0, days: 0 });
    t.count += r.count;
    t.days += r.days;
  }
  for (const [kind, f] of Object.entries(from.faults)) {
    const t = (into.faults[kind] ??= { windows: 0, minutes: 0, days: 0 });
    t.windows += f.windows;
    t.minutes += f.minutes;
    t.days += f.days;
  }
  into.kills.step += from.kills.step;
  into.kills.effect += from.kills.effect;
  into.kills.daysWithKills += from.kills.daysWithKills;
  for (const [name, n] of Object.entries(from.violations)) into.violations[name as InvariantName] += n;
  into.failures.push(...from.failures);
}

/** Runs `days` generated days with fast-check; on a broken invariant, shrinks the day (unless told not to). */
export async function soak(options: SoakOptions): Promise<SoakTotals> {
  const began = performance.now();
  const totals = emptyTotals();
  let failed = false;
  const property = fc.asyncProperty(dayArbitrary({ hours: options.hours, ...(options.without ? { withoutFaults: options.without } : {}) }), async (day) => {
    const result = await runDay(day);
    // After the first failure every run is a shrink attempt: not counted.
    if (!failed) {
      addDay(totals, day, result.counts, result.realMs, result.violations);
      options.onDay?.(totals.days);
    }
    if (result.violations.length > 0) {
      failed = true;
      throw new Error(result.violations.map((v) => `${v.invariant} at ${v.at}: ${v.detail}`).join('\n'));
    }
  });
  const details = await fc.check(property, { numRuns: options.days, seed: options.seed, endOnFailure: !options.shrink });
  if (details.failed && details.counterexample) {
    const [day] = details.counterexample;
    const replay = await runDay(day);
    totals.failures.push({
      seed: options.seed,
      day,
      description: describeDay(day),
      violations: replay.violations,
      report: fc.defaultReportMessage(details) ?? '',
    });
  } else if (details.failed) {
    // Not a broken invariant: the runner itself threw (e.g. a stalled clock). Report it as a failure too.
    totals.failures.push({ seed: options.seed, day: {} as DaySpec, description: 'the day did not run', violations: [], report: fc.defaultReportMessage(details) ?? String(details.errorInstance) });
  }
  totals.realMs = performance.now() - began;
  return totals;
}

const pct = (n: number, of: number) => (of === 0 ? '0%' : `${((100 * n) / of).toFixed(1)}%`);

export function totalsText(t: SoakTotals, meta: { seed: number; hours: number; jobs: number }): string {
  const lines: string[] = [];
  const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  lines.push(`mo-scaler soak: ${t.days} generated days (${meta.hours} h of virtual time each, one autoscale cycle a minute), seed ${meta.seed}, ${meta.jobs} process(es)`);
  lines.push(
    `  time: ${minutes(t.realMs)} real for ${Math.round(t.virtualHours)} virtual hours; a day takes ${(t.dayMs / Math.max(1, t.days) / 1000).toFixed(2)} s on average, the slowest ${(t.slowestDayMs / 1000).toFixed(1)} s`,
  );
  lines.push(`  clusters: ${t.workers} workers in all (${(t.workers / Math.max(1, t.days)).toFixed(1)} a day)`);
  lines.push(`  cycles: ${t.cycles} ran, ${t.skippedCycles} skipped while the scaler was down (kill-scaler), ${t.failedCycles} did not succeed`);
  lines.push('  executions:');
  for (const [workflow, statuses] of Object.entries(t.executions).sort()) {
    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    lines.push(`    ${workflow.padEnd(13)} ${String(total).padStart(7)}  ${Object.entries(statuses).sort().map(([s, n]) => `${s} ${n}`).join(', ')}`);
  }
  lines.push('  faults injected (windows / minutes / days with one):');
  for (const [kind, f] of Object.entries(t.faults)) {
    lines.push(`    ${kind.padEnd(21)} ${String(f.windows).padStart(6)} / ${String(f.minutes).padStart(7)} / ${String(f.days).padStart(5)} (${pct(f.days, t.days)})`);
  }
  lines.push('  Opencast registry (how many / days with one):');
  for (const [kind, r] of Object.entries(t.registry ?? {})) {
    lines.push(`    ${kind.padEnd(31)} ${String(r.count).padStart(6)} / ${String(r.days).padStart(5)} (${pct(r.days, t.days)})`);
  }
  lines.push(`  scaler killed mid-workflow: ${t.kills.step + t.kills.effect} times (${t.kills.step} at a random step, ${t.kills.effect} right after a call reached the cluster) on ${t.kills.daysWithKills} days`);
  lines.push(`  calls that changed the cluster: ${t.starts} starts, ${t.stops} stops, ${t.maintenanceOn} maintenance on, ${t.maintenanceOff} maintenance off; ${t.retries} retried steps`);
  lines.push(`  jobs: ${t.jobsCreated} created, ${t.jobsCompleted} completed, ${t.interruptions} interrupted`);
  lines.push(`  workload: ${t.independentDays} days (${pct(t.independentDays, t.days)}) drew their recordings from the independent family (sim/model/independent-workload.ts), the rest from the catalog`);
  lines.push('  invariants (violations):');
  for (const [name, text] of Object.entries(INVARIANTS)) {
    lines.push(`    ${String(t.violations[name as InvariantName]).padStart(4)}  ${name}: ${text}`);
  }
  if (t.failures.length === 0) {
    lines.push(`  result: all invariants held on every day`);
  } else {
    lines.push(`  result: ${t.failures.length} failing day(s)`);
    for (const f of t.failures) {
      lines.push(`  --- seed ${f.seed}: ${f.description}`);
      for (const v of f.violations) lines.push(`      ${v.invariant} at ${v.at}: ${v.detail}`);
      lines.push(`      day: ${JSON.stringify(f.day)}`);
      lines.push(f.report.split('\n').map((l) => `      ${l}`).join('\n'));
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Args {
  days: number;
  seed: number;
  hours: number;
  jobs: number;
  shrink: boolean;
  json: boolean;
  without: DayFaultKind[];
  shard?: { index: number; of: number };
}

function parseArgs(argv: string[]): Args {
  const args: Args = { days: 1000, seed: Date.now() % 1_000_000_007, hours: 4, jobs: Math.min(4, availableParallelism()), shrink: true, json: false, without: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} needs a whole number`);
      return Number(v);
    };
    if (flag === '--days') args.days = value();
    else if (flag === '--seed') args.seed = value();
    else if (flag === '--hours') args.hours = value();
    else if (flag === '--jobs') args.jobs = Math.max(1, value());
    else if (flag === '--no-shrink') args.shrink = false;
    else if (flag === '--json') args.json = true;
    else if (flag === '--without') {
      const kinds = String(argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = kinds.filter((k) => !(DAY_FAULT_KINDS as readonly string[]).includes(k));
      if (kinds.length === 0 || unknown.length > 0) throw new Error(`--without needs fault kinds (${DAY_FAULT_KINDS.join(', ')}); not: ${unknown.join(', ') || '(none given)'}`);
      args.without = kinds as DayFaultKind[];
    }
    else if (flag === '--shard') {
      const [index, of] = String(argv[++i]).split('/').map(Number);
      args.shard = { index: index!, of: of! };
    } else throw new Error(`unknown option ${flag} (see the header of reliability/soak.ts)`);
  }
  if (args.hours < 2) throw new Error('--hours must be at least 2: the last hour of a day is fault-free');
  return args;
}

/** The share of `days` shard `index` of `of` runs. */
export function shareOf(days: number, index: number, of: number): number {
  return Math.floor(days / of) + (index < days % of ? 1 : 0);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = parseArgs(process.argv.slice(2));
  if (args.shard) {
    const totals = await soak({
      days: shareOf(args.days, args.shard.index, args.shard.of),
      seed: args.seed + args.shard.index,
      hours: args.hours,
      shrink: args.shrink,
      without: args.without,
      onDay: (done) => process.send?.({ progress: done }),
    });
    process.send?.({ totals });
    return;
  }
  const jobs = Math.min(args.jobs, args.days);
  const began = performance.now();
  const totals = emptyTotals();
  const progress = new Array<number>(jobs).fill(0);
  let lastPrinted = 0;
  const script = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: jobs }, (_, index) =>
      new Promise<void>((resolve, reject) => {
        const child = fork(script, [...process.argv.slice(2), '--shard', `${index}/${jobs}`], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        child.on('message', (message: { progress?: number; totals?: SoakTotals }) => {
          if (message.progress !== undefined) {
            progress[index] = message.progress;
            const done = progress.reduce((a, b) => a + b, 0);
            if (!args.json && done - lastPrinted >= 50) {
              lastPrinted = done;
              process.stderr.write(`  ${done}/${args.days} days, ${((performance.now() - began) / 60_000).toFixed(1)} min\n`);
            }
          }
          if (message.totals) mergeTotals(totals, message.totals);
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`soak shard ${index} exited with ${code}`))));
      }),
    ),
  );
  totals.realMs = performance.now() - began;
  process.stdout.write(args.json ? `${JSON.stringify({ seed: args.seed, hours: args.hours, jobs, ...totals }, null, 2)}\n` : totalsText(totals, { seed: args.seed, hours: args.hours, jobs }));
  process.exitCode = totals.failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  });
}
