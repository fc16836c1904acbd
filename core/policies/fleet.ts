/**
 * What the policies share: the fleet as capacity (slots in service, starting,
 * draining) and load (running and queued job load from Opencast), and the two
 * planners every policy ends in: start n workers, or drain n workers with a
 * verdict for every worker not chosen (protected ones are never candidates).
 */
import { activeWorkers } from '../cluster';
import type { Decision, ReasonCode, WorkerVerdict } from '../decision';
import { vcpuOfType } from '../instance-vcpu';
import { unknownJobsDetail } from '../serving';
import { isBacklog, isWorkerJob } from '../jobs';
import { failedStartsOf, failedStartsReason, rankForStart, startDetail } from '../ranking';
import type { Worker } from '../types';
import type { PolicyInput } from './types';

/** Opencast's default when a job reports no load. */
const DEFAULT_JOB_LOAD = 1;
const LOAD_STATUSES = new Set(['RUNNING', 'DISPATCHING']);

export interface Fleet {
  /** Online, its Opencast host online and out of maintenance, not being drained: Opencast dispatches to these. */
  inService: Worker[];
  /**
   * Coming into service: pending, online but not (again) registered, or online in maintenance
   * with no drain (a restarted worker keeps its maintenance flag until its boot releases it;
   * a stranded one is released this cycle), or stopped with a boot under way.
   */
  starting: Worker[];
  /** Online workers not being drained (what the floor counts). */
  online: Worker[];
  draining: ReadonlySet<string>;
  /** Slots (Opencast max load) of a worker: its host's, else its instance type's vCPUs, else the typical one. */
  slotsOf(w: Worker): number;
  /** Slots of a worker to plan with: the median of the workers' own hosts, else of their types' vCPUs, else the setting, else 4. */
  typicalSlots: number;
  /** Running job load on worker hosts (admin and engage run their own jobs, which no worker takes over). */
  runningLoad: number;
  queuedLoad: number;
  queuedJobs: number;
  /** Running job load by Opencast host URL. */
  loadByHost: ReadonlyMap<string, number>;
}

/** What a fleet is built from: a policy's input, or a drain's check (core/policies/index.ts `keepsWorker`). */
export type FleetInput = Pick<PolicyInput, 'view' | 'jobs' | 'booting'> & { scaleDown: Pick<PolicyInput['scaleDown'], 'draining'> };

export function fleetOf(input: FleetInput, slotsPerWorker?: number): Fleet {
  const { view } = input;
  const draining = new Set(input.scaleDown.draining ?? []);
  const booting = new Set(input.booting ?? []);
  const hosts = view.opencast.up ? view.opencast.hosts : [];
  const maxLoadOf = new Map(hosts.filter((h) => h.maxLoad !== undefined).map((h) => [h.baseUrl, h.maxLoad!]));
  // Slots come from the workers themselves: admin and engage hosts (often smaller) say nothing about a worker.
  const workerHosts = new Set(view.workers.flatMap((w) => (w.hostUrl ? [w.hostUrl] : [])));
  const hostSlots = [...workerHosts].flatMap((url) => (maxLoadOf.has(url) ? [maxLoadOf.get(url)!] : []));
  const typeSlots = view.workers.flatMap((w) => (vcpuOfType(w.instanceType) !== undefined ? [vcpuOfType(w.instanceType)!] : []));
  const typicalSlots = median(hostSlots) ?? median(typeSlots) ?? slotsPerWorker ?? 4;
  const loadByHost = new Map<string, number>();
  let runningLoad = 0;
  let queuedLoad = 0;
  let queuedJobs = 0;
  for (const job of input.jobs ?? []) {
    const load = job.jobLoad ?? DEFAULT_JOB_LOAD;
    // Demand for workers is what workers run: a queued distribution or a workflow's own job waits for none.
    if (!isWorkerJob(job)) continue;
    if (isBacklog(job)) {
      queuedLoad += load;
      queuedJobs += 1;
    } else if (LOAD_STATUSES.has(job.status) && job.processingHost) {
      loadByHost.set(job.processingHost, (loadByHost.get(job.processingHost) ?? 0) + load);
      if (workerHosts.has(job.processingHost)) runningLoad += load;
    }
  }
  // A stopped worker's host stays in Opencast's registry, offline, with its maintenance flag.
  const hostUp = new Set(hosts.filter((h) => h.online && h.active).map((h) => h.baseUrl));
  const online = view.workers.filter((w) => w.statusClass === 'online' && !draining.has(w.hostname));
  const serves = (w: Worker) => w.registered && !w.maintenance && w.hostUrl !== undefined && hostUp.has(w.hostUrl);
  return {
    inService: online.filter(serves),
    starting: view.workers.filter(
      (w) =>
        !draining.has(w.hostname) &&
        (w.statusClass === 'pending' || (w.statusClass === 'online' && !serves(w)) || (booting.has(w.hostname) && w.statusClass === 'stopped')),
    ),
    online,
    draining,
    slotsOf: (w) => (w.hostUrl ? maxLoadOf.get(w.hostUrl) : undefined) ?? vcpuOfType(w.instanceType) ?? typicalSlots,
    typicalSlots,
    runningLoad,
    queuedLoad,
    queuedJobs,
    loadByHost,
  };
}

