/**
 * Billing ledger of the simulated cluster: one entry per EC2 run (billed from
 * `running` to the start of `stopping`: AWS bills neither `pending` nor
 * `stopping`). The summary prices every run in BOTH modes so one simulation
 * can compare hourly and per-second billing; the math is core/billing.ts.
 */
import { chargedSeconds } from '../../core/billing';
import type { BillingMode } from '../../core/types';

export interface BillingRun {
  /** OpsWorks id (the stable id; the EC2 id may appear later). */
  instanceId: string;
  hostname: string;
  instanceType: string;
  role: string;
  /** Epoch ms the EC2 instance entered `running`. */
  start: number;
  /** Epoch ms it entered `stopping`; absent while still running. */
  end?: number;
}

export class BillingLedger {
  private readonly all: BillingRun[] = [];
  private readonly open = new Map<string, BillingRun>();

  /** Start a run; a second open for the same instance is ignored (already billed). */
  openRun(run: Omit<BillingRun, 'end'>): void {
    if (this.open.has(run.instanceId)) return;
    const entry: BillingRun = { ...run };
    this.all.push(entry);
    this.open.set(run.instanceId, entry);
  }

  closeRun(instanceId: string, at: number): void {
    const run = this.open.get(instanceId);
    if (!run) return;
    run.end = Math.max(at, run.start);
    this.open.delete(instanceId);
  }

  isOpen(instanceId: string): boolean {
    return this.open.has(instanceId);
  }

  runs(): readonly BillingRun[] {
    return this.all;
  }
}

interface ModeTotals {
  /** Charged instance-hours. */
  instanceHours: number;
  /** $ for priced types; undefined when no price table was given. */
  cost?: number;
}

export interface BillingSummary {
  runs: number;
  /** Instance-hours actually run (no rounding). */
  runHours: number;
  hourly: ModeTotals;
  perSecond: ModeTotals;
  byType: Record<string, { runs: number; runHours: number; hourly: ModeTotals; perSecond: ModeTotals }>;
  /** Types that ran but have no price: left out of `cost`. */
  unpricedTypes: string[];
}

/** Seconds of a run, open runs counted up to `now` (as if stopped now). */
function runSeconds(run: BillingRun, now: number): number {
  const end = run.end ?? now;
  return Math.max(0, (end - run.start) / 1000);
}

/** Charged hours of one run in `mode` (hourly: each run rounded up to whole hours; per-second: 60 s minimum). */
export function chargedHours(run: BillingRun, now: number, mode: BillingMode): number {
  return chargedSeconds(runSeconds(run, now), mode) / 3600;
}

function totals(hours: number, price: number | undefined, priced: boolean): ModeTotals {
  return priced ? { instanceHours: hours, cost: price === undefined ? 0 : hours * price } : { instanceHours: hours };
}

/** Price the runs in both modes; `prices` in $/h by instance type. */
export function summarizeBilling(
  runs: readonly BillingRun[],
  now: number,
  prices?: Readonly<Record<string, number>>,
): BillingSummary {
  const priced = prices !== undefined;
  const byType: BillingSummary['byType'] = {};
  const unpriced = new Set<string>();
  let runHours = 0;
  let hourly = 0;
  let perSecond = 0;
  let hourlyCost = 0;
  let perSecondCost = 0;
  for (const run of runs) {
    const actual = runSeconds(run, now) / 3600;
    const h = chargedHours(run, now, 'hourly');
    const s = chargedHours(run, now, 'per-second');
    const price = prices?.[run.instanceType];
    if (priced && price === undefined) unpriced.add(run.instanceType);
    runHours += actual;
    hourly += h;
    perSecond += s;
    hourlyCost += h * (price ?? 0);
    perSecondCost += s * (price ?? 0);
    const t = (byType[run.instanceType] ??= {
      runs: 0,
      runHours: 0,
      hourly: totals(0, price, priced),
      perSecond: totals(0, price, priced),
    });
    t.runs++;
    t.runHours += actual;
    t.hourly = totals(t.hourly.instanceHours + h, price, priced);
    t.perSecond = totals(t.perSecond.instanceHours + s, price, priced);
  }
  return {
    runs: runs.length,
    runHours,
    hourly: priced ? { instanceHours: hourly, cost: hourlyCost } : { instanceHours: hourly },
    perSecond: priced ? { instanceHours: perSecond, cost: perSecondCost } : { instanceHours: perSecond },
    byType,
    unpricedTypes: [...unpriced].sort(),
  };
}
