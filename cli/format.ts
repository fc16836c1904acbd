/**
 * What the CLI prints: the status object (a public JSON shape), a plain table
 * for people, and decisions with their reasons.
 */
import type { Decision, MetricGap } from '../core/decision';
import { registrationReport } from '../core/serving';
import type { ClusterView } from '../core/types';
import type { LastCycle } from '../wiring/last-cycle';
import type { ScaleResult } from '../scaler/scale';

export interface StatusJson {
  cluster: string;
  opencastUp: boolean;
  opencastError?: string;
  /** Present when Opencast answered and refused our credentials (not an outage). */
  opencastCredentialsRefused?: true;
  counts: ClusterView['counts'];
  jobs: { running: number | null; queued: number | null; queuedHighLoad: number | null };
  workers: Array<{
    hostname: string;
    opsworksState: string;
    opsworksId: string | null;
    ec2Id: string | null;
    hostUrl: string | null;
    uptimeSeconds: number;
    billedMinutes: number;
    registered: boolean;
    /** Minutes the instance has run without Opencast listing it online; null when it serves or does not run. */
    notRegisteredMinutes: number | null;
    maintenance: boolean;
    idle: boolean | null;
    runningJobs: number | null;
    instanceType: string | null;
    protected: boolean;
  }>;
  /** Running workers Opencast does not know, and host URLs that match no instance. */
  warnings: string[];
}

export function statusJson(view: ClusterView): StatusJson {
  const oc = view.opencast;
  const registration = registrationReport(view);
  const unregistered = new Map(registration.unregistered.map((u) => [u.hostname, u.minutes]));
  return {
    cluster: view.cluster,
    opencastUp: oc.up,
    ...(oc.up ? {} : { opencastError: oc.error, ...(oc.credentialsRefused ? { opencastCredentialsRefused: true as const } : {}) }),
    counts: view.counts,
    jobs: oc.up
      ? { running: oc.running, queued: oc.queue.queued, queuedHighLoad: oc.queue.queuedHighLoad }
      : { running: null, queued: null, queuedHighLoad: null },
    workers: view.workers.map((w) => ({
      hostname: w.hostname,
      opsworksState: w.state,
      opsworksId: w.opsworksId ?? null,
      ec2Id: w.ec2Id ?? null,
      hostUrl: w.hostUrl ?? null,
      uptimeSeconds: w.uptimeSeconds,
      billedMinutes: w.billedMinutes,
      registered: w.registered,
      notRegisteredMinutes: unregistered.get(w.hostname) ?? null,
      maintenance: w.maintenance,
      idle: w.idle,
      runningJobs: w.runningJobs,
      instanceType: w.instanceType ?? null,
      protected: w.protected,
    })),
    warnings: registration.warnings,
  };
}

/** Lines after the status table: each configured metric CloudWatch had no datapoint of. */
export function metricGapsText(gaps: readonly MetricGap[]): string {
  if (gaps.length === 0) return '\nMetrics: every configured CloudWatch metric has datapoints\n';
  return `\n${gaps.map((g) => `Metric gap: strategy "${g.strategy}": ${g.namespace} ${g.metric} returned no datapoints in the last ${g.silentSeconds} s (it casts no vote; is it published, with this dimension?)`).join('\n')}\n`;
}

function table(headers: string[], rows: Array<Array<string | number | boolean | null>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** The line after the status table: the newest autoscale cycle and what it decided (or why it did nothing). */
export function lastCycleText(last: LastCycle): string {
  const decided = last.outcome ? `nothing to do (${last.outcome})` : last.action ? `${last.dryRun ? 'dry run, would ' : ''}${last.action}` : 'no decision recorded';
  const why = last.reason ? `: ${last.reason}` : '';
  const error = last.error ? ` — ${last.error}` : '';
  return `\nLast decision: ${last.name} ${last.status}, ${decided}${why}${error}\n`;
}

export function statusTable(view: ClusterView): string {
  const s = statusJson(view);
  const jobs = s.opencastUp
    ? `running ${s.jobs.running}, queued ${s.jobs.queued}, queued high-load ${s.jobs.queuedHighLoad}`
    : `unknown (${s.opencastError})`;
  const header = [
    `Cluster: ${s.cluster}`,
    `Opencast: ${s.opencastUp ? 'up' : s.opencastCredentialsRefused ? 'REFUSED our credentials' : 'UNREACHABLE'}`,
    `Instances: ${s.counts.instances} (${s.counts.onlineInstances} online)`,
    `Workers: ${s.counts.workers} (${s.counts.onlineWorkers} online, ${s.counts.pendingWorkers} pending)`,
    `Jobs: ${jobs}`,
  ].join('\n');
  const rows = s.workers.map((w) => [
    w.hostname,
    w.opsworksState,
    w.opsworksId,
    w.ec2Id,
    w.instanceType,
    w.hostUrl,
    formatUptime(w.uptimeSeconds),
    w.billedMinutes,
    w.notRegisteredMinutes !== null ? `no (${w.notRegisteredMinutes} min)` : w.registered,
    w.maintenance,
    w.idle,
    w.runningJobs,
    w.protected ? 'yes' : '',
  ]);
  const headers = ['hostname', 'state', 'opsworks id', 'ec2 id', 'type', 'host url', 'uptime', 'billed min', 'registered', 'maintenance', 'idle', 'jobs', 'protected'];
  const warnings = s.warnings.map((w) => `warning: ${w}\n`).join('');
  return `${header}\n\n${table(headers, rows)}\n${warnings ? `\n${warnings}` : ''}`;
}

function formatUptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h}h${String(m).padStart(2, '0')}m`;
}

export function decisionText(decision: Decision, debug: boolean): string {
  const what = decision.outcome ? `none (${decision.outcome})` : `${decision.action} ${decision.chosen.map((c) => c.hostname).join(', ')}`;
  const lines = [`decision: ${what}`];
  for (const reason of decision.reasons) lines.push(`  why: ${reason}`);
  for (const warning of decision.warnings) lines.push(`  warning: ${warning}`);
  if (debug || decision.action === 'none') {
    for (const v of decision.votes ?? []) {
      lines.push(`  vote ${v.name} (${v.method}): ${v.vote ?? 'none'} on [${v.datapoints.join(', ')}], up ≥ ${v.upThreshold}${v.downThreshold !== undefined ? `, down < ${v.downThreshold}` : ''}${v.error ? `: ${v.error}` : ''}`);
    }
    for (const c of decision.chosen) lines.push(`  chosen ${c.hostname}: ${c.detail}`);
    for (const r of decision.rejected) lines.push(`  not ${r.hostname}: ${r.reason} (${r.detail})`);
  }
  return `${lines.join('\n')}\n`;
}

export function resultText(result: ScaleResult, debug: boolean): string {
  const actions = result.actions.map(
    (a) => `  ${a.dryRun ? 'would ' : ''}${a.action} ${a.hostname}${a.error ? ` FAILED: ${a.error}` : ''}`,
  );
  return decisionText(result.decision, debug) + (actions.length ? `actions:\n${actions.join('\n')}\n` : 'actions: none\n');
}
