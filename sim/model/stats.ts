/**
 * What a simulated run achieved: queue waits, jobs done and interrupted,
 * recordings processed within the service target, starts and stops, floor
 * violations, workers stranded in maintenance, cost; and the per-minute
 * timeline as CSV or JSON. Pure: it reads `SimCluster#runData()`.
 */
import type { BillingMode } from '../../core/types';
import { flapsByWorker, FLAP_WINDOW_MS } from '../../core/flaps';
import { summarizeBilling, type BillingSummary } from './billing';
import type { SimRunData, TimelineSample } from './cluster';
import { ANCHOR_PRICES } from './instance-types';

export interface StatsOptions {
  /** The floor (MOSCALER_MIN_WORKERS); default 1. */
  minWorkers?: number;
  /** Service target for a recording, arrival to last job done; default 2 h. */
  targetMs?: number;
  /** Maintenance on a running worker for longer than this counts as stranded; default 30 min. */
  strandedAfterMs?: number;
  /** $/h by instance type; default the anchors' prices. */
  prices?: Readonly<Record<string, number>>;
  /** The scenario's mode, for `billing.charged`; default per-second. */
  billingMode?: BillingMode;
  /** A worker started and stopped again within this counts as a flap; default 1 h. */
  flapWindowMs?: number;
}

/** Workers started during the run and stopped again within the window: capacity bought and given back at once. */
interface FlapStats {
  windowMs: number;
  /** Flaps in all. */
  times: number;
  /** Workers that flapped at least once, most flaps first. */
  byWorker: Array<{ hostname: string; times: number }>;
}

export interface WaitStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface SimStats {
  from: number;
  to: number;
  /** Dispatch time − creation (or restart) time, ms. */
  queueWaitMs: WaitStats;
  jobs: { created: number; completed: number; interrupted: number; interruptedWorkMs: number; unfinished: number };
  recordings: {
    arrived: number;
    completed: number;
    /** Arrived early enough for the target to have passed, or already done. */
    due: number;
    withinTarget: number;
    /** withinTarget / due (1 when nothing is due). */
    shareWithinTarget: number;
    targetMs: number;
    /** 95th percentile of arrival → done, completed recordings only. */
    p95ProcessingMs: number;
  };
  starts: number;
  stops: number;
  startFailures: number;
  minWorkers: number;
  /** Minute samples with fewer OpsWorks-online workers than the floor. */
  minWorkerViolationMinutes: number;
  /** Minute samples with fewer workers in service (registered, online, no maintenance) than the floor. */
  minInServiceViolationMinutes: number;
  /** Workers online in Opencast with maintenance on for longer than `strandedAfterMs` at the end. */
  strandedInMaintenance: { hostname: string; sinceMs: number; runningJobs: number }[];
  flapping: FlapStats;
  /** Worker runs only (admin, engage, monitoring are the same under any policy). */
  billing: BillingSummary & { mode: BillingMode; chargedInstanceHours: number; chargedCost?: number };
}

/** Nearest-rank percentile of an ascending list; 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function waitStats(values: readonly number[]): WaitStats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.length ? sum / sorted.length : 0,
  };
}

export function computeStats(data: SimRunData, options: StatsOptions = {}): SimStats {
  const minWorkers = options.minWorkers ?? 1;
  const targetMs = options.targetMs ?? 2 * 3_600_000;
  const strandedAfterMs = options.strandedAfterMs ?? 30 * 60_000;
  const mode = options.billingMode ?? 'per-second';
  const now = data.now;

  const arrived = data.recordings.filter((r) => r.arrivalAt <= now);
  const completed = arrived.filter((r) => r.completedAt !== undefined);
  const due = arrived.filter((r) => r.completedAt !== undefined || r.arrivalAt + targetMs <= now);
  const within = completed.filter((r) => r.completedAt! - r.arrivalAt <= targetMs);
  const processing = completed.map((r) => r.completedAt! - r.arrivalAt).sort((a, b) => a - b);

  const billing = summarizeBilling(
    data.billingRuns.filter((r) => r.role === 'worker'),
    now,
    options.prices ?? ANCHOR_PRICES,
  );
  const charged = mode === 'hourly' ? billing.hourly : billing.perSecond;
  const c = data.counters;

  return {
    from: data.start,
    to: now,
    queueWaitMs: waitStats(data.waitsMs),
    jobs: {
      created: c.jobsCreated,
      completed: c.jobsCompleted,
      interrupted: c.interruptions,
      interruptedWorkMs: c.interruptedWorkMs,
      unfinished: c.jobsCreated - c.jobsCompleted,
    },
    recordings: {
      arrived: arrived.length,
      completed: completed.length,
      due: due.length,
      withinTarget: within.length,
      shareWithinTarget: due.length === 0 ? 1 : within.length / due.length,
      targetMs,
      p95ProcessingMs: percentile(processing, 95),
    },
    starts: c.starts,
    stops: c.stops,
    startFailures: c.startFailures,
    minWorkers,
    minWorkerViolationMinutes: data.timeline.filter((s) => s.onlineWorkers < minWorkers).length,
    minInServiceViolationMinutes: data.timeline.filter((s) => s.inServiceWorkers < minWorkers).length,
    flapping: flapStats(data, options.flapWindowMs ?? FLAP_WINDOW_MS),
    strandedInMaintenance: data.workers
      .filter((w) => w.hostOnline && w.maintenance && w.maintenanceSince !== undefined && now - w.maintenanceSince > strandedAfterMs)
      .map((w) => ({ hostname: w.hostname, sinceMs: now - w.maintenanceSince!, runningJobs: w.runningJobs })),
    billing: {
      ...billing,
      mode,
      chargedInstanceHours: charged.instanceHours,
      ...(charged.cost !== undefined ? { chargedCost: charged.cost } : {}),
    },
  };
}

/**
 * From the billing ledger: an EC2 run of a worker that began during the run (not
 * one already running at its start) and ended within the window (core/flaps.ts).
 */
function flapStats(data: Pick<SimRunData, 'start' | 'billingRuns'>, windowMs: number): FlapStats {
  const byWorker = flapsByWorker(data.billingRuns.filter((run) => run.role === 'worker'), data.start, windowMs);
  return { windowMs, times: byWorker.reduce((n, w) => n + w.times, 0), byWorker };
}

const COLUMNS: readonly (keyof TimelineSample)[] = [
  'at',
  'queuedJobs',
  'queuedLoad',
  'runningJobs',
  'runningLoad',
  'onlineWorkers',
  'inServiceWorkers',
  'pendingWorkers',
  'maintenanceWorkers',
  'billedWorkers',
  'runningInstances',
];

/** CSV with an ISO `time` column first (spreadsheets), then every sample field. */
export function timelineToCsv(samples: readonly TimelineSample[]): string {
  const header = ['time', ...COLUMNS].join(',');
  const rows = samples.map((s) => [new Date(s.at).toISOString(), ...COLUMNS.map((k) => String(s[k]))].join(','));
  return [header, ...rows].join('\n') + '\n';
}

/** JSON array of samples, each with an ISO `time` added. */
export function timelineToJson(samples: readonly TimelineSample[]): string {
  return JSON.stringify(samples.map((s) => ({ time: new Date(s.at).toISOString(), ...s })));
}
