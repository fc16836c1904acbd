/**
 * Target tracking as EC2 Auto Scaling does it, on the metric that fits
 * Opencast: job load per slot (running + queued job load over the slots of
 * the workers in service). Desired capacity = ceil(load / (target × slots)).
 * Scale out once the metric has been above the target for `scale_out_minutes`
 * (the high alarm: 3 datapoints), scale in once it has been below for
 * `scale_in_minutes` (the low alarm: 15 datapoints, so scale-in is slow).
 * Instances still warming up (not yet in service) do not count in the metric
 * but do count as capacity, so a scale-out is not repeated while they boot.
 * Scale-in drains busy workers too, as a lifecycle hook would wait for their
 * jobs (drain_busy). https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 */
import type { PolicyConfigOf } from './config';
import { fleetOf, round } from './fleet';
import { steerTo } from './steer';
import type { Policy, PolicyMemory } from './types';

export function targetTrackingPolicy(config: PolicyConfigOf<'target-tracking'>): Policy {
  return (input) => {
    const fleet = fleetOf(input, config.slots_per_worker);
    const now = input.now.getTime();
    const slots = fleet.typicalSlots;
    const load = fleet.runningLoad + fleet.queuedLoad;
    const servingSlots = fleet.inService.reduce((sum, w) => sum + fleet.slotsOf(w), 0);
    const metric = servingSlots > 0 ? load / servingSlots : load > 0 ? Number.POSITIVE_INFINITY : 0;
    const window = Math.max(config.scale_out_minutes, config.scale_in_minutes);
    const recent = samples(input.memory?.recent, now, window);
    // Infinity is not JSON: a metric over no slots is remembered as a large number.
    recent[new Date(now).toISOString()] = Number.isFinite(metric) ? Math.round(metric * 1000) / 1000 : 1e6;
    const memory: PolicyMemory = { recent };
    const held = (minutes: number, above: boolean) => heldFor(recent, now, minutes, (v) => (above ? v > config.target_utilisation : v < config.target_utilisation));
    let desired = Math.ceil(load / (config.target_utilisation * slots) - 1e-9);
    if (config.max_workers !== undefined) desired = Math.min(desired, config.max_workers);
    const current = fleet.inService.length + fleet.starting.length;
    const detail = `load ${round(load)} over ${round(servingSlots)} slots in service = ${metric === Number.POSITIVE_INFINITY ? '∞' : metric.toFixed(2)} per slot, target ${config.target_utilisation}`;
    const out = held(config.scale_out_minutes, true);
    const inn = held(config.scale_in_minutes, false);
    const workers = (out && desired > current) || (inn && desired < current) ? desired : current;
    const why = workers > current ? `above target for ${config.scale_out_minutes} min` : workers < current ? `below target for ${config.scale_in_minutes} min` : 'no alarm';
    return steerTo(input, fleet, { workers, detail: `${detail}; ${why}` }, 'target-tracking', {
      drain: { allowBusy: config.drain_busy },
      memory,
    });
  };
}

/** Remembered samples younger than `window` minutes. */
function samples(before: PolicyMemory[string] | undefined, now: number, window: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (before && typeof before === 'object') {
    for (const [at, v] of Object.entries(before)) {
      const age = now - Date.parse(at);
      if (typeof v === 'number' && age > 0 && age < window * 60_000) out[at] = v;
    }
  }
  return out;
}

/** Every sample of the last `minutes` holds, and they reach back at least minutes − 1 (the alarm's datapoints). */
function heldFor(recent: Record<string, number>, now: number, minutes: number, ok: (v: number) => boolean): boolean {
  let oldest = 0;
  for (const [at, v] of Object.entries(recent)) {
    const age = now - Date.parse(at);
    if (age >= minutes * 60_000) continue;
    if (!ok(v)) return false;
    oldest = Math.max(oldest, age);
  }
  return oldest >= (minutes - 1) * 60_000;
}
