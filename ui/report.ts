/**
 * `moscaler sim run --report FILE`: one self-contained HTML file (inline CSS
 * and SVG, no script, no outside reference) with what the live page shows for
 * a simulation: the figures, the demand chart and every decision with its reason.
 */
import type { SimRunResult } from '../wiring/sim-run';
import { CHART_STYLE, demandChartSvg, type ChartMarker } from './chart';
import { escapeXml } from './html';
import { zonedTime, zoneStatement } from './zoned-time';

export interface ReportOptions {
  /** When the report was written (real time, shown in UTC). */
  generatedAt?: Date;
  /** IANA zone the run's times are shown in (the scenario's: sim/model/scenario.ts scenarioTimeZone); default UTC. */
  timeZone?: string;
  /** Slots of one worker, the chart's unit of capacity (ui/slots.ts); default 36. */
  slotsPerWorker?: number;
}

/** More rows than this make the file heavy without helping anyone; the JSON output has them all. */
const MAX_ROWS = 5000;

const STYLE = `
body { margin: 24px; max-width: 1800px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1a202c; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
.muted { color: #718096; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.figure { border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px 10px; min-width: 150px; }
.figure b { display: block; font-size: 18px; }
.figure.alert { border-color: #feb2b2; background: #fff5f5; }
.figure.alert b { color: #c53030; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { color: #718096; font-weight: 500; }
.action-start { color: #276749; } .action-stop { color: #c05621; } .action-error, .action-skipped { color: #c53030; }
pre { background: #f7fafc; padding: 10px; border-radius: 6px; white-space: pre-wrap; }
${CHART_STYLE}`;

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export function simReportHtml(result: SimRunResult, summaryText: string, options: ReportOptions = {}): string {
  const generatedAt = options.generatedAt ?? new Date();
  const timeZone = options.timeZone ?? 'UTC';
  const when = (iso: string) => zonedTime(iso, timeZone, { seconds: true });
  const s = result.stats;
  const figures: Array<[string, string]> = [
    [`billed instance-hours (${s.billing.mode})`, s.billing.chargedInstanceHours.toFixed(1)],
    ...(s.billing.chargedCost !== undefined ? ([['cost', `$${s.billing.chargedCost.toFixed(2)}`]] as Array<[string, string]>) : []),
    ['queue wait p50 / p95', `${minutes(s.queueWaitMs.p50)} / ${minutes(s.queueWaitMs.p95)}`],
    ['queue wait max', minutes(s.queueWaitMs.max)],
    ['jobs interrupted', String(s.jobs.interrupted)],
    [`recordings within ${s.recordings.targetMs / 3_600_000} h`, `${(s.recordings.shareWithinTarget * 100).toFixed(1)}%`],
    ['starts / stops', `${s.starts} / ${s.stops}`],
    [`flaps (a worker started and stopped within ${flapWindow(s.flapping.windowMs)})`, String(s.flapping.times)],
    ['drains back in service / abandoned or failed', drainEnds(result)],
    [`minutes below the floor of ${s.minWorkers}`, String(s.minWorkerViolationMinutes)],
    ['stranded in maintenance', String(s.strandedInMaintenance.length)],
  ];
  // What happened to the instances (a drain that was skipped stopped nothing), from the billing ledger.
  const markers: ChartMarker[] = result.data.billingRuns
    .filter((r) => r.role === 'worker')
    .flatMap((r) => [
      ...(r.start >= result.data.start ? [{ at: r.start, kind: 'start' as const, label: `start ${r.hostname}` }] : []),
      ...(r.end !== undefined ? [{ at: r.end, kind: 'stop' as const, label: `stop ${r.hostname}` }] : []),
    ]);
  const flapped = s.flapping.byWorker.map((w) => `${w.hostname} ×${w.times}`);
  const rows = result.cycleLog.slice(0, MAX_ROWS).map(
    (c) =>
      `<tr><td>${escapeXml(when(c.at))}</td><td class="action-${escapeXml(c.action)}">${escapeXml(c.action)}</td><td>${escapeXml(c.workers.join(', '))}</td><td>${escapeXml(achieved(c))}</td><td>${escapeXml(c.reason)}</td></tr>`,
  );
  const more = result.cycleLog.length > MAX_ROWS ? `<p class="muted">The first ${MAX_ROWS} of ${result.cycleLog.length}; \`--output json\` lists them all.</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mo-scaler simulation: ${escapeXml(result.cluster)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>mo-scaler simulation: ${escapeXml(result.cluster)}</h1>
<div class="muted">${escapeXml(result.scenario)}</div>
<div class="muted">${escapeXml(when(result.from))} → ${escapeXml(when(result.to))} · ${result.cycles} autoscale cycles, ${result.failedCycles} failed · provider <span data-testid="provider">${result.provider === 'ec2' ? 'EC2' : 'OpsWorks'}</span> · billing ${escapeXml(result.billing)}</div>
<div class="muted" data-testid="time-zone">Times are in ${escapeXml(zoneStatement(timeZone, result.from))}${timeZone === 'UTC' ? '' : ", the scenario's time zone"}.</div>
<div class="figures">${figures.map(([label, value]) => `<div class="figure${label.startsWith('flaps') && s.flapping.times > 0 ? ' alert' : ''}" data-testid="figure"><b>${escapeXml(value)}</b><span class="muted">${escapeXml(label)}</span></div>`).join('')}</div>
${flapped.length ? `<p data-testid="flapped">Flapped: ${escapeXml(flapped.slice(0, 12).join(', '))}${flapped.length > 12 ? `, ${flapped.length - 12} more` : ''}</p>` : ''}
<h2>Demand and capacity</h2>
<p class="muted">In one unit: job load (Opencast's, each job its own) against the slots of the workers in service (each worker its max load). Load above the in-service line is work waiting: the policy lags. Billed slots far above the load: it over-provisions. ▲ and ▼ count the workers started and stopped there (hover for which).</p>
${demandChartSvg(result.timeline, { width: 1200, height: 340, markers, timeZone, slotsPerWorker: options.slotsPerWorker ?? 36, minWorkers: s.minWorkers })}
<h2>Decisions (${result.cycleLog.length})</h2>
<p class="muted">Each cycle that decided to start or stop workers, failed, or was skipped (quiet cycles are only counted): what it decided, and what each boot or drain it asked for achieved, read from the end of that execution (a drain may find the worker booting, busy or already in hand, and end skipped).</p>
<table><thead><tr><th>time</th><th>decided</th><th>workers</th><th>achieved</th><th>reason</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${more}
<h2>Summary</h2>
<pre>${escapeXml(summaryText)}</pre>
<p class="muted">Written by moscaler sim run at ${escapeXml(generatedAt.toISOString())} (real time, UTC).</p>
</body>
</html>
`;
}

const flapWindow = (ms: number) => (ms === 3_600_000 ? '1 h' : `${ms / 60_000} min`);

/** `3 / 1 of 40`: drains that got past their checks and ended back in service, or abandoned or failed. */
function drainEnds(result: SimRunResult): string {
  const drains = result.cycleLog.flatMap((c) => c.outcomes ?? []).filter((o) => o.kind === 'drain' && o.status !== 'RUNNING' && o.status !== 'NOT_STARTED' && !(o.end ?? '').startsWith('Skipped'));
  const back = drains.filter((o) => o.end === 'BackInService').length;
  const abandoned = drains.filter((o) => o.status !== 'SUCCEEDED').length;
  return `${back} / ${abandoned} of ${drains.length}`;
}

/** What a cycle's requests achieved: `worker14 Stopped; worker15 SkippedBootInProgress` (the states their executions ended in). */
function achieved(c: SimRunResult['cycleLog'][number]): string {
  if (!c.outcomes || c.outcomes.length === 0) return c.action === 'error' || c.action === 'skipped' ? '' : 'not followed';
  return c.outcomes.map((o) => `${o.hostname} ${o.end ?? o.status}`).join('; ');
}
