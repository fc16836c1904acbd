/**
 * The deadline-aware bounds a bench run compares with: per week and scoring
 * seed, the LP optimum (bench/lp-bound.ts) at the 2-hour deadline and at each
 * scored policy's own worst turnaround on that seed (the same service level:
 * every recording within it). Cached like runs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TIMINGS } from '../sim/model/cluster-types';
import { scenarioTrace } from '../sim/model/create';
import { deadlineBound, type DeadlineBoundInput } from './lp-bound';
import { scenarioOf, TAIL_MS, WEEK_MS, type WeekId } from './matrix';
import { familyOf } from './policies';
import { NEW_DEFAULT, type BenchData, type BoundRow } from './report';
import { CACHE_DIR, sourceVersion, type RunResult } from './runs';


const BOUND_DEADLINES_FOR = new Set(['original-2min', 'schedule-aware', 'headroom']);

export async function deadlineBounds(data: BenchData, scoring: readonly RunResult[]): Promise<BoundRow[]> {
  const rows: BoundRow[] = [];
  for (const week of data.weeks) {
    const seeds = [...new Set(scoring.filter((r) => r.spec.week === week).map((r) => r.spec.seed))];
    for (const seed of seeds) {
      const wanted: Array<[string, number]> = [['deadline', 120]];
      for (const r of scoring.filter((x) => x.spec.week === week && x.spec.seed === seed && BOUND_DEADLINES_FOR.has(x.spec.family))) {
        const picked = data.picks.some((p) => p.week === week && p.family === r.spec.family && p.value === r.spec.value);
        const shippedDefault = r.spec.family === NEW_DEFAULT && r.spec.value === familyOf(NEW_DEFAULT).shipped;
        if (picked || shippedDefault || r.spec.family === 'original-2min') wanted.push([`${r.spec.family}=${r.spec.value}`, Math.ceil(r.outcome.turnaround.max)]);
      }
      for (const [who, minutes] of wanted) {
        const row = { ...(await boundFor(week, seed, minutes)), for: who };
        const run = scoring.find((r) => r.spec.week === week && r.spec.seed === seed && `${r.spec.family}=${r.spec.value}` === who);
        // A lower bound a run beats is a wrong bound: stop before a report quotes it.
        if (run && run.outcome.billed['per-second'] < row.instanceHours - 1e-6) {
          throw new Error(`${week} seed ${seed}: ${who} billed ${run.outcome.billed['per-second'].toFixed(3)} h, below the LP bound at its own worst turnaround (${row.instanceHours.toFixed(3)} h): the bound is wrong`);
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

async function boundFor(week: WeekId, seed: number, deadlineMinutes: number): Promise<Omit<BoundRow, 'for'>> {
  const key = createHash('sha256').update(`${sourceVersion()}:bound:${week}:${seed}:${deadlineMinutes}`).digest('hex').slice(0, 24);
  const file = join(CACHE_DIR, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Omit<BoundRow, 'for'>;
  } catch {
    // not cached
  }
  const b = await deadlineBound(boundInput(week, seed, deadlineMinutes));
  const row = { week, seed, deadlineMinutes, instanceHours: b.instanceHours, aboveFloor: b.aboveFloor, status: b.status, solveSeconds: b.solveSeconds };
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(row));
  return row;
}

/** The LP's input for a week, seed and deadline: the scenario's trace, fleet, floor and billed boot and stop times. */
export function boundInput(week: WeekId, seed: number, deadlineMinutes: number): DeadlineBoundInput {
  const scenario = scenarioOf({ week, seed, billing: 'per-second' });
  const start = Date.parse(scenario.start);
  const t = { ...DEFAULT_TIMINGS, ...scenario.timings };
  const workers = scenario.workers.flatMap((w) => Array.from({ length: w.count ?? 1 }, () => w));
  return {
    trace: scenarioTrace(scenario),
    start,
    end: start + WEEK_MS + TAIL_MS,
    slotsPerWorker: workers[0]!.maxLoad ?? (workers[0]!.instanceType === 'c5.xlarge' ? 4 : 36),
    minWorkers: scenario.minWorkers,
    initialOnline: workers.filter((w) => w.state === 'online').length,
    availableWorkers: workers.length,
    deadlineMs: deadlineMinutes * 60_000,
    // Billed from EC2 running until Opencast registers it (boot, setup, registration: no job before); a stop
    // bills its shutdown. (sim/model/cluster.ts: ec2Launch → enterBooting → enterSetup → enterOnline → register.)
    pendingBilledMs: t.pendingMs - t.ec2PendingMs + t.bootingMs + t.setupMs + t.registerMs,
    stopBilledMs: t.shutdownMs,
  };
}
