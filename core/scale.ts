/**
 * The original's scaling rules as pure planning functions: given one observation
 * of the cluster, which workers to start or stop, and why the others were not.
 * A rule that forbids the request throws ScalingError (exit 1, nothing changed).
 */
import { hasReachedBillingWindow } from './billing';
import { activeWorkers } from './cluster';
import { type Decision, type NoActionCode, type WorkerVerdict } from './decision';
import { ScalingError } from './errors';
import { failedStartsOf, failedStartsReason, rankForStart, rankForStop, startDetail } from './ranking';
import { unknownJobsDetail } from './serving';
import type { BillingMode, ClusterView, Worker } from './types';

export interface ScaleUpOptions {
  scaleAvailable: boolean;
  /** Workers whose boot failed lately: tried last, and their instance types after the others. */
  failedBoots?: readonly string[];
}

export interface ScaleDownOptions {
  force: boolean;
  scaleAvailable: boolean;
  /** Only stop workers late in their billing hour (always on in `scale auto`). */
  checkUptime: boolean;
  minWorkers: number;
  idleUptimeThreshold: number;
  billing: BillingMode;
  /** Workers a drain is already under way for: never chosen again, and no longer counted as staying online. */
  draining?: readonly string[];
  /** Workers a boot is under way for (the autoscale cycle): not drained while they boot, since their drain would refuse them. */
  booting?: readonly string[];
}

const verdict = (w: Worker, chosen: boolean, reason: WorkerVerdict['reason'], detail: string): WorkerVerdict => ({
  hostname: w.hostname,
  id: w.id,
  chosen,
  reason,
  detail,
});

export function planScaleUp(view: ClusterView, n: number, opts: ScaleUpOptions): Decision {
  const stopped = view.workers.filter((w) => w.statusClass === 'stopped');
  const warnings: string[] = [];
  const reasons: string[] = [`asked to start ${n} worker(s); ${stopped.length} stopped worker(s) available`];
  if (stopped.length < n) {
    const message = `Cluster does not have ${n} stopped workers to start (has ${stopped.length}).`;
    if (!opts.scaleAvailable) throw new ScalingError(message);
    warnings.push(`${message} Starting the available ones (--scale-available).`);
  }
  const failed = failedStartsOf(view.workers, opts.failedBoots);
  const failedReason = failedStartsReason(failed);
  if (failedReason) reasons.push(failedReason);
  const ranked = rankForStart(stopped, failed);
  const chosen = ranked.slice(0, n).map((w, i) => verdict(w, true, 'Chosen', `start #${i + 1}: ${startDetail(w, failed)}`));
  const rejected = [
    ...ranked.slice(n).map((w) => verdict(w, false, 'NotNeeded', `enough workers chosen before it`)),
    ...view.workers
      .filter((w) => w.statusClass !== 'stopped')
      .map((w) => verdict(w, false, 'NotStopped', `state ${w.state}`)),
  ];
  if (chosen.length === 0) {
    reasons.push('no stopped worker to start');
    return { command: 'up', action: 'none', outcome: 'NoStoppedWorker', requested: n, chosen, rejected, warnings, reasons };
  }
  return { command: 'up', action: 'start', requested: n, chosen, rejected, warnings, reasons };
}

export function planScaleDown(view: ClusterView, requested: number, opts: ScaleDownOptions): Decision {
  const plan = tryPlanScaleDown(view, requested, opts);
  if ('refused' in plan) throw new ScalingError(plan.refused);
  return plan;
}

/** planScaleDown with a refusal as a value: `scale auto` meets one most minutes, and an Error's stack costs. */
export interface ScaleDownRefusal {
  refused: string;
  code: Extract<NoActionCode, 'TooFewWorkers' | 'AtMinimum' | 'NoCandidate'>;
}

