/**
 * Fleets as workers per slot, and what bench/lp-replay.ts does with them: the
 * LP optimum's fleet (bench/lp-bound.ts: average workers serving per 5-minute
 * slot) as something a cluster can run (whole workers, asked for a boot time
 * ahead, as weekly periods of the schedule policy), a policy's own fleet from
 * its timeline, repairs where recordings came out late, and the trims
 * bench/fleet-prune.ts searches with. Pure.
 */
import { WEEKDAYS, type Period } from '../core/policies/config';

/** The LP's grid (bench/lp-bound.ts default), and the slot of every function here unless told another. */
export const SLOT_MS = 300_000;
const DAY_MS = 86_400_000;

/** Whole workers per slot, each slot's count wanted from `lead` slots before (a boot takes that long), never below `floor`. */
export function replayCounts(serving: readonly number[], lead: number, floor: number): number[] {
  // 1e-6: the solver's 2.0000001 workers is 2.
  const whole = serving.map((n) => Math.max(floor, Math.ceil(n - 1e-6)));
  return whole.map((_, t) => Math.max(...whole.slice(t, t + lead + 1)));
}

/** Per-slot counts from `start` as weekly UTC periods (a weekday and time seen twice, as the tail's Monday, takes the larger count). */
export function countsAsPeriods(counts: readonly number[], start: number, floor: number, slotMs = SLOT_MS): Period[] {
  const slotMinutes = slotMs / 60_000;
  const daySlots = DAY_MS / slotMs;
  const byWeekSlot = new Map<number, number>();
  counts.forEach((n, t) => {
    const at = new Date(start + t * slotMs);
    const key = at.getUTCDay() * daySlots + Math.floor((at.getUTCHours() * 60 + at.getUTCMinutes()) / slotMinutes);
    byWeekSlot.set(key, Math.max(n, byWeekSlot.get(key) ?? 0));
  });
  const hhmm = (slot: number) => `${String(Math.floor((slot * slotMinutes) / 60)).padStart(2, '0')}:${String((slot * slotMinutes) % 60).padStart(2, '0')}`;
  const periods: Period[] = [];
  for (const [key, workers] of [...byWeekSlot].sort((a, b) => a[0] - b[0])) {
    if (workers <= floor) continue;
    const day = WEEKDAYS[Math.floor(key / daySlots)]!;
    const slot = key % daySlots;
    const last = periods[periods.length - 1];
    if (last && last.days[0] === day && last.workers === workers && last.end === hhmm(slot)) last.end = hhmm(slot + 1);
    else periods.push({ days: [day], start: hhmm(slot), end: hhmm(slot + 1), workers });
  }
  return periods;
}

/**
 * One repair step: one more worker in every slot where a late recording was in the system (from a boot time
 * before its arrival to its deadline). Repeated until nothing is late, it turns the fluid optimum's fleet into
 * one the real dispatcher keeps the deadline with: an achievable, clairvoyant schedule (an upper estimate of the
 * optimum under Opencast's dispatch, where the LP is the lower bound).
 */
export function addWhereLate(counts: readonly number[], start: number, late: ReadonlyArray<{ arrivalAt: number }>, deadlineMs: number, leadMs: number, max: number, slotMs = SLOT_MS): number[] {
  const out = [...counts];
  const touched = new Set<number>();
  for (const r of late) {
    const [first, last] = servingSlots(r, start, deadlineMs, leadMs, slotMs);
    for (let t = Math.max(0, first); t <= Math.min(out.length - 1, last); t++) touched.add(t);
  }
  for (const t of touched) out[t] = Math.min(max, out[t]! + 1);
  return out;
}

/** A run of slots above the floor (inclusive slot indices): one busy stretch of the fleet. */
export interface Episode {
  from: number;
  to: number;
}

export function episodesOf(counts: readonly number[], floor: number): Episode[] {
  const out: Episode[] = [];
  counts.forEach((n, t) => {
    if (n <= floor) return;
    const last = out[out.length - 1];
    if (last && last.to === t - 1) last.to = t;
    else out.push({ from: t, to: t });
  });
  return out;
}

/** One way to take workers out of an episode: its peak layer down by one, or one worker fewer in its first / last `slots` slots. */
export type Trim = { kind: 'top' } | { kind: 'head' | 'tail'; slots: number };

/** `counts` with `trim` applied inside `episode` (never below the floor). Pure. */
export function trimmed(counts: readonly number[], floor: number, episode: Episode, trim: Trim): number[] {
  const out = [...counts];
  const lower = (t: number) => {
    out[t] = Math.max(floor, out[t]! - 1);
  };
  if (trim.kind === 'top') {
    let peak = floor;
    for (let t = episode.from; t <= episode.to; t++) peak = Math.max(peak, out[t]!);
    for (let t = episode.from; t <= episode.to; t++) if (out[t] === peak) lower(t);
  } else if (trim.kind === 'head') {
    for (let t = episode.from; t <= Math.min(episode.to, episode.from + trim.slots - 1); t++) lower(t);
  } else {
    for (let t = Math.max(episode.from, episode.to - trim.slots + 1); t <= episode.to; t++) lower(t);
  }
  return out;
}

/** Whether a late recording could have been served by the episode's workers: its slots from a boot time before arrival to its deadline meet the episode. */
export function touches(episode: Episode, start: number, recording: { arrivalAt: number }, deadlineMs: number, leadMs: number, slotMs = SLOT_MS): boolean {
  const [first, last] = servingSlots(recording, start, deadlineMs, leadMs, slotMs);
  return first <= episode.to && last >= episode.from;
}

/** The slots in which a worker could have served a recording: from a boot time before its arrival to its deadline (unclamped). */
function servingSlots(recording: { arrivalAt: number }, start: number, deadlineMs: number, leadMs: number, slotMs: number): [number, number] {
  return [Math.floor((recording.arrivalAt - leadMs - start) / slotMs), Math.floor((recording.arrivalAt + deadlineMs - start) / slotMs)];
}

/**
 * Workers a run wanted in each slot (in service or starting; draining ones not, since a schedule that asks for
 * fewer drains them itself), from its per-minute timeline, carried over slots without a sample, never below
 * the floor: a policy's fleet as counts to replay.
 */
export function wantedCounts(
  timeline: ReadonlyArray<{ at: number; inServiceWorkers: number; pendingWorkers: number }>,
  start: number,
  slots: number,
  floor: number,
  slotMs = SLOT_MS,
): number[] {
  const out: Array<number | undefined> = Array.from({ length: slots }, () => undefined);
  for (const sample of timeline) {
    const t = Math.floor((sample.at - start) / slotMs);
    if (t < 0 || t >= slots) continue;
    out[t] = Math.max(out[t] ?? 0, sample.inServiceWorkers + sample.pendingWorkers);
  }
  let last = floor;
  return out.map((n) => {
    if (n !== undefined) last = n;
    return Math.max(floor, last);
  });
}
