/**
 * What `moscaler history` prints, from the executions it selected and their
 * events. Pure. By default one line per execution (start, execution, worker,
 * duration, outcome, why) and, for a worker, its lifecycle transitions;
 * `--events` the raw events in time order, a parent's before its children's
 * when they share an instant. `--limit n` keeps the newest n lines of each list.
 */
import { workerOfExecution } from '../core/execution-names';
import { failureText } from '../engine/failure-text';
import type { ExecutionSummary, HistoryEvent } from '../engine/types';
import { digestExecution, type ExecutionDigest, type LifecycleTransition } from '../ui/digest';
import { buildWorkerHistory } from '../ui/state';

export type HistoryTarget = { kind: 'all' } | { kind: 'execution'; name: string } | { kind: 'worker'; hostname: string };

/**
 * The executions a target names, oldest first: all; one execution and those it started; or a
 * worker's boots and drains, by an exact parse of their names (`worker1` is not `worker1-b`, and a
 * Name tag that had to be slugged into the name is found by its key: core/execution-names.ts).
 */
export function selectExecutions(all: readonly ExecutionSummary[], target: string | undefined): { target: HistoryTarget; executions: ExecutionSummary[] } {
  const ordered = treeOrder(all);
  if (target === undefined) return { target: { kind: 'all' }, executions: ordered };
  const exact = all.find((e) => e.ref.name === target);
  if (exact) {
    const family = new Set([exact.ref.executionArn]);
    // Oldest first, so a child's parent is in the family before the child is looked at.
    for (const e of ordered) if (e.parentExecutionArn && family.has(e.parentExecutionArn)) family.add(e.ref.executionArn);
    return { target: { kind: 'execution', name: target }, executions: ordered.filter((e) => family.has(e.ref.executionArn)) };
  }
  const mine = ordered.filter((e) => workerOfExecution(e.ref.name, [target]) === target);
  return { target: { kind: 'worker', hostname: target }, executions: mine };
}

/** Oldest first, each parent before the executions it started (they start in the same instant). */
function treeOrder(all: readonly ExecutionSummary[]): ExecutionSummary[] {
  const byStart = [...all].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const arns = new Set(byStart.map((e) => e.ref.executionArn));
  const children = new Map<string, ExecutionSummary[]>();
  for (const e of byStart) {
    if (e.parentExecutionArn && arns.has(e.parentExecutionArn)) children.set(e.parentExecutionArn, [...(children.get(e.parentExecutionArn) ?? []), e]);
  }
  const out: ExecutionSummary[] = [];
  const visit = (e: ExecutionSummary) => {
    out.push(e);
    for (const child of children.get(e.ref.executionArn) ?? []) visit(child);
  };
  for (const e of byStart) if (!e.parentExecutionArn || !arns.has(e.parentExecutionArn)) visit(e);
  return out;
}

export interface HistoryListing {
  /** The lines to print, without their newline. */
  lines: string[];
  /** What `--limit` left out, for stderr (so stdout holds exactly the lines counted). */
  cut: string[];
}