function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The queue a drain's check weighs when no policy speaks for the drain (a manual `scale down`): the queued
 * load beyond the free slots of the workers left in service (the drained one and other drains excluded).
 * Undefined when they absorb it, or when Opencast did not answer (nothing is known to be waiting).
 */
export function queueBeyondFreeSlots(fleet: Fleet): string | undefined {
  const free = fleet.inService.reduce((sum, w) => sum + Math.max(0, fleet.slotsOf(w) - (w.hostUrl ? (fleet.loadByHost.get(w.hostUrl) ?? 0) : 0)), 0);
  if (fleet.queuedLoad <= free) return undefined;
  return `queued load ${round(fleet.queuedLoad)} (${fleet.queuedJobs} job(s)) exceeds the ${round(free)} free slot(s) of the ${fleet.inService.length} worker(s) left in service`;
}

const verdict = (w: Worker, chosen: boolean, reason: ReasonCode, detail: string): WorkerVerdict => ({
  hostname: w.hostname,
  id: w.id,
  chosen,
  reason,
  detail,
});

/** Start `n` stopped workers (ones with an EC2 instance first, then the beefiest), skipping those already booting. */
export function startWorkers(input: PolicyInput, n: number, why: string): Decision {
  const booting = new Set(input.booting ?? []);
  const stopped = input.view.workers.filter((w) => w.statusClass === 'stopped' && !booting.has(w.hostname));
  const failed = failedStartsOf(input.view.workers, input.failedBoots);
  const ranked = rankForStart(stopped, failed);
  const chosen = ranked.slice(0, n).map((w, i) => {
    const avoided = failed.hostnames.has(w.hostname) || (w.instanceType !== undefined && failed.instanceTypes.has(w.instanceType));
    return verdict(w, true, 'Chosen', `start #${i + 1}: ${why}${avoided ? ` (${startDetail(w, failed)})` : ''}`);
  });
  const rejected = [
    ...ranked.slice(n).map((w) => verdict(w, false, 'NotNeeded', 'enough workers chosen before it')),
    ...input.view.workers.filter((w) => w.statusClass !== 'stopped' || booting.has(w.hostname)).map((w) => notStopped(w, booting)),
  ];
  const reasons = [`start ${n} worker(s): ${why}`];
  const failedReason = failedStartsReason(failed);
  if (failedReason) reasons.push(failedReason);
  if (chosen.length < n) reasons.push(`only ${chosen.length} stopped worker(s) left to start`);
  const action = chosen.length ? { action: 'start' as const } : { action: 'none' as const, outcome: 'NoStoppedWorker' as const };
  return { command: 'auto', ...action, requested: n, chosen, rejected, warnings: [], reasons };
}

function notStopped(w: Worker, booting: ReadonlySet<string>): WorkerVerdict {
  if (booting.has(w.hostname)) return verdict(w, false, 'NotStopped', 'a boot is already under way');
  return w.protected ? verdict(w, false, 'Protected', `state ${w.state}; protected workers are never drained`) : verdict(w, false, 'NotStopped', `state ${w.state}`);
}

export interface DrainRules {
  /** Also drain workers that run jobs (the drain waits for them in maintenance); else idle ones only. */
  allowBusy: boolean;
  /**
   * Hourly billing: only workers at most this many minutes before their next billing-hour
   * boundary (undefined: leave the timing to the drain workflow's billing window).
   */
  hourlyLeadMinutes?: number;
  /** Best candidate first. */
  rank(a: Worker, b: Worker): number;
  /** Extra per-worker refusal (e.g. not idle long enough), or undefined. */
  refuse?(w: Worker): { reason: ReasonCode; detail: string } | undefined;
}

/** Minutes until a running worker's next billing-hour boundary (60 right at launch). */
export function minutesToHourBoundary(w: Worker): number {
  return 60 - (Math.floor(w.uptimeSeconds / 60) % 60);
}

/**
 * Drain up to `n` workers, never below `floor` online workers, never a protected
 * or starting one, and say for every other worker why it was not chosen.
 */
