/**
 * What the CLI prints: the status object (a public JSON shape), a plain table
 * for people, and decisions with their reasons.
 */
import type { Decision, MetricGap } from '../core/decision';
import { registrationReport } from '../core/serving';
import { PROVIDER_LABELS } from '../core/instance-state';
import type { ClusterView, FleetProvider, InstanceState, Worker } from '../core/types';
import type { LastCycle } from '../wiring/last-cycle';
import type { ScaleResult } from '../scaler/scale';

export interface StatusJson {
  cluster: string;
  /** Who runs the fleet: `ec2` (instances found by tags) or `opsworks` (a legacy stack). */
  provider: FleetProvider;
  opencastUp: boolean;
  opencastError?: string;
  /** Present when Opencast answered and refused our credentials (not an outage). */
  opencastCredentialsRefused?: true;
  counts: ClusterView['counts'];
  jobs: { running: number | null; queued: number | null; queuedHighLoad: number | null };
  workers: Array<{
    hostname: string;
    /** The provider's own word: EC2 `running`, `stopped`; OpsWorks `online`, `running_setup`. */
    state: string;
    /** The same in mo-scaler's provider-neutral words (core/instance-state.ts): `running`, `configuring`, `start-failed`. */
    instanceState: InstanceState;
    /** The id the provider starts and stops it by: the EC2 instance id on EC2, the OpsWorks InstanceId on OpsWorks. */
    instanceId: string;
    ec2Id: string | null;
    /** Deprecated (kept for one release; use `state`): the state in OpsWorks words, as before, also on EC2. */
    opsworksState: string;
    /** Deprecated (kept for one release): the OpsWorks InstanceId; null on EC2. */
    opsworksId: string | null;
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

/**
 * The word `opsworksState` had on EC2 before it carried EC2's own (running → online, shutting-down →
 * terminated): the deprecated key keeps its old value for the release it stays.
 */
const OPSWORKS_WORD_OF_EC2_STATE: Readonly<Record<string, string>> = { running: 'online', 'shutting-down': 'terminated' };

function opsworksState(w: Worker): string {
  return w.provider === 'ec2' ? (OPSWORKS_WORD_OF_EC2_STATE[w.state] ?? w.state) : w.state;
}

/** The provider of the instances observed; the configured one when there is none to tell. */
function providerOf(view: ClusterView, configured: FleetProvider): FleetProvider {
  return view.instances[0]?.provider ?? configured;
}

export function statusJson(view: ClusterView, configuredProvider: FleetProvider): StatusJson {
  const provider = providerOf(view, configuredProvider);
  const oc = view.opencast;
  const registration = registrationReport(view);
  const unregistered = new Map(registration.unregistered.map((u) => [u.hostname, u.minutes]));
  return {
    cluster: view.cluster,
    provider,
    opencastUp: oc.up,
    ...(oc.up ? {} : { opencastError: oc.error, ...(oc.credentialsRefused ? { opencastCredentialsRefused: true as const } : {}) }),
    counts: view.counts,
    jobs: oc.up
      ? { running: oc.running, queued: oc.queue.queued, queuedHighLoad: oc.queue.queuedHighLoad }
      : { running: null, queued: null, queuedHighLoad: null },
    workers: view.workers.map((w) => ({
      hostname: w.hostname,
      state: w.state,
      instanceState: w.instanceState,
      instanceId: w.id,
      ec2Id: w.ec2Id ?? null,
      opsworksState: opsworksState(w),
      opsworksId: w.opsworksId ?? null,
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

export function statusTable(view: ClusterView, configuredProvider: FleetProvider): string {
  const s = statusJson(view, configuredProvider);
  const provider = s.provider;
  // Ready instances in the provider's word: EC2 `running`, OpsWorks `online`.
  const ready = provider === 'ec2' ? 'running' : 'online';
  const jobs = s.opencastUp
    ? `running ${s.jobs.running}, queued ${s.jobs.queued}, queued high-load ${s.jobs.queuedHighLoad}`
    : `unknown (${s.opencastError})`;
  const header = [
    `Cluster: ${s.cluster}`,
    `Provider: ${PROVIDER_LABELS[provider]}`,
    `Opencast: ${s.opencastUp ? 'up' : s.opencastCredentialsRefused ? 'REFUSED our credentials' : 'UNREACHABLE'}`,
    `Instances: ${s.counts.instances} (${s.counts.onlineInstances} ${ready})`,
    `Workers: ${s.counts.workers} (${s.counts.onlineWorkers} ${ready}, ${s.counts.pendingWorkers} pending)`,
    `Jobs: ${jobs}`,
  ].join('\n');
  // Each provider's own words and ids: EC2 has one id per instance, OpsWorks its own beside EC2's.
  const ids = (w: StatusJson['workers'][number]) => (provider === 'ec2' ? [w.instanceId] : [w.opsworksId, w.ec2Id]);
  const rows = s.workers.map((w) => [
    w.hostname,
    w.state,
    ...ids(w),
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
  const headers = ['hostname', provider === 'ec2' ? 'ec2 state' : 'opsworks state', ...(provider === 'ec2' ? ['instance id'] : ['opsworks id', 'ec2 id']), 'type', 'host url', 'uptime', 'billed min', 'registered', 'maintenance', 'idle', 'jobs', 'protected'];
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
