/**
 * Churn as the live view shows it: flaps (core/flaps.ts, the simulator's and
 * the benchmark's definition), read from the lifecycle moves boots and drains
 * recorded, and how drains ended. Pure.
 */
import { FLAP_WINDOW_MS, flapsByWorker, isFlap, type WorkerRun } from '../core/flaps';
import type { ExecutionFact } from './execution-facts';

export interface LiveChurn {
  /** Flaps since the first execution read. */
  flaps: number;
  /** Of those, flaps whose stop was within the last hour: the scaler is flapping now. */
  flapsLastHour: number;
  /** Workers that flapped, most first. */
  byWorker: Array<{ hostname: string; times: number }>;
  windowMs: number;
  /** Drains that got past their checks (not `Skipped*`), and how many ended back in service or abandoned. */
  drains: number;
  backInService: number;
  abandoned: number;
}

/** Each worker's runs: a move into `booting` begins one, the next move into `offline` ends it. */
function runsOf(facts: readonly ExecutionFact[]): WorkerRun[] {
  const moves = new Map<string, Array<{ at: number; start: boolean }>>();
  for (const f of facts) {
    if (!f.hostname) continue;
    const mine = moves.get(f.hostname) ?? [];
    for (const at of f.runStarts) mine.push({ at: Date.parse(at), start: true });
    for (const at of f.runEnds) mine.push({ at: Date.parse(at), start: false });
    moves.set(f.hostname, mine);
  }
  const runs: WorkerRun[] = [];
  for (const [hostname, mine] of moves) {
    let open: WorkerRun | undefined;
    for (const m of mine.sort((a, b) => a.at - b.at || Number(b.start) - Number(a.start))) {
      if (m.start) {
        if (!open) runs.push((open = { hostname, start: m.at }));
      } else if (open) {
        open.end = m.at;
        open = undefined;
      }
    }
  }
  return runs;
}

export function liveChurn(facts: readonly ExecutionFact[], now: string): LiveChurn {
  const runs = runsOf(facts);
  const hourAgo = Date.parse(now) - FLAP_WINDOW_MS;
  const byWorker = flapsByWorker(runs, 0);
  const drains = facts.filter((f) => f.workflow === 'drain-worker' && f.status !== 'RUNNING' && !(f.endState ?? '').startsWith('Skipped'));
  return {
    flaps: byWorker.reduce((n, w) => n + w.times, 0),
    flapsLastHour: runs.filter((r) => isFlap(r, 0) && r.end! > hourAgo).length,
    byWorker,
    windowMs: FLAP_WINDOW_MS,
    drains: drains.length,
    backInService: drains.filter((f) => f.endState === 'BackInService').length,
    abandoned: drains.filter((f) => f.endState === 'Abandoned' || f.status !== 'SUCCEEDED').length,
  };
}
