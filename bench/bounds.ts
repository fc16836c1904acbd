/**
 * Zero-wait estimates from a trace, pure functions (no simulation). Not the
 * benchmark's bound: that is the deadline-aware LP (bench/lp-bound.ts).
 *
 * - fluid: total job load × run time inside the window ÷ slots per worker. It
 *   ignores packing, the floor, boot time and the minimum charge.
 * - "clairvoyant" (a heuristic, labelled so): the cheapest fleet that lets no
 *   job wait, per layer of the per-minute need (layer k runs while ≥ k workers
 *   are needed), each layer solved by a DP over which demand intervals share a
 *   run. It assumes zero wait, so a policy that lets jobs wait can bill less,
 *   and solving layers separately misses hand-overs between workers, so under
 *   hourly billing it can even exceed a feasible schedule: it bounds nothing
 *   at a service level. The benchmark uses `minutePeaks` / `neededWorkers`
 *   only to size the schedule family (bench/runs.ts).
 */
import { chargedSeconds } from '../core/billing';
import type { BillingMode } from '../core/types';
import type { Trace } from '../sim/model/traces';

const MIN = 60_000;

export interface LoadInterval {
  start: number;
  end: number;
  load: number;
}

/** Every job's run on an infinitely large cluster: each stage starts when the previous one has finished. */
export function unconstrainedSchedule(trace: Trace): LoadInterval[] {
  const out: LoadInterval[] = [];
  for (const rec of trace.recordings) {
    let t = rec.arrivalAt;
    for (const stage of rec.stages) {
      // A hold (a person in the editor) delays the stage; nothing runs meanwhile.
      t += stage.holdMs ?? 0;
      let longest = 0;
      for (const job of stage.jobs) {
        out.push({ start: t, end: t + job.durationMs, load: job.load });
        longest = Math.max(longest, job.durationMs);
      }
      t += longest;
    }
  }
  return out;
}

export interface Window {
  start: number;
  end: number;
}

/** Load × time of the jobs inside the window, in load-hours. */
function loadHoursIn(intervals: readonly LoadInterval[], window: Window): number {
  let sum = 0;
  for (const i of intervals) {
    const overlap = Math.min(i.end, window.end) - Math.max(i.start, window.start);
    if (overlap > 0) sum += i.load * overlap;
  }
  return sum / 3_600_000;
}

/** The fluid bound: load-hours ÷ slots per worker, in instance-hours. */
export function fluidBound(trace: Trace, window: Window, slotsPerWorker: number): number {
  return loadHoursIn(unconstrainedSchedule(trace), window) / slotsPerWorker;
}

/** Peak load of each minute of the window (index 0 = the window's first minute). */
export function minutePeaks(intervals: readonly LoadInterval[], window: Window): number[] {
  const minutes = Math.ceil((window.end - window.start) / MIN);
  const events: Array<[number, number]> = [];
  for (const i of intervals) {
    if (i.end <= window.start || i.start >= window.end) continue;
    events.push([Math.max(i.start, window.start), i.load], [Math.min(i.end, window.end), -i.load]);
  }
  // Ends before starts at the same instant: a job finishing as another starts does not overlap it.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const peaks = new Array<number>(minutes).fill(0);
  let load = 0;
  let e = 0;
  for (let m = 0; m < minutes; m++) {
    const from = window.start + m * MIN;
    const to = from + MIN;
    // What changes at the minute's first instant counts as the minute's own starting load.
    while (e < events.length && events[e]![0] <= from) load += events[e++]![1];
    let peak = load;
    while (e < events.length && events[e]![0] < to) {
      load += events[e++]![1];
      peak = Math.max(peak, load);
    }
    peaks[m] = Math.max(peak, 0);
  }
  return peaks;
}

export interface ClairvoyantOptions {
  window: Window;
  slotsPerWorker: number;
  billing: BillingMode;
  /** Workers always kept (MOSCALER_MIN_WORKERS). */
  minWorkers: number;
  /** Billed time from a start until the worker takes jobs (EC2 running → Opencast registered), ms. */
  bootBilledMs: number;
  /** Billed time from a stop until billing ends (shutdown), ms. */
  stopBilledMs: number;
  /** Since when each worker online at the window's start has been billed (epoch ms), oldest first. */
  initial: readonly number[];
}

