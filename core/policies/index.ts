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

export type {  PolicyDecision, PolicyInput, PolicyMemory,  } from './types';
