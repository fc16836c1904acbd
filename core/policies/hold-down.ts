/**
 * Scale-in that looks ahead and holds, priced by what a restart bills without
 * serving. A worker stopped now and needed again pays its boot and Opencast's
 * registration (`boot_minutes`) before it serves, under per-second billing;
 * under hourly billing a start opens a new paid hour. So:
 *
 * - the **break-even horizon**: a worker the projection needs again within
 *   the scale-out lead plus that cost is kept (keeping it idle until then
 *   costs no more than stopping and booting it again);
 * - the **hold-down**: a surplus nothing projects must last as long as a
 *   restart costs before a drain (ski rental: wait while waiting costs less
 *   than a restart; never worse than twice the best choice in hindsight);
 * - a worker is not drained before it has served for the hold-down after its
 *   boot (it was started for a need; its boot is paid);
 * - load the projection does not explain swings from one cycle to the next
 *   (a job runs early or late): scale-in plans for its highest value over the
 *   hold-down, so a drain follows only a drop that lasted.
 *
 * Pure: time is an argument; the state rides in the policy's memory.
 */
import type { BillingMode } from '../types';
import type { PolicyMemory } from './types';

const MIN = 60_000;
/** A billing hour: what a start bills at least under hourly billing. */
const HOUR_MINUTES = 60;

/** Minutes a restart bills without serving: its boot and registration (per-second), or a whole paid hour. */
export function breakEvenMinutes(billing: BillingMode, bootMinutes: number): number {
  return billing === 'hourly' ? HOUR_MINUTES : bootMinutes;
}

/** How long a surplus must last before a drain: a restart's unserved billing under per-second billing (its boot). */
export function holdDownMinutes(bootMinutes: number): number {
  return bootMinutes;
}

/** Values of the last `minutes` by ISO time, this cycle's included; older and future entries are dropped. */
export function recentValues(before: PolicyMemory[string] | undefined, value: number, now: Date, minutes: number): Record<string, number> {
  const out: Record<string, number> = {};
  const at = now.getTime();
  if (before && typeof before === 'object') {
    for (const [iso, v] of Object.entries(before)) {
      const age = at - Date.parse(iso);
      if (typeof v === 'number' && Number.isFinite(v) && age > 0 && age < minutes * MIN) out[iso] = v;
    }
  }
  out[now.toISOString()] = value;
  return out;
}

/** The highest remembered value (at least this cycle's). */
export function highestOf(values: Record<string, number>): number {
  return Math.max(...Object.values(values));
}

/** Since when the scale-in target has stayed below the fleet, and the highest target seen since. */
type Surplus = {
  since: string;
  most: number;
};

function surplusOf(value: PolicyMemory[string] | undefined): Surplus | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { since, most } = value;
  return typeof since === 'string' && !Number.isNaN(Date.parse(since)) && typeof most === 'number' ? { since, most } : undefined;
}

interface HoldVerdict {
  /** Remember for the next cycle (absent: no surplus). */
  surplus?: Surplus;
  /** Drain down to this many workers now (the highest target of the hold-down). */
  drainTo?: number;
  /** The surplus is known but has not lasted the hold-down: why nothing is drained. */
  holding?: string;
}

/**
 * The hold-down: `target` below `current` must have lasted `holdMinutes` (cycle after cycle, in memory)
 * before a drain, and then only down to the highest target seen meanwhile.
 */
export function holdScaleIn(previous: PolicyMemory[string] | undefined, now: Date, current: number, target: number, holdMinutes: number): HoldVerdict {
  if (target >= current) return {};
  const before = surplusOf(previous);
  const started = before && before.most < current && Date.parse(before.since) <= now.getTime() ? before : undefined;
  const surplus: Surplus = started ? { since: started.since, most: Math.max(started.most, target) } : { since: now.toISOString(), most: target };
  const lasted = (now.getTime() - Date.parse(surplus.since)) / MIN;
  if (lasted >= holdMinutes - 1e-9) return { surplus, drainTo: surplus.most };
  return {
    surplus,
    holding: `${current} worker(s), at most ${surplus.most} needed for ${lasted.toFixed(0)} min; drains once that has lasted ${holdMinutes} min (a restart's unserved boot)`,
  };
}