export interface ClairvoyantResult {
  instanceHours: number;
  /** Workers needed each minute (the demand the fleet covers). */
  needed: number[];
  starts: number;
}

/** Workers needed per minute: the floor, or enough slots for the unconstrained load. */
export function neededWorkers(peaks: readonly number[], slotsPerWorker: number, minWorkers: number): number[] {
  return peaks.map((p) => Math.max(minWorkers, Math.ceil(p / slotsPerWorker - 1e-9)));
}

/** Demand intervals of layer k (minutes where at least k workers are needed), as [startMs, endMs). */
export function layerIntervals(needed: readonly number[], k: number, windowStart: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let open: number | undefined;
  needed.forEach((n, m) => {
    if (n >= k && open === undefined) open = m;
    if (n < k && open !== undefined) {
      out.push([windowStart + open * MIN, windowStart + m * MIN]);
      open = undefined;
    }
  });
  if (open !== undefined) out.push([windowStart + open * MIN, windowStart + needed.length * MIN]);
  return out;
}

/** Charged seconds inside the window of a run billed over [from, to): what was charged before the window is not counted. */
export function chargedInWindow(from: number, to: number, windowStart: number, mode: BillingMode): number {
  const total = chargedSeconds((to - from) / 1000, mode);
  return from < windowStart ? total - chargedSeconds((windowStart - from) / 1000, mode) : total;
}

export function clairvoyantBound(trace: Trace, o: ClairvoyantOptions): ClairvoyantResult {
  const peaks = minutePeaks(unconstrainedSchedule(trace), o.window);
  const needed = neededWorkers(peaks, o.slotsPerWorker, o.minWorkers);
  const layers = Math.max(0, ...needed);
  let seconds = 0;
  let starts = 0;
  for (let k = 1; k <= layers; k++) {
    const best = bestLayer(layerIntervals(needed, k, o.window.start), o.initial[k - 1], o);
    seconds += best.seconds;
    starts += best.starts;
  }
  // Initial workers above every layer are stopped at once.
  for (const since of o.initial.slice(layers)) {
    seconds += chargedInWindow(since, o.window.start + o.stopBilledMs, o.window.start, o.billing);
  }
  return { instanceHours: seconds / 3600, needed, starts };
}

/**
 * Cheapest runs covering one layer's intervals: dp[j] = cheapest cover of the
 * first j intervals; a run covers intervals i..j-1 and is billed from boot to
 * shutdown (an open run at the window's end is billed up to the end).
 */
function bestLayer(intervals: Array<[number, number]>, initialSince: number | undefined, o: ClairvoyantOptions): { seconds: number; starts: number } {
  const hasInitial = initialSince !== undefined;
  const n = intervals.length;
  const { start: ws, end: we } = o.window;
  const runCost = (i: number, j: number, initial: boolean): number => {
    const from = initial ? initialSince! : Math.max(ws, intervals[i]![0] - o.bootBilledMs);
    const end = intervals[j - 1]![1];
    const to = end >= we ? we : end + o.stopBilledMs;
    return chargedInWindow(from, to, ws, o.billing);
  };
  const dp: Array<{ seconds: number; starts: number }> = [{ seconds: 0, starts: 0 }];
  for (let j = 1; j <= n; j++) {
    let best = { seconds: Infinity, starts: 0 };
    for (let i = 0; i < j; i++) {
      const prev = dp[i]!;
      const seconds = prev.seconds + runCost(i, j, hasInitial && i === 0);
      if (seconds < best.seconds) best = { seconds, starts: prev.starts + (hasInitial && i === 0 ? 0 : 1) };
    }
    dp.push(best);
  }
  if (!hasInitial || n === 0) {
    const initialStop = hasInitial ? chargedInWindow(initialSince!, ws + o.stopBilledMs, ws, o.billing) : 0;
    return { seconds: dp[n]!.seconds + initialStop, starts: dp[n]!.starts };
  }
  // The initial worker may also be stopped at once and the layer served by fresh starts.
  const fresh = bestLayer(intervals, undefined, o);
  const stopNow = chargedInWindow(initialSince!, ws + o.stopBilledMs, ws, o.billing);
  return fresh.seconds + stopNow < dp[n]!.seconds ? { seconds: fresh.seconds + stopNow, starts: fresh.starts } : dp[n]!;
}

