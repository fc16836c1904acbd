/**
 * One benchmark cell: a policy on a trace under one billing mode, through the
 * real autoscale, boot and drain workflows on the simulator (engine `local`),
 * reduced to the figures the tables show. Billed hours count only what is
 * charged inside the window (the starting workers' earlier hours are not).
 */
import { chargedSeconds } from '../core/billing';
import type { BillingMode } from '../core/types';
import { runSimulation } from '../wiring/sim-run';
import type { BenchPolicy } from './policies';
import { withBilling, type PreparedTrace } from './traces';

export interface Cell {
  trace: string;
  policy: string;
  label: string;
  billing: BillingMode;
  /** Instance-hours charged inside the window in this billing mode. */
  billedHours: number;
  /** Instance-hours actually run inside the window. */
  runHours: number;
  waitSeconds: { p50: number; p95: number; p99: number; max: number };
  /** Recordings processed within 2 h of arrival, of those due. */
  withinTarget: number;
  recordingsDue: number;
  interrupted: number;
  unfinishedJobs: number;
  starts: number;
  stops: number;
  /** Minutes with fewer online workers than the floor. */
  floorViolationMinutes: number;
  failedCycles: number;
  /** Workers online, per minute (for the chart). */
  online: number[];
  realSeconds: number;
}

export async function measure(prepared: PreparedTrace, policy: BenchPolicy, billing: BillingMode, everyMs = 60_000): Promise<Cell> {
  const result = await runSimulation({
    scenario: withBilling(prepared.scenario, billing),
    config: policy.config,
    durationMs: prepared.window.end - prepared.window.start,
    everyMs,
    engine: 'local',
  });
  const s = result.stats;
  // What the starting workers were charged before the window (their runs began earlier) is not the policy's.
  const before = (mode: BillingMode) => prepared.initialUptimesMs.reduce((sum, ms) => sum + chargedSeconds(ms / 1000, mode), 0) / 3600;
  const charged = billing === 'hourly' ? s.billing.hourly.instanceHours : s.billing.perSecond.instanceHours;
  const sec = (ms: number) => ms / 1000;
  return {
    trace: prepared.spec.id,
    policy: policy.id,
    label: policy.label,
    billing,
    billedHours: charged - before(billing),
    runHours: s.billing.runHours - prepared.initialUptimesMs.reduce((a, b) => a + b, 0) / 3_600_000,
    waitSeconds: { p50: sec(s.queueWaitMs.p50), p95: sec(s.queueWaitMs.p95), p99: sec(s.queueWaitMs.p99), max: sec(s.queueWaitMs.max) },
    withinTarget: s.recordings.shareWithinTarget,
    recordingsDue: s.recordings.due,
    interrupted: s.jobs.interrupted,
    unfinishedJobs: s.jobs.unfinished,
    starts: s.starts,
    stops: s.stops,
    floorViolationMinutes: s.minWorkerViolationMinutes,
    failedCycles: result.failedCycles,
    online: result.timeline.map((t) => t.onlineWorkers),
    realSeconds: result.realMs / 1000,
  };
}
