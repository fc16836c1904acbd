/**
 * `headroom`, the proposed default. Size the fleet on job load per slot: the
 * running + queued load against Opencast's max load per worker, plus a reserve
 * of free slots for what arrives during a boot: a spare worker's worth (never
 * more than the load itself), or the load's growth over the last minutes
 * projected over a boot when that is more. Start the whole shortfall at once.
 * Drain when the load falls below the scale-in utilisation (hysteresis), busy
 * workers included (maintenance lets their jobs finish, the least loaded go
 * first), and under hourly billing only workers about to begin a new paid hour,
 * the closest first. Optional: a flapping guard, time-of-day floors that
 * pre-warm before known peaks. Measured in bench/README.md.
 */
import type { PolicyConfigOf } from './config';
import { byHourBoundary, byLeastLoad, fleetOf, round } from './fleet';
import { steerTo } from './steer';
import type { Policy, PolicyMemory } from './types';
import { periodWorkersAhead } from './week-time';

/** A boot takes about 6 minutes to serve: floors are applied this far ahead. */
const BOOT_LEAD_MINUTES = 10;

export function headroomPolicy(config: PolicyConfigOf<'headroom'>): Policy {
  return (input) => {
    const fleet = fleetOf(input, config.slots_per_worker);
    const slots = fleet.typicalSlots;
    const now = input.now.getTime();
    const hourly = input.scaleDown.billing === 'hourly';
    const load = fleet.runningLoad + fleet.queuedLoad;
    const recent = remember(input.memory?.recent, load, now, config.trend_window_minutes);
    const growth = slope(recent, now, load);
    const horizon = hourly ? config.hourly_predict_minutes : config.predict_minutes;
    const growthSlots = Math.max(0, growth) * horizon;
    // A small load needs no whole spare worker: the reserve never exceeds the load itself.
    const spareSlots = (hourly ? config.hourly_spare_workers : config.spare_workers) * slots;
    const reserve = Math.max(Math.min(spareSlots, load), growthSlots);
    const floor = periodWorkersAhead(config.floors, input.now, config.time_zone, BOOT_LEAD_MINUTES) ?? 0;
    const sized = (utilisation: number) => Math.max(Math.ceil((load / utilisation + reserve) / slots - 1e-9), floor);
    const serving = fleet.inService.length + fleet.starting.length;
    const terms = (u: number) =>
      `load ${round(fleet.runningLoad)} running + ${round(fleet.queuedLoad)} queued at ${u} utilisation of ${slots}-slot workers, ` +
      `+ ${round(reserve)} free slots (${growthSlots > Math.min(spareSlots, load) ? `growth ${round(growth)}/min over ${horizon} min` : 'spare'})` +
      (floor > 0 ? `, time-of-day floor ${floor}` : '');

    const memory: PolicyMemory = { recent };
    const up = sized(config.target_utilisation);
    if (up >= serving) {
      return steerTo(input, fleet, { workers: up, detail: terms(config.target_utilisation) }, 'headroom', {
        drain: { allowBusy: false },
        maxStart: config.max_start_per_cycle,
        memory,
      });
    }
    const down = sized(config.scale_in_utilisation);
    if (down >= serving) {
      const detail = `within the hysteresis band ${up}..${down}: ${terms(config.scale_in_utilisation)}`;
      return steerTo(input, fleet, { workers: serving, detail }, 'headroom', { drain: { allowBusy: false }, memory });
    }
    // Optional flapping guard: the surplus must have lasted this long (its clock restarts after a cold start).
    const since = typeof input.memory?.surplusSince === 'string' ? input.memory.surplusSince : input.now.toISOString();
    const lasted = (now - Date.parse(since)) / 60_000;
    return steerTo(input, fleet, { workers: down, detail: terms(config.scale_in_utilisation) }, 'headroom', {
      memory: { ...memory, surplusSince: since },
      drain: {
        allowBusy: config.drain_busy,
        ...(hourly ? { hourlyLeadMinutes: config.hourly_drain_lead_minutes } : {}),
        rank: hourly && config.hourly_drain_order === 'hour-boundary' ? byHourBoundary(fleet) : byLeastLoad(fleet),
      },
      // The policy times drains itself: the workflow's own window (minute 50) comes too late for a busy worker.
      drainOptions: { respectBillingWindow: false, ...(hourly ? { maxDrainMinutes: config.hourly_drain_lead_minutes } : {}) },
      ...(lasted < config.scale_in_after_minutes
        ? { holdDrain: `surplus for ${lasted.toFixed(1)} min, drains after ${config.scale_in_after_minutes} min` }
        : {}),
    });
  };
}

/** Values of the last `window` minutes by ISO time, this cycle's included; older entries are dropped. */
function remember(before: PolicyMemory[string] | undefined, value: number, now: number, window: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (before && typeof before === 'object') {
    for (const [at, v] of Object.entries(before)) {
      const age = now - Date.parse(at);
      if (typeof v === 'number' && age > 0 && age <= window * 60_000) out[at] = v;
    }
  }
  out[new Date(now).toISOString()] = value;
  return out;
}

/** Growth per minute from the oldest remembered load to now; 0 with under 2 minutes of history (a cold start). */
function slope(recent: Record<string, number>, now: number, load: number): number {
  const oldest = Object.keys(recent).sort()[0];
  if (!oldest) return 0;
  const minutes = (now - Date.parse(oldest)) / 60_000;
  return minutes >= 2 ? (load - recent[oldest]!) / minutes : 0;
}
