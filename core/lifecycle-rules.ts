/**
 * The rules of a worker's lifecycle, as pure predicates over what was last
 * observed. The worker-lifecycle machine's guards delegate here, and the
 * decision step can ask the same questions (why a worker cannot be removed).
 * Time is always passed in (`at`, ISO-8601); nothing here reads the clock.
 */
import { billedMinutes, hasReachedBillingWindow as billingWindowOpen, secondsUntilBillingWindow } from './billing';
import type { BillingMode } from './types';

/** Why a lifecycle transition happened, or why a request was refused. Stable: stored in snapshots and history. */
export const LIFECYCLE_REASON_CODES = [
  'StartRequested',
  'StartedOutside',
  'InstanceOnline',
  'Registered',
  'Booted',
  'RegisteredInMaintenance',
  'StartFailed',
  'BootTimedOut',
  'ForcedDrain',
  'BillingWindowReached',
  'BelowBillingWindow',
  'Protected',
  'MinimumReached',
  'MaintenanceOn',
  'Busy',
  'OpencastUnavailable',
  'JobsDrained',
  'ForcedStop',
  'DrainTimedOut',
  'DemandReturned',
  'DrainAbandoned',
  'MaintenanceOff',
  'StopRequested',
  'StopConfirmed',
  'StopFailed',
  'StopUnconfirmed',
  'InstanceStopped',
  'Observed',
  'Ignored',
] as const;

export type LifecycleReasonCode = (typeof LIFECYCLE_REASON_CODES)[number];

/** What is known about one worker, each value as last observed (null: never observed or unknown). */
export interface WorkerFacts {
  /** RUNNING jobs on the host; null when Opencast could not tell. */
  runningJobs: number | null;
  /** Uptime at `uptimeObservedAt`; extrapolated to an event's time by {@link uptimeAt}. */
  uptimeSeconds: number | null;
  uptimeObservedAt: string | null;
  /** Online workers in the cluster, this one included when its instance is online. */
  onlineWorkers: number | null;
  /** Other online workers already committed to stopping (their drains are past the point of return). */
  otherStopsInFlight: number;
  /** The provider reports the instance online. */
  instanceOnline: boolean;
  /** Opencast lists the host as registered. */
  registered: boolean;
  /** Opencast's maintenance flag for the host; null when unknown. */
  maintenance: boolean | null;
  /** Protected workers are never drained or stopped by the scaler, even when forced. */
  protected: boolean;
}

export interface DrainPolicy {
  minWorkers: number;
  billingMode: BillingMode;
  /** Hourly billing: minutes of the instance hour that must be used before stopping. */
  thresholdMinutes: number;
}

export const UNKNOWN_FACTS: WorkerFacts = {
  runningJobs: null,
  uptimeSeconds: null,
  uptimeObservedAt: null,
  onlineWorkers: null,
  otherStopsInFlight: 0,
  instanceOnline: false,
  registered: false,
  maintenance: null,
  protected: false,
};

/**
 * May the host be running a job? Only a registered host gets work, and an
 * unknown count counts as busy: idleness must be proven before a stop.
 */
export function isBusy(facts: WorkerFacts): boolean {
  return facts.registered && facts.runningJobs !== 0;
}

/** Busy only because Opencast did not answer (reported as OpencastUnavailable, not Busy). */
export function isJobCountUnknown(facts: WorkerFacts): boolean {
  return facts.registered && facts.runningJobs === null;
}

/** Uptime at `at`, extrapolated from the last observation; null when never observed or `at` is not a time. */
export function uptimeAt(facts: WorkerFacts, at: string): number | null {
  if (facts.uptimeSeconds === null) return null;
  const observed = facts.uptimeObservedAt === null ? Number.NaN : Date.parse(facts.uptimeObservedAt);
  const now = Date.parse(at);
  if (Number.isNaN(observed) || Number.isNaN(now)) return facts.uptimeSeconds;
  // An event older than the observation (out of order) must not shrink the uptime.
  return facts.uptimeSeconds + Math.max(0, Math.floor((now - observed) / 1000));
}

/** Hourly: the threshold of the current instance hour is used; per-second: the 60 s minimum is. Unknown uptime: not reached. */
export function hasReachedBillingWindow(facts: WorkerFacts, policy: DrainPolicy, at: string): boolean {
  const uptime = uptimeAt(facts, at);
  return uptime !== null && billingWindowOpen(uptime, policy.billingMode, policy.thresholdMinutes);
}

/** Online workers left once this one stops; null when the count was never observed. */
export function remainingOnlineWorkers(facts: WorkerFacts): number | null {
  if (facts.onlineWorkers === null) return null;
  return facts.onlineWorkers - facts.otherStopsInFlight - (facts.instanceOnline ? 1 : 0);
}