export function drainWorkers(input: PolicyInput, fleet: Fleet, n: number, floor: number, rules: DrainRules, why: string): Decision {
  const { billing } = input.scaleDown;
  const candidates: Worker[] = [];
  const rejected: WorkerVerdict[] = [];
  for (const w of input.view.workers) {
    const refusal = refusalOf(w, fleet, billing, rules);
    if (refusal) rejected.push(verdict(w, false, refusal.reason, refusal.detail));
    else candidates.push(w);
  }
  const removable = Math.max(0, fleet.online.length - floor);
  const count = Math.min(n, removable, candidates.length);
  const ranked = [...candidates].sort(rules.rank);
  const chosen = ranked.slice(0, count).map((w, i) => verdict(w, true, 'Chosen', `drain #${i + 1}: ${describe(w, fleet)}; ${why}`));
  for (const w of ranked.slice(count)) {
    rejected.push(
      chosen.length < Math.min(n, candidates.length)
        ? verdict(w, false, 'MinimumReached', `${fleet.online.length} online, floor ${floor}`)
        : verdict(w, false, 'NotNeeded', 'a better candidate was chosen first'),
    );
  }
  const reasons = [`drain ${n} worker(s): ${why}; ${candidates.length} candidate(s), ${removable} removable above the floor of ${floor}`];
  const outcome = candidates.length === 0 ? ('NoCandidate' as const) : ('AtMinimum' as const);
  const action = chosen.length ? { action: 'stop' as const } : { action: 'none' as const, outcome };
  return { command: 'auto', ...action, requested: n, chosen, rejected, warnings: [], reasons };
}

function refusalOf(w: Worker, fleet: Fleet, billing: PolicyInput['scaleDown']['billing'], rules: DrainRules): { reason: ReasonCode; detail: string } | undefined {
  if (fleet.draining.has(w.hostname)) return { reason: 'Draining', detail: 'a drain is already under way' };
  if (w.statusClass !== 'online') return { reason: 'NotActive', detail: w.statusClass === 'pending' ? `starting (${w.state}): not drained while it boots` : `state ${w.state}` };
  if (w.protected) return { reason: 'Protected', detail: 'protected workers are never drained' };
  if (w.runningJobs === null) return { reason: 'OpencastUnavailable', detail: unknownJobsDetail(w) };
  // An EC2 instance is "running" minutes before Opencast serves on it: a drain now would fight its boot (and be refused).
  if (fleet.starting.includes(w)) return { reason: 'NotActive', detail: 'starting: running but not serving yet' };
  if (!rules.allowBusy && w.runningJobs > 0) return { reason: 'Busy', detail: `${w.runningJobs} running job(s)` };
  if (billing === 'per-second' && w.uptimeSeconds < 60) return { reason: 'BelowBillingWindow', detail: `up ${w.uptimeSeconds}s, under the 60 s minimum charge` };
  if (billing === 'hourly' && rules.hourlyLeadMinutes !== undefined && minutesToHourBoundary(w) > rules.hourlyLeadMinutes) {
    return { reason: 'BelowBillingWindow', detail: `${minutesToHourBoundary(w)} min to its billing-hour boundary, drains within ${rules.hourlyLeadMinutes}` };
  }
  return rules.refuse?.(w);
}

function describe(w: Worker, fleet: Fleet): string {
  const load = w.hostUrl ? (fleet.loadByHost.get(w.hostUrl) ?? 0) : 0;
  return `${w.runningJobs ?? '?'} running job(s), load ${round(load)}/${fleet.slotsOf(w)}, up ${Math.floor(w.uptimeSeconds / 60)} min (${minutesToHourBoundary(w)} min to its hour boundary)`;
}

/** Idle first, then least running load; ties: longest up (as the original retried wedged stops). */
export function byLeastLoad(fleet: Fleet): (a: Worker, b: Worker) => number {
  const load = (w: Worker) => (w.hostUrl ? (fleet.loadByHost.get(w.hostUrl) ?? 0) : 0);
  return (a, b) => load(a) - load(b) || (a.runningJobs ?? 0) - (b.runningJobs ?? 0) || b.uptimeSeconds - a.uptimeSeconds || a.hostname.localeCompare(b.hostname);
}

/** Hourly billing: the worker closest to its hour boundary first (its paid time is used up), then least load. */
export function byHourBoundary(fleet: Fleet): (a: Worker, b: Worker) => number {
  const least = byLeastLoad(fleet);
  return (a, b) => minutesToHourBoundary(a) - minutesToHourBoundary(b) || least(a, b);
}

/** Protected workers listed with their reason, for decisions that drain nothing. */
export function protectedVerdicts(input: PolicyInput): WorkerVerdict[] {
  return activeWorkers(input.view)
    .filter((w) => w.protected)
    .map((w) => verdict(w, false, 'Protected', 'protected workers are never drained'));
}

export function round(x: number): number {
  return Math.round(x * 10) / 10;
}
