/** The human summary of a simulated run: what it cost, how the jobs fared, and what the scaler's requests achieved. */
import { isAbsolute, relative } from 'node:path';
import type { CycleRecord, SimRunResult } from '../wiring/sim-run';

const hours = (h: number) => h.toFixed(1);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export function simSummaryText(r: SimRunResult): string {
  const s = r.stats;
  const lines = [
    `Simulated ${r.cluster}: ${r.from} → ${r.to} (${r.cycles} autoscale cycles, ${r.failedCycles} failed; ${(r.realMs / 1000).toFixed(1)} s real time)`,
    ...(r.failedCycles > 0 ? [`Failed cycles: ${failuresText(r.cycleLog)}`] : []),
    '',
    `Billed worker instance-hours: ${hours(s.billing.hourly.instanceHours)} hourly billing, ${hours(s.billing.perSecond.instanceHours)} per-second billing (${hours(s.billing.runHours)} h actually run; scenario bills ${r.billing})`,
    ...(s.billing.chargedCost !== undefined ? [`Cost (${s.billing.mode}): $${s.billing.chargedCost.toFixed(2)}`] : []),
    `Queue wait: p50 ${minutes(s.queueWaitMs.p50)}, p95 ${minutes(s.queueWaitMs.p95)}, p99 ${minutes(s.queueWaitMs.p99)}, max ${minutes(s.queueWaitMs.max)}`,
    `Jobs: ${s.jobs.created} created, ${s.jobs.completed} completed, ${s.jobs.interrupted} interrupted by a stop, ${s.jobs.unfinished} unfinished at the end`,
    `Recordings: ${s.recordings.arrived} arrived, ${(s.recordings.shareWithinTarget * 100).toFixed(1)}% of those due processed within ${s.recordings.targetMs / 3_600_000} h`,
    `Workers: ${s.starts} starts (${s.startFailures} failed), ${s.stops} stops; ${s.minWorkerViolationMinutes} minutes below the minimum of ${s.minWorkers}`,
    `Flapping: ${flappingText(r)}`,
    ...(outcomeCounts(r.cycleLog) ? [`Requests and what they achieved: ${outcomeCounts(r.cycleLog)}`] : []),
    `Stranded in maintenance at the end: ${s.strandedInMaintenance.length ? s.strandedInMaintenance.map((w) => w.hostname).join(', ') : 'none'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `12 ThrottledError (e.g. "ec2: Rate exceeded"), 6 States.Timeout (…)`: failures by kind, most first. */
function failuresText(log: readonly CycleRecord[]): string {
  const kinds = new Map<string, { count: number; example: string }>();
  for (const c of log) {
    if (c.action !== 'error') continue;
    const kind = c.error ?? 'Error';
    const entry = kinds.get(kind) ?? { count: 0, example: c.reason.startsWith(`${kind}: `) ? c.reason.slice(kind.length + 2) : c.reason };
    entry.count += 1;
    kinds.set(kind, entry);
  }
  return [...kinds]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([kind, { count, example }]) => `${count} ${kind} (e.g. "${example.length > 120 ? `${example.slice(0, 117)}...` : example}")`)
    .join(', ');
}

function flappingText(r: SimRunResult): string {
  const f = r.stats.flapping;
  const window = `${f.windowMs / 3_600_000 === 1 ? 'an hour' : `${f.windowMs / 60_000} minutes`}`;
  if (f.times === 0) return `none (no worker started and stopped again within ${window})`;
  const top = f.byWorker.slice(0, 5).map((w) => `${w.hostname} ×${w.times}`);
  const more = f.byWorker.length > top.length ? `, ${f.byWorker.length - top.length} more` : '';
  return `${f.byWorker.length} worker(s) started and stopped again within ${window}, ${f.times} time(s) (${top.join(', ')}${more})`;
}

/** `SkippedBootInProgress: worker14 is being started …` (the end state, then its reason without the reason's own code). */
function outcomeText(o: NonNullable<CycleRecord['outcomes']>[number]): string {
  const why = o.result.replace(/^[A-Za-z][\w.-]*: /, '');
  if (o.status === 'SUCCEEDED') return o.end ? `${o.end}: ${why}` : o.result;
  if (o.status === 'RUNNING' || o.status === 'NOT_STARTED') return `${o.status === 'RUNNING' ? 'still running at the end' : 'not started'}: ${o.result}`;
  return `${o.status}${o.end ? ` in ${o.end}` : ''}: ${o.result}`;
}

/**
 * `boot 40 (38 Booted, 2 FAILED), drain 35 (30 Stopped, 5 SkippedBootInProgress)`:
 * each request by the state its execution ended in, so a drain that did nothing
 * is counted as what it was, not as a stop.
 */
function outcomeCounts(log: readonly CycleRecord[]): string {
  const byKind = new Map<string, Map<string, number>>();
  for (const c of log) {
    for (const o of c.outcomes ?? []) {
      const code = o.status === 'RUNNING' ? 'still running' : o.status === 'NOT_STARTED' ? 'not started' : (o.end ?? o.status);
      const counts = byKind.get(o.kind) ?? new Map<string, number>();
      counts.set(code, (counts.get(code) ?? 0) + 1);
      byKind.set(o.kind, counts);
    }
  }
  return [...byKind]
    .map(([kind, counts]) => {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${code}`);
      return `${kind} ${total} (${parts.join(', ')})`;
    })
    .join(', ');
}

/** One cycle that acted, failed or was skipped: what it asked for and what each request achieved. */
export function cycleLine(c: CycleRecord): string {
  const at = c.at.replace(/\.\d{3}Z$/, 'Z');
  if (c.action === 'error' || c.action === 'skipped') return `  ${at}  ${c.action}: ${c.reason}`;
  if (!c.outcomes?.length) return `  ${at}  ${c.action} ${c.workers.join(', ')}: ${c.reason}`;
  const outcomes = c.outcomes.map((o) => `${o.kind} ${o.hostname} → ${outcomeText(o)}`);
  return `  ${at}  ${outcomes.join('; ')}\n      why: ${c.reason}`;
}

/**
 * How to see the run, printed last so it is what a reader of `npm start` meets:
 * the live view of the same scenario, and the run as a page (or the page written).
 */
export function nextStepsText(scenarioFile: string, written?: { report?: string }, cwd = process.cwd()): string {
  const rel = isAbsolute(scenarioFile) ? relative(cwd, scenarioFile) : scenarioFile;
  const file = rel && !rel.startsWith('..') ? rel : scenarioFile;
  const shown = /\s/.test(file) ? `'${file}'` : file;
  return [
    '',
    'See it:',
    `  ${'live, in a browser:'.padEnd(21)}moscaler ui --sim ${shown}`,
    `  ${'as a page:'.padEnd(21)}${written?.report ? `open ${written.report}` : `moscaler sim run ${shown} --report run.html`}`,
    '',
  ].join('\n');
}