/** Stopping leaves at least `minWorkers` online. An unobserved count proves nothing, so it is false. */
export function canStopWithoutBreachingMinimum(facts: WorkerFacts, policy: DrainPolicy): boolean {
  const remaining = remainingOnlineWorkers(facts);
  return remaining !== null && remaining >= policy.minWorkers;
}

/**
 * The first rule that forbids stopping the worker now, or null when none does.
 * `force` overrides busy and the minimum (as the original's --force), never protection.
 */
export function stopBlocker(facts: WorkerFacts, policy: DrainPolicy, force: boolean): LifecycleReasonCode | null {
  if (facts.protected) return 'Protected';
  if (force) return null;
  if (isJobCountUnknown(facts)) return 'OpencastUnavailable';
  if (isBusy(facts)) return 'Busy';
  if (!canStopWithoutBreachingMinimum(facts, policy)) return 'MinimumReached';
  return null;
}

/** What an event carried that the message may quote. */
export interface ReasonDetail {
  hostname: string;
  facts: WorkerFacts;
  policy: DrainPolicy;
  force: boolean;
  at: string;
  error?: string;
  status?: string;
}

/** The human sentence for a reason code, from the facts as of the event. */
export function describeReason(code: LifecycleReasonCode, d: ReasonDetail): string {
  const jobs = d.facts.runningJobs;
  switch (code) {
    case 'StartRequested':
      return `start of ${d.hostname} requested`;
    case 'StartedOutside':
      return `${d.hostname} was started outside mo-scaler`;
    case 'InstanceOnline':
      return 'instance online, waiting for Opencast to register the host';
    case 'Registered':
      return 'registered in Opencast, waiting for the instance to be online';
    case 'Booted':
      return 'instance online and registered in Opencast';
    case 'RegisteredInMaintenance':
      // Opencast keeps a returning node's maintenance flag (opencast-api.md §5).
      return 'registered but still in maintenance from an earlier run: switching maintenance off';
    case 'StartFailed':
      return `start failed: ${d.error ?? 'no detail'}`;
    case 'BootTimedOut':
      return 'not online and registered before the boot deadline';
    case 'ForcedDrain':
      return 'forced drain: billing window and minimum not checked';
    case 'BillingWindowReached':
      return billingWindowText(d, 'billing window reached');
    case 'BelowBillingWindow':
      return billingWindowText(d, 'waiting for the billing window');
    case 'Protected':
      return `${d.hostname} is protected: it is never drained or stopped`;
    case 'MinimumReached':
      return minimumText(d);
    case 'MaintenanceOn':
      return 'maintenance on: no new jobs, running jobs finish';
    case 'Busy':
      return `${jobs ?? 'unknown'} running job(s)`;
    case 'OpencastUnavailable':
      return 'running jobs unknown (Opencast did not answer): idleness not proven';
    case 'JobsDrained':
      return 'no running job';
    case 'ForcedStop':
      return `forced stop with ${jobs === null ? 'an unknown number of' : jobs} running jobs`;
    case 'DrainTimedOut':
      return `drain timed out with ${jobs ?? 'an unknown number of'} running jobs: back to service`;
    case 'DemandReturned':
      return 'demand returned before the stop: back to service';
    case 'DrainAbandoned':
      return 'no drain in progress: back to service';
    case 'MaintenanceOff':
      return 'maintenance off: serving again';
    case 'StopRequested':
      return 'stop requested';
    case 'StopConfirmed':
      return 'instance stopped';
    case 'StopFailed':
      return `stop failed: ${d.error ?? 'no detail'}`;
    case 'StopUnconfirmed':
      return 'no drain in progress and the stop was never confirmed';
    case 'InstanceStopped':
      return `instance stopped outside mo-scaler${d.status ? ` (status ${d.status})` : ''}`;
    case 'Observed':
      return 'facts updated';
    case 'Ignored':
      return 'event ignored';
  }
}

function billingWindowText(d: ReasonDetail, lead: string): string {
  const uptime = uptimeAt(d.facts, d.at);
  if (uptime === null) return `${lead}: uptime unknown`;
  const wait = secondsUntilBillingWindow(uptime, d.policy.billingMode, d.policy.thresholdMinutes);
  const used =
    d.policy.billingMode === 'hourly'
      ? `${billedMinutes(uptime)} of ${d.policy.thresholdMinutes} min of the hour used`
      : `per-second billing, uptime ${uptime} s`;
  return wait > 0 ? `${lead}: ${used}, ${wait} s to go` : `${lead}: ${used}`;
}

function minimumText(d: ReasonDetail): string {
  const remaining = remainingOnlineWorkers(d.facts);
  if (remaining === null) return `online workers unknown: cannot prove the minimum of ${d.policy.minWorkers} is kept`;
  return `stopping would leave ${remaining} online worker(s), below the minimum of ${d.policy.minWorkers}`;
}
