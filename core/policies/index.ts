/**
 * `decidePolicy`: the autoscale config's `policy` picks who decides; absent (or
 * `original`) is the original's strategies-and-votes rules, so old configs
 * behave as before. Every policy is pure and returns a Decision whose chosen
 * workers the boot and drain workflows act on.
 */
import { headroomPolicy } from './headroom';
import { idleTimerPolicy } from './idle-timer';
import { originalPolicy } from './original';
import { scheduleAwarePolicy, scheduleWindowOf } from './schedule-aware';
import { schedulePolicy } from './schedule';
import { staticPeakPolicy } from './static-peak';
import { targetTrackingPolicy } from './target-tracking';
import type { PolicyConfig } from './config';
import { fleetOf, queueBeyondFreeSlots, type FleetInput } from './fleet';
import type { Policy, PolicyDecision, PolicyInput } from './types';

function policyFor(config: PolicyConfig | undefined): Policy {
  switch (config?.name) {
    case undefined:
    case 'original':
      return originalPolicy;
    case 'static-peak':
      return staticPeakPolicy(config);
    case 'schedule':
      return schedulePolicy(config);
    case 'target-tracking':
      return targetTrackingPolicy(config);
    case 'idle-timer':
      return idleTimerPolicy(config);
    case 'headroom':
      return headroomPolicy(config);
    case 'schedule-aware':
      return scheduleAwarePolicy(config);
  }
}

/** The schedule window the policy reads each cycle (observeSchedule), or undefined when it reads none. */
export function scheduleWindow(config: PolicyConfig | undefined): { backMinutes: number; aheadMinutes: number } | undefined {
  return config?.name === 'schedule-aware' ? scheduleWindowOf(config) : undefined;
}

/** Whether the policy reads strategy votes (so the cycle must fetch CloudWatch metrics). */
export function needsVotes(config: PolicyConfig | undefined): boolean {
  return config === undefined || config.name === 'original';
}

/**
 * Whether the policy may carry memory from cycle to cycle (so the plan step reads the last cycle's):
 * every policy but the original, whose only memory (the pause) is derived from the last boot.
 */
export function mayRemember(config: PolicyConfig | undefined): boolean {
  return config !== undefined && config.name !== 'original';
}

export function decidePolicy(input: PolicyInput): PolicyDecision {
  return policyFor(input.config.policy)(input);
}

/** Why a drain under way is given up: the rule that kept the worker, and what it saw. */
export interface KeepVerdict {
  rule: 'policy' | 'queue';
  detail: string;
}

/**
 * The one demand rule a drain in progress is held to (issue 23.1): the policy that chose the drain is asked
 * again, seeing the worker gone (draining), and the drain is given up only when it would now start a worker
 * (or would if one were stopped): keeping this one is then cheaper. Any queued job no longer does: a policy
 * that plans for a queue (utilisation above 1) drains while one exists.
 */
export function keepsWorker(input: PolicyInput, hostname: string): KeepVerdict | undefined {
  const d = decidePolicy({ ...input, scaleDown: { ...input.scaleDown, draining: withDrained(input, hostname) } });
  const wants = d.action === 'start' || d.outcome === 'NoStoppedWorker' || (d.target !== undefined && d.target.workers > d.target.current);
  return wants ? { rule: 'policy', detail: `the ${d.policy} policy would keep ${hostname}: ${d.reasons[0] ?? d.action}` } : undefined;
}

/** With no policy behind a drain (a manual `scale down`): kept only for a queue beyond the free slots of the workers left in service. */
export function queueKeeps(input: FleetInput, hostname: string): KeepVerdict | undefined {
  const beyond = queueBeyondFreeSlots(fleetOf({ ...input, scaleDown: { draining: withDrained(input, hostname) } }));
  return beyond === undefined ? undefined : { rule: 'queue', detail: beyond };
}

function withDrained(input: FleetInput, hostname: string): string[] {
  return [...new Set([...(input.scaleDown.draining ?? []), hostname])];
}

export type {  PolicyDecision, PolicyInput, PolicyMemory,  } from './types';
