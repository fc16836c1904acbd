/**
 * One benchmark run as data: which week, seed, variant, billing, policy and
 * setting, at which cadence and Lambda lifecycle; and what it gave. Runs are
 * deterministic, so a result is cached on disk under a hash of its spec and
 * of the source it ran (any change to the code or the workflows runs it again).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BillingMode } from '../core/types';
import { scenarioTrace } from '../sim/model/create';
import { churnOf, type Churn } from './churn';
import { minutePeaks, neededWorkers, unconstrainedSchedule } from './bounds';
import { evaluate } from './evaluator/evaluate';
import type { MemoryMode } from './evaluator/plan-step';
import { scenarioOf, TAIL_MS, WEEK_MS, WEEKS, type WeekId } from './matrix';
import { familyOf, type FamilyContext } from './policies';
import { outcomeOf, type Outcome } from './service';

export interface RunSpec {
  week: WeekId;
  seed: number;
  variant?: string;
  billing: BillingMode;
  family: string;
  value: number;
  /** Default: the family's cadence. */
  everyMs?: number;
  lambda?: { coldStartRate: number; memory: MemoryMode };
  metricDelayMs?: number;
  deadlineMs?: number;
}

export interface RunResult {
  spec: RunSpec;
  outcome: Outcome;
  realSeconds: number;
  failedExecutions: number;
  coldStarts: number;
  maxMemoryBytes: number;
  churn: Churn;
}

const contexts = new Map<string, FamilyContext>();

/** The week's time zone, floor and zero-wait peak (from its shipped seed), what a schedule is sized from. */
export function contextOf(week: WeekId, variant?: string): FamilyContext {
  const key = `${week}:${variant ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    const spec = WEEKS.find((w) => w.id === week)!;
    const scenario = scenarioOf({ week, seed: spec.scoring[0]!, billing: 'per-second', ...(variant ? { variant } : {}) });
    const start = Date.parse(scenario.start);
    const slots = scenario.workers[0]?.maxLoad ?? slotsOf(scenario.workers[0]?.instanceType ?? 'c5.9xlarge');
    const peaks = minutePeaks(unconstrainedSchedule(scenarioTrace(scenario)), { start, end: start + WEEK_MS });
    ctx = { timeZone: spec.timeZone, peakWorkers: Math.max(...neededWorkers(peaks, slots, scenario.minWorkers)), minWorkers: scenario.minWorkers };
    contexts.set(key, ctx);
  }
  return ctx;
}

function slotsOf(instanceType: string): number {
  return instanceType === 'c5.xlarge' ? 4 : 36;
}

export async function runOne(spec: RunSpec): Promise<RunResult> {
  const family = familyOf(spec.family);
  const scenario = scenarioOf(spec);
  const config = family.config(spec.value, contextOf(spec.week, spec.variant));
  const r = await evaluate({
    scenario,
    config,
    durationMs: WEEK_MS + TAIL_MS,
    everyMs: spec.everyMs ?? family.cadenceMs,
    ...(spec.lambda ? { lambda: { ...spec.lambda, seed: spec.seed } } : {}),
    ...(spec.metricDelayMs !== undefined ? { metricDelayMs: spec.metricDelayMs } : {}),
  });
  return {
    spec,
    outcome: outcomeOf(r.data, { minWorkers: scenario.minWorkers, ...(spec.deadlineMs ? { deadlineMs: spec.deadlineMs } : {}) }),
    realSeconds: r.realMs / 1000,
    failedExecutions: r.failedExecutions.length,
    coldStarts: r.plan.coldStarts,
    maxMemoryBytes: r.plan.maxMemoryBytes,
    churn: churnOf(r.workflows, r.data.billingRuns, { start: r.start, end: r.end }, r.data.counters.starts),
  };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What a run's figures depend on. */
const SOURCE_DIRS = ['core', 'machines', 'activities', 'scaler', 'sim/model', 'sim/opencast', 'infra/workflows', 'bench/evaluator', 'bench/configs', 'scenarios'];
const SOURCE_FILES = ['bench/service.ts', 'bench/matrix.ts', 'bench/policies.ts', 'bench/runs.ts', 'bench/lp-bound.ts', 'bench/churn.ts'];

let sourceHash: string | undefined;

export function sourceVersion(): string {
  if (sourceHash) return sourceHash;
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|json)$/.test(name)) h.update(rel).update(readFileSync(join(ROOT, rel)));
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  for (const f of SOURCE_FILES) h.update(f).update(readFileSync(join(ROOT, f)));
  sourceHash = h.digest('hex').slice(0, 16);
  return sourceHash;
}

export const CACHE_DIR = process.env.MOSCALER_BENCH_CACHE ?? join(tmpdir(), 'moscaler-bench-cache');

function cacheFile(spec: RunSpec): string {
  const key = createHash('sha256').update(sourceVersion()).update(JSON.stringify(spec)).digest('hex').slice(0, 24);
  return join(CACHE_DIR, `${key}.json`);
}

export function cached(spec: RunSpec): RunResult | undefined {
  try {
    return JSON.parse(readFileSync(cacheFile(spec), 'utf8')) as RunResult;
  } catch {
    return undefined;
  }
}

export function remember(result: RunResult): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cacheFile(result.spec), JSON.stringify(result));
}
