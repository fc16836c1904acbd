/**
 * The LP optimum's fleet (bench/lp-bound.ts: average workers serving per
 * 5-minute slot) as something a cluster can run: whole workers, asked for a
 * boot time ahead, as weekly periods of the schedule policy. Pure.
 */
import { WEEKDAYS, type Period } from '../core/policies/config';

/** The LP's grid (bench/lp-bound.ts default). */
export const SLOT_MS = 300_000;
const DAY_SLOTS = 288;

/** Whole workers per slot, each slot's count wanted from `lead` slots before (a boot takes that long), never below `floor`. */
export function replayCounts(serving: readonly number[], lead: number, floor: number): number[] {
  // 1e-6: the solver's 2.0000001 workers is 2.
  const whole = serving.map((n) => Math.max(floor, Math.ceil(n - 1e-6)));
  return whole.map((_, t) => Math.max(...whole.slice(t, t + lead + 1)));
}

/** Per-slot counts from `start` as weekly UTC periods (a weekday and time seen twice, as the tail's Monday, takes the larger count). */
export function countsAsPeriods(counts: readonly number[], start: number, floor: number): Period[] {
  const byWeekSlot = new Map<number, number>();
  counts.forEach((n, t) => {
    const at = new Date(start + t * SLOT_MS);
    const key = at.getUTCDay() * DAY_SLOTS + Math.floor((at.getUTCHours() * 60 + at.getUTCMinutes()) / 5);
    byWeekSlot.set(key, Math.max(n, byWeekSlot.get(key) ?? 0));
  });
  const hhmm = (slot: number) => `${String(Math.floor((slot * 5) / 60)).padStart(2, '0')}:${String((slot * 5) % 60).padStart(2, '0')}`;
  const periods: Period[] = [];
  for (const [key, workers] of [...byWeekSlot].sort((a, b) => a[0] - b[0])) {
    if (workers <= floor) continue;
    const day = WEEKDAYS[Math.floor(key / DAY_SLOTS)]!;
    const slot = key % DAY_SLOTS;
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
export function addWhereLate(counts: readonly number[], start: number, late: ReadonlyArray<{ arrivalAt: number }>, deadlineMs: number, leadMs: number, max: number): number[] {
  const out = [...counts];
  const touched = new Set<number>();
  for (const r of late) {
    const first = Math.max(0, Math.floor((r.arrivalAt - leadMs - start) / SLOT_MS));
    const last = Math.min(out.length - 1, Math.floor((r.arrivalAt + deadlineMs - start) / SLOT_MS));
    for (let t = first; t <= last; t++) touched.add(t);
  }
  for (const t of touched) out[t] = Math.min(max, out[t]! + 1);
  return out;
}