export function tryPlanScaleDown(view: ClusterView, requested: number, opts: ScaleDownOptions): Decision | ScaleDownRefusal {
  const warnings: string[] = [];
  const reasons: string[] = [];
  const draining = new Set(opts.draining ?? []);
  const active = activeWorkers(view).filter((w) => !draining.has(w.hostname));
  const online = active.filter((w) => w.statusClass === 'online');
  let n = requested;

  // The original retried with n-1 under --scale-available; a loop says the same.
  while (true) {
    if (active.length < n) {
      const message = `Cluster does not have ${n} online or pending workers to stop!`;
      if (!opts.scaleAvailable || n <= 1) return { refused: message, code: 'TooFewWorkers' };
      warnings.push(`${message} Trying with fewer workers.`);
      n -= 1;
      continue;
    }
    if (online.length - n < opts.minWorkers) {
      const message = `Stopping ${n} workers violates MIN_WORKERS ${opts.minWorkers}!`;
      if (opts.force) {
        warnings.push(`${message} Continuing because --force enabled.`);
      } else if (opts.scaleAvailable && n > 1) {
        warnings.push(`${message} Trying with fewer workers.`);
        n -= 1;
        continue;
      } else {
        return { refused: message, code: 'AtMinimum' };
      }
    }
    break;
  }
  reasons.push(`asked to stop ${requested} worker(s), planning ${n}; ${online.length} online, minimum ${opts.minWorkers}`);

  const { candidates, rejected } = judgeStopCandidates(view.workers, opts);
  const ranked = rankForStop(candidates);
  const chosen = ranked.slice(0, n).map((w, i) =>
    verdict(w, true, 'Chosen', `stop #${i + 1}: ${describe(w)}${opts.force ? ' (--force)' : ''}`),
  );
  for (const w of ranked.slice(n)) rejected.push(verdict(w, false, 'NotNeeded', `a longer-running worker was chosen first`));

  if (chosen.length < n) {
    const message = `Cluster does not have ${n} workers available to stop!`;
    if (!(opts.scaleAvailable && chosen.length > 0)) {
      const why = rejected.filter((r) => r.reason !== 'NotActive').map((r) => `${r.hostname}: ${r.reason}, ${r.detail}`);
      return { refused: why.length ? `${message} (${why.join('; ')})` : message, code: 'NoCandidate' };
    }
    warnings.push(`${message} Only stopping available workers.`);
  }
  return { command: 'down', action: 'stop', requested: n, chosen, rejected, warnings, reasons };
}

/** Which active workers may be stopped now, and why each other one may not. */
export function judgeStopCandidates(
  workers: readonly Worker[],
  opts: Pick<ScaleDownOptions, 'force' | 'checkUptime' | 'idleUptimeThreshold' | 'billing' | 'draining' | 'booting'>,
): { candidates: Worker[]; rejected: WorkerVerdict[] } {
  const candidates: Worker[] = [];
  const rejected: WorkerVerdict[] = [];
  const draining = new Set(opts.draining ?? []);
  const booting = new Set(opts.booting ?? []);
  for (const w of workers) {
    if (draining.has(w.hostname)) {
      rejected.push(verdict(w, false, 'Draining', 'a drain is already under way'));
    } else if (booting.has(w.hostname)) {
      rejected.push(verdict(w, false, 'NotActive', 'a boot is under way'));
    } else if (w.statusClass !== 'online' && w.statusClass !== 'pending') {
      rejected.push(verdict(w, false, 'NotActive', `state ${w.state}`));
    } else if (w.protected) {
      rejected.push(verdict(w, false, 'Protected', 'protected workers are never drained'));
    } else if (w.statusClass === 'online' && w.runningJobs === null) {
      // Fail closed: without Opencast we cannot know whether it runs a job, so even --force does not stop it.
      rejected.push(verdict(w, false, 'OpencastUnavailable', unknownJobsDetail(w)));
    } else if (opts.force) {
      candidates.push(w);
    } else if (w.statusClass === 'online' && (w.runningJobs ?? 0) > 0) {
      rejected.push(verdict(w, false, 'Busy', `${w.runningJobs} running job(s)`));
    } else if (opts.checkUptime && !hasReachedBillingWindow(w.uptimeSeconds, opts.billing, opts.idleUptimeThreshold)) {
      const detail =
        opts.billing === 'hourly'
          ? `minute ${w.billedMinutes} of its billing hour, threshold ${opts.idleUptimeThreshold}`
          : `up ${w.uptimeSeconds}s, under the 60 s minimum charge`;
      rejected.push(verdict(w, false, 'BelowBillingWindow', detail));
    } else {
      candidates.push(w);
    }
  }
  return { candidates, rejected };
}

export function planScaleTo(
  view: ClusterView,
  target: number,
  opts: ScaleDownOptions,
): Decision {
  const current = activeWorkers(view).length;
  if (current === target) throw new ScalingError(`Cluster already at ${target} online or pending workers!`);
  const decision =
    current > target
      ? planScaleDown(view, current - target, opts)
      : planScaleUp(view, target - current, { scaleAvailable: opts.scaleAvailable });
  return { ...decision, command: 'to', reasons: [`scale to ${target} from ${current} online or pending`, ...decision.reasons] };
}

function describe(w: Worker): string {
  const jobs = w.runningJobs === null ? 'jobs unknown' : `${w.runningJobs} running job(s)`;
  return `${w.state}, up ${Math.floor(w.uptimeSeconds / 60)} min (minute ${w.billedMinutes} of its hour), ${jobs}`;
}