/** `2025-10-13T04:00:00.000Z` → `2025-10-13T04:00:00Z`: history is kept to the second. */
function when(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

function duration(d: ExecutionDigest): string {
  if (!d.stoppedAt) return 'running';
  const s = Math.max(0, Math.round((Date.parse(d.stoppedAt) - Date.parse(d.startedAt)) / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** Why it ran: the request's reason, or the plan of a scale command or autoscale cycle. */
function why(d: ExecutionDigest): string {
  return d.requestReason ?? d.plan?.reason ?? '';
}

/** The newest `limit` items; `total` counts those not even read (the default listing of everything reads only what it prints). */
function newest<T>(items: readonly T[], limit: number, what: string, total = items.length): { kept: T[]; cut: string[] } {
  const kept = items.slice(-limit);
  return { kept, cut: total > kept.length ? [`showing the last ${kept.length} of ${total} ${what} (--limit)`] : [] };
}

const pad = (text: string, width: number) => text.padEnd(width);
const MAX_COLUMN = 40;

function executionLines(digests: readonly ExecutionDigest[]): string[] {
  const rows: string[][] = digests.map((d) => [when(d.startedAt), d.name, d.hostname ?? '-', duration(d), `${d.outcome.text}${why(d) ? `; why: ${why(d)}` : ''}`]);
  // The short columns padded to their widest cell, up to MAX_COLUMN (a 256-character Name tag just runs on).
  const widths = [0, 1, 2, 3].map((i) => Math.min(MAX_COLUMN, Math.max(0, ...rows.map((r) => r[i]?.length ?? 0))));
  return rows.map((r) => r.map((cell, i) => (i < widths.length ? pad(cell, widths[i] ?? 0) : cell)).join('  ').trimEnd());
}

function transitionLine(t: LifecycleTransition): string {
  const move = t.refused ? `${t.from} (refused)` : `${t.from} → ${t.to}`;
  return `${when(t.at)}  ${move}  ${t.event}  ${t.code}: ${t.reason}  (${t.execution})`;
}

/** The default listing: one line per execution; a worker's (or a boot's or drain's) lifecycle transitions after them. */
export function executionListing(target: HistoryTarget, digests: readonly ExecutionDigest[], limit: number, total = digests.length): HistoryListing {
  const executions = newest(digests, limit, 'executions', total);
  const lines = executionLines(executions.kept);
  const cut = [...executions.cut];
  if (target.kind !== 'all') {
    const hostname = target.kind === 'worker' ? target.hostname : digests.find((d) => d.hostname)?.hostname;
    // Newest first, as the visualizer reads them; its replays of an observed state are left out (ui/state.ts).
    const transitions = hostname ? buildWorkerHistory(hostname, undefined, [...digests].reverse().filter((d) => d.hostname === hostname)).transitions : [];
    if (transitions.length > 0) {
      const shown = newest(transitions, limit, 'lifecycle transitions');
      lines.push('', `lifecycle of ${hostname}:`, ...shown.kept.map(transitionLine));
      cut.push(...shown.cut);
    }
  }
  return { lines, cut };
}

/** Every execution's digest, from its summary and its events (oldest first, as selected). */
export function digestAll(executions: readonly ExecutionSummary[], events: ReadonlyMap<string, readonly HistoryEvent[]>): ExecutionDigest[] {
  return executions.map((e) => digestExecution(e, events.get(e.ref.name) ?? []));
}

/**
 * The raw events, in time order; at the same instant an execution's events come before those of
 * the executions it started. `StateExited` is left out (the next line says where it went), and a
 * reason is shown when it changes: a poll that found nothing new does not repeat the last one.
 */
export function orderedEvents(executions: readonly ExecutionSummary[], events: ReadonlyMap<string, readonly HistoryEvent[]>): HistoryEvent[] {
  const rank = new Map(executions.map((e, i) => [e.ref.name, i]));
  const all = executions.flatMap((e) => (events.get(e.ref.name) ?? []).map((event, i) => ({ event, i })));
  all.sort((a, b) => Date.parse(a.event.at) - Date.parse(b.event.at) || rank.get(a.event.execution)! - rank.get(b.event.execution)! || a.i - b.i);
  return all.map((x) => x.event);
}

export function eventListing(events: readonly HistoryEvent[], limit: number): HistoryListing {
  const lastReason = new Map<string, string>();
  const lines: string[] = [];
  for (const e of events) {
    if (e.type === 'StateExited') continue;
    const what = e.state ? `${e.type} ${e.state}` : e.type;
    let extra = '';
    if (e.reason && lastReason.get(e.execution) !== e.reason) {
      lastReason.set(e.execution, e.reason);
      extra = ` — ${e.reason}`;
    } else if (e.error) extra = ` — ${failureText(e.error, e.cause).slice(0, 300)}`;
    lines.push(`${when(e.at)}  ${e.execution}  ${what}${extra}`);
  }
  const shown = newest(lines, limit, 'events');
  return { lines: shown.kept, cut: shown.cut };
}
