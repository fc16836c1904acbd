/**
 * Target tracking on queued jobs per in-service worker, as EC2 Auto Scaling
 * does it for a queue (backlog per instance): desired = ceil(in service ×
 * metric / target), scale out at once, scale in only after a cool-down and
 * only idle workers (scale-in protection for busy ones).
 */
import type { PolicyConfigOf } from './config';
import { fleetOf } from './fleet';
import { steerTo } from './steer';
import type { Policy } from './types';

export function targetTrackingPolicy(config: PolicyConfigOf<'target-tracking'>): Policy {
  return (input) => {
    const fleet = fleetOf(input);
    const serving = Math.max(1, fleet.inService.length);
    const metric = fleet.queuedJobs / serving;
    let desired = Math.ceil((serving * metric) / config.target_queued_per_worker);
    if (config.max_workers !== undefined) desired = Math.min(desired, config.max_workers);
    const since = input.lastBootAt ? (input.now.getTime() - Date.parse(input.lastBootAt)) / 1000 : Infinity;
    const cooling = since < config.scale_in_cooldown_seconds;
    return steerTo(
      input,
      fleet,
      { workers: desired, detail: `${fleet.queuedJobs} queued / ${serving} in service = ${metric.toFixed(2)} per worker, target ${config.target_queued_per_worker}` },
      'target-tracking',
      {
        drain: { allowBusy: false },
        ...(cooling ? { holdDrain: `scale-in cool-down: last scale-out ${Math.round(since)} s ago, cool-down ${config.scale_in_cooldown_seconds} s` } : {}),
      },
    );
  };
}
