/**
 * Churn as operators see it, per run: starts, flaps (a worker started and
 * stopped again within the hour: it billed a boot and Opencast's registration
 * for little service), drains and how they ended (`BackInService`: maintenance
 * on, jobs waited for, maintenance off, the worker kept; `KeptForDemand`:
 * refused before maintenance), executions that ended `Skipped*`, and the Step
 * Functions state transitions every cycle, boot and drain cost. Pure: reads a
 * run's billing runs and the workflows' tally.
 */
import { isFlap } from '../core/flaps';
import type { BillingRun } from '../sim/model/billing';
import type { WorkflowTally } from './evaluator/workflows';

/**
 * Standard workflows: USD 0.025 per 1,000 state transitions (US East; the first 4,000 a month are
 * free, not deducted here). https://aws.amazon.com/step-functions/pricing/
 */
export const USD_PER_TRANSITION = 0.025 / 1000;
/** A month as the price is quoted: 365.25 / 12 days. */
const MONTH_MS = (365.25 / 12) * 86_400_000;

export interface Churn {
  starts: number;
  flaps: number;
  /** drain-worker executions that got past the checks (not `Skipped*`). */
  drains: number;
  backInService: number;
  keptForDemand: number;
  /** boot-worker and drain-worker executions that ended in a `Skipped*` state. */
  skipped: number;
  transitions: number;
  /** The run's transitions scaled to a month of the same, priced as Standard workflows. */
  transitionsUsdPerMonth: number;
}

/** Worker billing runs begun inside the window that flapped (core/flaps.ts, the definition the simulator's summary and the live view use too). */
export function flapsOf(runs: readonly BillingRun[], windowStart: number): number {
  return runs.filter((r) => r.role === 'worker' && isFlap(r, windowStart)).length;
}

export function churnOf(tally: WorkflowTally, runs: readonly BillingRun[], window: { start: number; end: number }, starts: number): Churn {
  const ends = Object.entries(tally.ends);
  const count = (test: (workflow: string, state: string) => boolean) =>
    ends.reduce((n, [key, v]) => {
      const [workflow = '', state = ''] = key.split(':');
      return test(workflow, state) ? n + v : n;
    }, 0);
  const months = (window.end - window.start) / MONTH_MS;
  return {
    starts,
    flaps: flapsOf(runs, window.start),
    drains: count((w, s) => w === 'drain-worker' && !s.startsWith('Skipped')),
    backInService: count((w, s) => w === 'drain-worker' && s === 'BackInService'),
    keptForDemand: count((w, s) => w === 'drain-worker' && s === 'KeptForDemand'),
    skipped: count((_, s) => s.startsWith('Skipped')),
    transitions: tally.transitions,
    transitionsUsdPerMonth: months > 0 ? (tally.transitions / months) * USD_PER_TRANSITION : 0,
  };
}
