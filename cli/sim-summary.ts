/** The human summary of a simulated run. */
import type { SimRunResult } from '../wiring/sim-run';

const hours = (h: number) => h.toFixed(1);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export function simSummaryText(r: SimRunResult): string {
  const s = r.stats;
  const lines = [
    `Simulated ${r.cluster}: ${r.from} → ${r.to} (${r.cycles} autoscale cycles, ${r.failedCycles} failed; ${(r.realMs / 1000).toFixed(1)} s real time)`,
    '',
    `Billed worker instance-hours: ${hours(s.billing.hourly.instanceHours)} hourly billing, ${hours(s.billing.perSecond.instanceHours)} per-second billing (${hours(s.billing.runHours)} h actually run; scenario bills ${r.billing})`,
    ...(s.billing.chargedCost !== undefined ? [`Cost (${s.billing.mode}): $${s.billing.chargedCost.toFixed(2)}`] : []),
    `Queue wait: p50 ${minutes(s.queueWaitMs.p50)}, p95 ${minutes(s.queueWaitMs.p95)}, p99 ${minutes(s.queueWaitMs.p99)}, max ${minutes(s.queueWaitMs.max)}`,
    `Jobs: ${s.jobs.created} created, ${s.jobs.completed} completed, ${s.jobs.interrupted} interrupted by a stop, ${s.jobs.unfinished} unfinished at the end`,
    `Recordings: ${s.recordings.arrived} arrived, ${(s.recordings.shareWithinTarget * 100).toFixed(1)}% of those due processed within ${s.recordings.targetMs / 3_600_000} h`,
    `Workers: ${s.starts} starts (${s.startFailures} failed), ${s.stops} stops; ${s.minWorkerViolationMinutes} minutes below the minimum of ${s.minWorkers}`,
    `Stranded in maintenance at the end: ${s.strandedInMaintenance.length ? s.strandedInMaintenance.map((w) => w.hostname).join(', ') : 'none'}`,
  ];
  return `${lines.join('\n')}\n`;
}
