/**
 * The benchmark's results as data, and as the tables people read: one per
 * trace, every policy in both billing modes, with its ratio to the original
 * and to each bound.
 */
import type { BillingMode } from '../core/types';
import type { Cell } from './measure';

export const BILLING_MODES: readonly BillingMode[] = ['hourly', 'per-second'];

export interface TraceResult {
  id: string;
  note: string;
  window: { start: string; end: string; hours: number };
  recordings: number;
  slotsPerWorker: number;
  peakWorkers: number;
  bounds: { fluid: number; clairvoyant: Record<BillingMode, number> };
  cells: Cell[];
  /** Workers the clairvoyant needs each minute (for the timeline chart; left out of the JSON). */
  needed: number[];
}

export interface Row {
  policy: string;
  billing: BillingMode;
  billedHours: number;
  vsOriginal: number | null;
  vsFluid: number;
  vsClairvoyant: number;
  cell?: Cell;
}

export function rowsOf(t: TraceResult): Row[] {
  const rows: Row[] = [];
  for (const billing of BILLING_MODES) {
    const original = t.cells.find((c) => c.policy === 'original' && c.billing === billing)?.billedHours;
    const bound = (name: string, hours: number): Row => ({
      policy: name,
      billing,
      billedHours: hours,
      vsOriginal: original ? hours / original : null,
      vsFluid: hours / t.bounds.fluid,
      vsClairvoyant: hours / t.bounds.clairvoyant[billing],
    });
    for (const cell of t.cells.filter((c) => c.billing === billing)) {
      rows.push({ ...bound(cell.label, cell.billedHours), cell });
    }
    rows.push(bound('bound: clairvoyant', t.bounds.clairvoyant[billing]), bound('bound: fluid', t.bounds.fluid));
  }
  return rows;
}

const HEADER = ['policy', 'billing', 'billed inst-h', 'x original', 'x fluid', 'x clairv.', 'wait p50/p95/p99 s', 'max wait s', '<=2h', 'interrupted', 'starts', 'stops', 'floor viol. min'];

function cellsOf(r: Row): string[] {
  const c = r.cell;
  const ratio = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  return [
    r.policy,
    r.billing,
    r.billedHours.toFixed(1),
    ratio(r.vsOriginal),
    ratio(r.vsFluid),
    ratio(r.vsClairvoyant),
    c ? `${c.waitSeconds.p50.toFixed(1)} / ${c.waitSeconds.p95.toFixed(1)} / ${c.waitSeconds.p99.toFixed(1)}` : '',
    c ? c.waitSeconds.max.toFixed(0) : '',
    c ? `${(c.withinTarget * 100).toFixed(1)}%` : '',
    c ? String(c.interrupted) : '',
    c ? String(c.starts) : '',
    c ? String(c.stops) : '',
    c ? String(c.floorViolationMinutes) : '',
  ];
}

function title(t: TraceResult): string {
  return `${t.id}: ${t.note}; ${t.recordings} recordings, ${t.window.hours} h window, ${t.slotsPerWorker}-slot workers, peak ${t.peakWorkers} workers`;
}

/** Plain-text table for the terminal. */
export function textTable(t: TraceResult): string {
  const body = rowsOf(t).map(cellsOf);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [title(t), line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** GitHub-flavoured markdown table. */
export function markdownTable(t: TraceResult): string {
  const body = rowsOf(t).map(cellsOf);
  return [
    `### ${t.id}`,
    '',
    title(t).slice(t.id.length + 2),
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
