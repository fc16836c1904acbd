/**
 * From runs to rows: a policy at one setting on one week is summarised over
 * its seeds as mean and spread (min..max); tuning picks, per family and week,
 * the cheapest setting that keeps the service on the tuning seeds.
 */
import type { BillingMode } from '../core/types';
import type { Churn } from './churn';
import type { RunResult } from './runs';

interface Stat {
  mean: number;
  min: number;
  max: number;
}

export interface Row {
  week: string;
  variant?: string;
  billing: BillingMode;
  family: string;
  value: number;
  seeds: number[];
  billed: Stat;
  aboveFloor: Stat;
  turnaroundP50: Stat;
  turnaroundP95: Stat;
  turnaroundMax: Stat;
  /** Summed over seeds. */
  deadlineMisses: number;
  recordings: number;
  waitP95: Stat;
  waitP99: Stat;
  waitMax: Stat;
  interrupted: number;
  starts: Stat;
  stops: Stat;
  floorViolationMinutes: number;
  failedExecutions: number;
  realSeconds: number;
  /** Churn per run (bench/churn.ts): mean and spread over the seeds; each seed's churn, cost and service in `churnBySeed`. */
  flaps: Stat;
  drains: Stat;
  backInService: Stat;
  skipped: Stat;
  transitions: Stat;
  transitionsUsdPerMonth: Stat;
  churnBySeed: Array<{ seed: number; billed: number; turnaroundP95: number; deadlineMisses: number } & Churn>;
}

function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { mean: 0, min: 0, max: 0 };
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

const keyOf = (r: RunResult) =>
  JSON.stringify([r.spec.week, r.spec.variant ?? '', r.spec.billing, r.spec.family, r.spec.value, r.spec.everyMs ?? 0, r.spec.lambda ?? null, r.spec.metricDelayMs ?? 0]);

/** One row per (week, variant, billing, family, value, cadence, lifecycle), over its seeds. */
export function rowsOf(results: readonly RunResult[]): Row[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const k = keyOf(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const s = rs[0]!.spec;
    const o = rs.map((r) => r.outcome);
    return {
      week: s.week,
      ...(s.variant ? { variant: s.variant } : {}),
      billing: s.billing,
      family: s.family,
      value: s.value,
      seeds: rs.map((r) => r.spec.seed),
      billed: stat(o.map((x) => x.billed[s.billing])),
      aboveFloor: stat(o.map((x) => x.billed[s.billing] - x.floorHours)),
      turnaroundP50: stat(o.map((x) => x.turnaround.p50)),
      turnaroundP95: stat(o.map((x) => x.turnaround.p95)),
      turnaroundMax: stat(o.map((x) => x.turnaround.max)),
      deadlineMisses: o.reduce((n, x) => n + x.deadlineMisses, 0),
      recordings: o.reduce((n, x) => n + x.recordings.arrived, 0),
      waitP95: stat(o.map((x) => x.waitSeconds.p95)),
      waitP99: stat(o.map((x) => x.waitSeconds.p99)),
      waitMax: stat(o.map((x) => x.waitSeconds.max)),
      interrupted: o.reduce((n, x) => n + x.interrupted, 0),
      starts: stat(o.map((x) => x.starts)),
      stops: stat(o.map((x) => x.stops)),
      floorViolationMinutes: o.reduce((n, x) => n + x.floorViolationMinutes, 0),
      failedExecutions: rs.reduce((n, r) => n + r.failedExecutions, 0),
      realSeconds: rs.reduce((n, r) => n + r.realSeconds, 0),
      flaps: stat(rs.map((r) => r.churn.flaps)),
      drains: stat(rs.map((r) => r.churn.drains)),
      backInService: stat(rs.map((r) => r.churn.backInService)),
      skipped: stat(rs.map((r) => r.churn.skipped)),
      transitions: stat(rs.map((r) => r.churn.transitions)),
      transitionsUsdPerMonth: stat(rs.map((r) => r.churn.transitionsUsdPerMonth)),
      churnBySeed: rs.map((r) => ({ seed: r.spec.seed, billed: r.outcome.billed[s.billing], turnaroundP95: r.outcome.turnaround.p95, deadlineMisses: r.outcome.deadlineMisses, ...r.churn })),
    };
  });
}

export interface ServiceGate {
  /** p95 turnaround (mean over seeds) may exceed the reference's by at most this, minutes. */
  p95SlackMinutes: number;
  referenceP95: number;
}

/** The service gate: no deadline missed on any seed, p95 turnaround within the slack of the reference's. */
function keepsService(row: Row, gate: ServiceGate): boolean {
  return row.deadlineMisses === 0 && row.turnaroundP95.mean <= gate.referenceP95 + gate.p95SlackMinutes + 1e-9;
}

/** The cheapest setting that keeps the service; when none does, the one with the best p95 turnaround. */
export function tuned(rows: readonly Row[], gate: ServiceGate): Row | undefined {
  const keeping = rows.filter((r) => keepsService(r, gate)).sort((a, b) => a.billed.mean - b.billed.mean);
  if (keeping.length) return keeping[0];
  return [...rows].sort((a, b) => a.deadlineMisses - b.deadlineMisses || a.turnaroundP95.mean - b.turnaroundP95.mean)[0];
}

/** Points no other point beats on both cost and p95 turnaround. */
export function undominated<T extends { cost: number; p95: number }>(points: readonly T[]): T[] {
  return points.filter((p) => !points.some((q) => q !== p && q.cost <= p.cost && q.p95 <= p.p95 && (q.cost < p.cost || q.p95 < p.p95)));
}
