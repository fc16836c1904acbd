/**
 * `schedule-aware`: plan capacity from what Opencast's scheduler says is
 * coming. Each scheduled capture arrives about `ingest_lag_minutes` after its
 * scheduled end; its load over time is projected from its length (stage by
 * stage, recording-load.ts). The projected load of the captures in progress
 * and to come, plus what the cluster runs now that no capture explains
 * (uploads, late or unknown recordings), is the demand; workers are started
 * one boot time before it lands and drained when no projected load needs them
 * (busy ones included: maintenance lets their jobs finish). `utilisation` > 1
 * plans for less than the scheduled peak: the queue absorbs it inside the
 * recordings' slack to their deadline. Unscheduled load is always planned for
 * in full: its slack is unknown. Without a schedule (Opencast before 6.0, the
 * External API off or failing) the headroom policy decides.
 *
 * Memory (JSON): the first time each event was seen ingested, so its
 * projection starts at its real arrival; lost after a cold start without a
 * restored memory, it falls back to scheduled end + lag.
 */
import type { ScheduledEvent } from '../types';
import type { PolicyConfigOf } from './config';
import { policyConfigSchema } from './config';
import { byLeastLoad, fleetOf, round } from './fleet';
import { headroomPolicy } from './headroom';
import { loadAt, loadProfile, type LoadSegment } from './recording-load';
import { steerTo } from './steer';
import type { Policy, PolicyDecision, PolicyMemory } from './types';

const MIN = 60_000;
const DONE = new Set(['EVENTS.EVENTS.STATUS.PROCESSED', 'EVENTS.EVENTS.STATUS.PROCESSING_FAILURE', 'EVENTS.EVENTS.STATUS.PROCESSING_CANCELLED', 'EVENTS.EVENTS.STATUS.RECORDING_FAILURE']);
const INGESTED = new Set(['EVENTS.EVENTS.STATUS.PROCESSING', 'EVENTS.EVENTS.STATUS.PAUSED', 'EVENTS.EVENTS.STATUS.PENDING']);

interface Projected {
  id: string;
  arrival: number;
  profile: LoadSegment[];
  ingested: boolean;
}

/** The schedule window a cycle reads for this policy (scaler/observe.ts observeSchedule). */
export function scheduleWindowOf(config: PolicyConfigOf<'schedule-aware'>): { backMinutes: number; aheadMinutes: number } {
  return { backMinutes: config.lookback_minutes, aheadMinutes: config.lookahead_minutes };
}

export function scheduleAwarePolicy(config: PolicyConfigOf<'schedule-aware'>): Policy {
  const fallback = headroomPolicy(policyConfigSchema.parse({ name: 'headroom', spare_workers: config.fallback_spare_workers, ...(config.slots_per_worker ? { slots_per_worker: config.slots_per_worker } : {}) }) as PolicyConfigOf<'headroom'>);
  return (input) => {
    const schedule = input.schedule;
    if (!schedule?.up) {
      const why = schedule ? `no schedule (${schedule.error})` : 'no schedule read';
      const d = fallback(input);
      return { ...d, policy: 'schedule-aware', reasons: [`${why}: the headroom fallback decides`, ...d.reasons] } satisfies PolicyDecision;
    }
    const fleet = fleetOf(input, config.slots_per_worker);
    const slots = fleet.typicalSlots;
    const now = input.now.getTime();
    const seenBefore = (input.memory?.ingestedAt ?? {}) as Record<string, unknown>;
    const ingestedAt: Record<string, number> = {};
    const projected: Projected[] = [];
    for (const e of schedule.events) {
      const p = project(e, now, config, seenBefore, ingestedAt);
      if (p) projected.push(p);
    }
    const planned = (t: number) => projected.reduce((sum, p) => sum + loadAt(p.profile, t - p.arrival), 0);
    const load = fleet.runningLoad + fleet.queuedLoad;
    // What runs now that no capture explains: uploads, recordings held up in the queue, events the schedule lacks.
    const unexplained = Math.max(0, load - planned(now));
    const lead = (config.boot_minutes + config.lead_minutes) * MIN;
    // Scheduled load is planned for at `utilisation` per slot (its slack to the deadline absorbs the queue);
    // unexplained load at one per slot: nothing tells how much slack an upload has (a 3-hour one has almost none).
    const slotsFor = (scheduled: number) => scheduled / config.utilisation + unexplained;
    let peak = load;
    let peakAt = now;
    let need = slotsFor(load - unexplained);
    for (let t = now; t <= now + lead; t += MIN) {
      const scheduled = planned(t);
      if (scheduled + unexplained > peak) {
        peak = scheduled + unexplained;
        peakAt = t;
      }
      need = Math.max(need, slotsFor(scheduled));
    }
    const workers = Math.ceil(need / slots - 1e-9);
    const coming = projected.filter((p) => !p.ingested && p.arrival <= now + lead).length;
    const detail =
      `load ${round(load)} now (${round(unexplained)} of it unscheduled), projected peak ${round(peak)} in ${Math.round((peakAt - now) / MIN)} min ` +
      `from ${projected.length} scheduled recording(s) (${coming} arriving within ${Math.round(lead / MIN)} min); scheduled load at ${config.utilisation} per slot, unscheduled at 1, of ${slots}-slot workers`;
    const memory: PolicyMemory = { ingestedAt };
    return steerTo(input, fleet, { workers, detail }, 'schedule-aware', {
      drain: { allowBusy: config.drain_busy, rank: byLeastLoad(fleet) },
      drainOptions: { respectBillingWindow: input.scaleDown.billing === 'hourly' },
      maxStart: config.max_start_per_cycle,
      memory,
    });
  };
}

/** One event as projected load, or undefined when it is done (or will not come). */
function project(
  e: ScheduledEvent,
  now: number,
  config: PolicyConfigOf<'schedule-aware'>,
  seenBefore: Record<string, unknown>,
  ingestedAt: Record<string, number>,
): Projected | undefined {
  if (e.status && DONE.has(e.status)) return undefined;
  const start = Date.parse(e.start);
  const end = Date.parse(e.end);
  if (!(end > start)) return undefined;
  const expected = end + config.ingest_lag_minutes * MIN;
  const profile = loadProfile(end - start, config.load_scale, config.pace);
  const duration = profile[profile.length - 1]!.to;
  const ingested = e.status !== undefined ? INGESTED.has(e.status) : expected <= now;
  let arrival: number;
  if (ingested) {
    const remembered = seenBefore[e.id];
    arrival = typeof remembered === 'number' ? remembered : Math.min(now, expected);
    ingestedAt[e.id] = arrival;
  } else {
    // Not ingested yet: it cannot arrive before now.
    arrival = Math.max(now, expected);
  }
  if (arrival + duration <= now) return undefined;
  return { id: e.id, arrival, profile, ingested };
}
