/**
 * A flap: a worker started and stopped again within the hour. It bought a
 * boot, an Opencast registration and (under hourly billing) a whole hour for
 * little service. One definition for the simulator's summary, the benchmark's
 * churn and the live view, so their figures agree. Pure.
 */

/** A worker stopped within this long of its start is a flap. */
export const FLAP_WINDOW_MS = 60 * 60_000;

/** One run of a worker: from its start to its stop (absent while it runs), epoch ms. */
export interface WorkerRun {
  hostname: string;
  start: number;
  end?: number;
}

/**
 * A run begun at or after `since` (one already running when watching began is
 * not a start the scaler made here) and ended less than `windowMs` after it began.
 */
export function isFlap(run: WorkerRun, since: number, windowMs = FLAP_WINDOW_MS): boolean {
  return run.start >= since && run.end !== undefined && run.end - run.start < windowMs;
}

/** Workers that flapped, most flaps first, then by name. */
export function flapsByWorker(runs: readonly WorkerRun[], since: number, windowMs = FLAP_WINDOW_MS): Array<{ hostname: string; times: number }> {
  const counts = new Map<string, number>();
  for (const run of runs) if (isFlap(run, since, windowMs)) counts.set(run.hostname, (counts.get(run.hostname) ?? 0) + 1);
  return [...counts].map(([hostname, times]) => ({ hostname, times })).sort((a, b) => b.times - a.times || a.hostname.localeCompare(b.hostname, 'en', { numeric: true }));
}
