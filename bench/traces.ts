/**
 * The benchmark's traces: shipped scenarios, each over a window chosen to fit
 * the time budget. A window that does not begin at the scenario's start is
 * the same generated trace (same seed, same recordings and jobs) replayed as
 * explicit jobs from the window's start, so a long quiet lead-in is not simulated.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BillingMode } from '../core/types';
import { vcpuOf } from '../sim/model/instance-types';
import { parseScenario, type Scenario } from '../sim/model/scenario';
import { scenarioTrace } from '../sim/model/create';
import type { Trace } from '../sim/model/traces';

const HOUR = 3_600_000;

interface WindowSpec {
  /** Hours after the scenario's start. */
  fromHours: number;
  hours: number;
  note: string;
}

export interface TraceSpec {
  id: string;
  file: string;
  full: WindowSpec;
  /** Shorter window for `--quick`. */
  quick: WindowSpec;
  /** The operators' time zone (the schedule policy). */
  timeZone: string;
}

export const TRACES: readonly TraceSpec[] = [
  {
    id: 'lecture-week',
    file: 'scenarios/lecture-week.json',
    full: { fromHours: 0, hours: 50, note: 'Monday 00:00 to Wednesday 02:00 US Eastern: two teaching days (Mon-Thu are alike), the night between and the processing tail' },
    quick: { fromHours: 8, hours: 14, note: 'Monday 08:00 to 22:00 US Eastern: the teaching day' },
    timeZone: 'America/New_York',
  },
  {
    id: 'exam-spike',
    file: 'scenarios/exam-spike.json',
    full: { fromHours: 48, hours: 26, note: 'Wednesday 00:00 to Thursday 02:00 US Eastern: 150 recordings land 17:00-17:30 on top of lectures at 10%' },
    quick: { fromHours: 60, hours: 12, note: 'Wednesday 12:00 to 24:00 US Eastern: the spike at 17:00' },
    timeZone: 'America/New_York',
  },
  {
    id: 'quiet-week',
    file: 'scenarios/small-quiet.json',
    full: { fromHours: 0, hours: 26, note: 'Monday 00:00 to Tuesday 02:00 US Eastern on the small cluster (4 workers) in a reading week (20% load)' },
    quick: { fromHours: 0, hours: 14, note: 'Monday 00:00 to 14:00 US Eastern on the small cluster in a reading week' },
    timeZone: 'America/New_York',
  },
];

export interface PreparedTrace {
  spec: TraceSpec;
  note: string;
  /** Ready to run: starts at the window's start, billing set per run. */
  scenario: Scenario;
  /** Recordings arriving inside the window, as the simulation will see them. */
  trace: Trace;
  window: { start: number; end: number };
  slotsPerWorker: number;
  /** Uptime of each worker online at the window's start (billed before the window), longest first. */
  initialUptimesMs: number[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function loadScenario(file: string): Scenario {
  return parseScenario(JSON.parse(readFileSync(`${ROOT}/${file}`, 'utf8')), file);
}

export function prepareTrace(spec: TraceSpec, quick = false): PreparedTrace {
  const shipped = loadScenario(spec.file);
  const w = quick ? spec.quick : spec.full;
  const from = Date.parse(shipped.start) + w.fromHours * HOUR;
  const window = { start: from, end: from + w.hours * HOUR };
  const scenario = w.fromHours === 0 ? shipped : replayFrom(shipped, from);
  const trace = { recordings: scenarioTrace(scenario).recordings.filter((r) => r.arrivalAt < window.end) };
  const types = new Set(scenario.workers.map((w) => w.instanceType));
  if (types.size !== 1) throw new Error(`${spec.file}: the bounds assume one worker type`);
  const uptimes = scenario.workers
    .filter((w) => w.state === 'online')
    .flatMap((w) => Array.from({ length: w.count ?? 1 }, () => w.uptimeMinutes * 60_000))
    .sort((a, b) => b - a);
  return {
    spec,
    note: w.note,
    scenario,
    trace,
    window,
    slotsPerWorker: scenario.workers[0]!.maxLoad ?? vcpuOf([...types][0]!),
    initialUptimesMs: uptimes,
  };
}

export function withBilling(scenario: Scenario, billing: BillingMode): Scenario {
  return { ...scenario, billing };
}

/**
 * The scenario from `from` on: its generated recordings that arrive from then
 * on become explicit jobs (same operations, loads, durations and stages), the
 * cluster starts as the scenario describes it.
 */
export function replayFrom(scenario: Scenario, from: number): Scenario {
  const jobs: Array<Record<string, unknown>> = [];
  for (const rec of scenarioTrace(scenario).recordings) {
    if (rec.arrivalAt < from) continue;
    rec.stages.forEach((stage, k) => {
      const groups = new Map<string, { op: string; load: number; durationMs: number; count: number }>();
      for (const job of stage.jobs) {
        const key = `${job.workflowOperation}|${job.load}|${job.durationMs}`;
        const g = groups.get(key) ?? { op: job.workflowOperation, load: job.load, durationMs: job.durationMs, count: 0 };
        g.count += 1;
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        jobs.push({
          at: new Date(rec.arrivalAt).toISOString(),
          workflowOperation: g.op,
          load: g.load,
          durationSeconds: g.durationMs / 1000,
          count: g.count,
          recording: rec.id,
          stage: k,
        });
      }
    });
  }
  const { end: _end, trace: _trace, ...rest } = scenario;
  return parseScenario(
    {
      ...rest,
      description: `${scenario.description ?? scenario.cluster} (replayed from ${new Date(from).toISOString()})`,
      start: new Date(from).toISOString(),
      trace: { jobs },
    },
    `${scenario.cluster} replay`,
  );
}
