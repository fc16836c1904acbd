/**
 * One interface for every autoscale policy: a pure function from one observation
 * (plus the time, the floor and what the policy remembered last cycle) to a
 * Decision whose chosen workers the real boot and drain workflows act on.
 */
import type { AutoscaleConfig } from '../autoscale-config';
import type { AutoscaleInput } from '../autoscale';
import type { Decision, PauseState, StrategyVote } from '../decision';
import type { ClusterView, OpencastJob, ScheduleObservation } from '../types';

/** Plain JSON a policy carries from one cycle to the next (idle timers), in the autoscale execution's output. */
export type PolicyMemory = { [key: string]: string | number | boolean | null | PolicyMemory };

export interface PolicyInput {
  view: ClusterView;
  /** Non-terminal Opencast jobs with their loads, when Opencast answered. */
  jobs?: readonly OpencastJob[];
  config: AutoscaleConfig;
  /** Strategy votes (only the original policy reads them; others get none). */
  votes: StrategyVote[];
  pause: PauseState;
  now: Date;
  /** The floor, billing mode and threshold, and the workers a drain is under way for. */
  scaleDown: AutoscaleInput['scaleDown'];
  /** Workers a boot execution is under way for. */
  booting?: readonly string[];
  /** Workers whose boot failed lately: started last, their instance types after the others. */
  failedBoots?: readonly string[];
  /** Start of the newest boot execution (ISO): cool-downs count from it. */
  lastBootAt?: string;
  /** What this policy returned as `memory` last cycle (read back from that cycle's output); absent on the first. */
  memory?: PolicyMemory;
  /** Scheduled captures around now, for the policies that plan with them (read only when the policy asks). */
  schedule?: ScheduleObservation;
}

/** How the drain workflow should treat the workers a policy chose. */
export interface DrainOptions {
  /** Wait for the billing window (hourly: minute ≥ MOSCALER_IDLE_UPTIME_THRESHOLD) before maintenance. */
  respectBillingWindow: boolean;
  /** Give running jobs this long once maintenance is on; past it the worker goes back to service. */
  maxDrainMinutes?: number;
}

/** The worker count a policy aims for and the terms it was computed from. */
interface PolicyTarget {
  workers: number;
  /** Workers counted as capacity: in service plus starting. */
  current: number;
  detail: string;
}

export interface PolicyDecision extends Decision {
  policy: string;
  target?: PolicyTarget;
  drain?: DrainOptions;
  memory?: PolicyMemory;
}

export type Policy = (input: PolicyInput) => PolicyDecision;
