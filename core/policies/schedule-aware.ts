/**
 * `schedule-aware`: plan capacity from what Opencast's scheduler says is
 * coming. Each scheduled capture arrives about `ingest_lag_minutes` after its
 * scheduled end; its load over time is projected from its length (stage by
 * stage, recording-load.ts). The projected load of the captures in progress
 * and to come, plus what the cluster runs now that no capture explains
 * (uploads, late or unknown recordings), is the demand; workers are started
 * one boot time before it lands and drained when no projected load needs them
 * within the break-even horizon, once that has lasted the hold-down
 * (hold-down.ts; busy ones included: maintenance lets their jobs finish). `utilisation` > 1
 * plans for less than the scheduled peak: the queue absorbs it inside the
 * recordings' slack to their deadline. Unscheduled load is always planned for
 * in full: its slack is unknown. Without a schedule (Opencast before 6.0, the
 * External API off or failing) the headroom policy decides.
 *
 * Memory (JSON): the first time each event was seen ingested, so its
 * projection starts at its real arrival; lost after a cold start without a
 * restored memory, it falls back to scheduled end + lag. Also the unscheduled
 * load of the last minutes and since when a surplus lasts (hold-down.ts);
 * while the headroom fallback decides, the arrivals are kept beside its memory.
 */
import type { ScheduledEvent } from '../types';
import type { PolicyConfigOf } from './config';
import { policyConfigSchema } from './config';
import { byLeastLoad, fleetOf, round } from './fleet';
import { headroomPolicy } from './headroom';
import { loadAt, loadProfile, type LoadSegment } from './recording-load';
import { breakEvenMinutes, highestOf, holdDownMinutes, holdScaleIn, recentValues } from './hold-down';
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

/** A capture not ingested this long past its expected arrival is no longer expected: one more ingest lag, at least one cycle. */
function overdueMinutes(config: PolicyConfigOf<'schedule-aware'>): number {
  return Math.max(1, config.ingest_lag_minutes);
}

/** The schedule window a cycle reads for this policy (scaler/observe.ts observeSchedule). */
export function scheduleWindowOf(config: PolicyConfigOf<'schedule-aware'>): { backMinutes: number; aheadMinutes: number } {
  return { backMinutes: config.lookback_minutes, aheadMinutes: config.lookahead_minutes };
}

export function scheduleAwarePolicy(config: PolicyConfigOf<'schedule-aware'>): Policy {
  const fallback = headroomPolicy(policyConfigSchema.parse({ name: 'headroom', spare_workers: config.fallback_spare_workers, ...(config.slots_per_worker ? { slots_per_worker: config.slots_per_worker } : {}) }) as PolicyConfigOf<'headroom'>);
  return (input) => {
    const schedule = input.schedule;
    const now = input.now.getTime();
    if (!schedule?.up) {
      const why = schedule ? `no schedule (${schedule.error})` : 'no schedule read';
      const d = fallback(input);
      // Keep both memories: one failed read must not lose every recording's real arrival.
      const memory: PolicyMemory = { ...(d.memory ?? {}), ingestedAt: keptArrivals(input.memory?.ingestedAt, now - config.lookback_minutes * MIN) };
      return { ...d, memory, policy: 'schedule-aware', reasons: [`${why}: the headroom fallback decides`, ...d.reasons] } satisfies PolicyDecision;
    }
    const fleet = fleetOf(input, config.slots_per_worker);
    const slots = fleet.typicalSlots;
    const seenBefore = (input.memory?.ingestedAt ?? {}) as Record<string, unknown>;
    const ingestedAt: Record<string, number> = {};
    const projected: Projected[] = [];
    let expired = 0;
    for (const e of schedule.events) {
      const p = project(e, now, config, seenBefore, ingestedAt);
      if (p === 'expired') expired += 1;
      else if (p) projected.push(p);
    }
    const planned = (t: number) => projected.reduce((sum, p) => sum + loadAt(p.profile, t - p.arrival), 0);
    const load = fleet.runningLoad + fleet.queuedLoad;
    const hold = holdDownMinutes(config.boot_minutes);
    // What runs now that no capture explains: uploads, recordings held up in the queue, events the schedule lacks.
    // One observation swings whenever a job runs early or late: scale-out plans for it as it is now (waiting
    // for a mean delayed starts and cost p95 turnaround, docs/benchmark.md), scale-in for its highest value
    // over the hold-down, so one low reading drains nothing.
    const unexplained = Math.max(0, load - planned(now));
    const unscheduled = recentValues(input.memory?.unscheduled, unexplained, input.now, hold);
    const unexplainedMost = highestOf(unscheduled);
    const lead = (config.boot_minutes + config.lead_minutes) * MIN;
    const horizon = lead + breakEvenMinutes(input.scaleDown.billing, config.boot_minutes) * MIN;
    // Scheduled load is planned for at `utilisation` per slot (its slack to the deadline absorbs the queue);
    // unexplained load at one per slot: nothing tells how much slack an upload has (a 3-hour one has almost none).
    let peak = load;
    let peakAt = now;
    let needOut = (load - unexplained) / config.utilisation + unexplained;
    let needIn = needOut;
    for (let t = now; t <= now + horizon; t += MIN) {
      const scheduled = planned(t);
      if (t <= now + lead) {
        if (scheduled + unexplained > peak) {
          peak = scheduled + unexplained;
          peakAt = t;
        }
        needOut = Math.max(needOut, scheduled / config.utilisation + unexplained);
      }
      needIn = Math.max(needIn, scheduled / config.utilisation + unexplainedMost);
    }
    const workers = Math.ceil(needOut / slots - 1e-9);
    const keep = Math.max(workers, Math.ceil(needIn / slots - 1e-9), input.scaleDown.minWorkers);
    const coming = projected.filter((p) => !p.ingested && p.arrival <= now + lead).length;
    const detail =
      `load ${round(load)} now (${round(unexplained)} of it unscheduled, at most ${round(unexplainedMost)} over ${Object.keys(unscheduled).length} cycle(s)), projected peak ${round(peak)} in ${Math.round((peakAt - now) / MIN)} min ` +
      `from ${projected.length} scheduled recording(s) (${coming} arriving within ${Math.round(lead / MIN)} min${expired ? `; ${expired} overdue capture(s) no longer expected` : ''}); scheduled load at ${config.utilisation} per slot, unscheduled at 1, of ${slots}-slot workers`;
    const current = fleet.inService.length + fleet.starting.length;
    const verdict = workers > current ? {} : holdScaleIn(input.memory?.surplus, input.now, current, keep, hold);
    const memory: PolicyMemory = { ingestedAt, unscheduled, ...(verdict.surplus ? { surplus: verdict.surplus } : {}) };
    const target =
      workers > current
        ? { workers, detail }
        : { workers: verdict.drainTo ?? Math.min(current, keep), detail: `${detail}; kept: ${keep} needed within ${Math.round(horizon / MIN)} min (the boot lead and a restart's cost)` };
    const servedMs = (config.boot_minutes + hold) * MIN;
    const decision = steerTo(input, fleet, target, 'schedule-aware', {
      drain: {
        allowBusy: config.drain_busy,
        rank: byLeastLoad(fleet),
        // Started for a need, its boot paid: it serves the hold-down before it may go.
        refuse: (w) =>
          w.uptimeSeconds * 1000 < servedMs
            ? { reason: 'BelowBillingWindow', detail: `up ${Math.floor(w.uptimeSeconds / 60)} min: a started worker serves ${hold} min after its ${config.boot_minutes}-minute boot before a drain` }
            : undefined,
      },
      drainOptions: { respectBillingWindow: input.scaleDown.billing === 'hourly' },
      maxStart: config.max_start_per_cycle,
      memory,
      ...(verdict.holding ? { holdDrain: verdict.holding } : {}),
    });
    // A worker being drained that the look-ahead needs back is worth keeping (core/policies keepsWorker gives the
    // drain up): say so in the target, though nothing is started before the scale-out lead.
    return workers <= current && keep > current && decision.target ? { ...decision, target: { ...decision.target, workers: keep } } : decision;
  };
}

/** Remembered arrivals still inside the schedule window (older ones can no longer be read back). */
function keptArrivals(before: PolicyMemory[string] | undefined, oldest: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (before && typeof before === 'object') for (const [id, at] of Object.entries(before)) if (typeof at === 'number' && at >= oldest) out[id] = at;
  return out;
}

/**
 * One event as projected load; undefined when it is done (or will not come); `expired` when a capture
 * not ingested is overdue by another ingest lag past its expected arrival (a capture agent that never
 * uploads would otherwise be projected as arriving now until it leaves the schedule window). If it
 * does come later, its jobs count as unscheduled load, then it is projected again once seen ingested.
 */
function project(
  e: ScheduledEvent,
  now: number,
  config: PolicyConfigOf<'schedule-aware'>,
  seenBefore: Record<string, unknown>,
  ingestedAt: Record<string, number>,
): Projected | 'expired' | undefined {
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
    if (now > expected + overdueMinutes(config) * MIN) return 'expired';
    // Not ingested yet: it cannot arrive before now.
    arrival = Math.max(now, expected);
  }
  if (arrival + duration <= now) return undefined;
  return { id: e.id, arrival, profile, ingested };
}
