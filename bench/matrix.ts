/**
 * What the benchmark runs on: three full weeks (the shipped scenarios'
 * traces), each with named, disjoint tuning and scoring seeds, and variants
 * of the lecture week (4-slot workers, 30 and 400 rooms, boot times from
 * 90 s to 15 min). A run is one week plus a tail for the last recordings.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BillingMode } from '../core/types';
import { parseScenario, type Scenario } from '../sim/model/scenario';

export type WeekId = 'lecture' | 'exam' | 'quiet';

export interface WeekSpec {
  id: WeekId;
  file: string;
  note: string;
  timeZone: string;
  /** Seeds of the trace generator nothing is tuned on (the shipped scenario's seed first). */
  scoring: readonly number[];
  /** Seeds settings are chosen on; disjoint from the scoring ones. */
  tuning: readonly number[];
}

export const WEEKS: readonly WeekSpec[] = [
  {
    id: 'lecture',
    file: 'scenarios/lecture-week.json',
    note: 'a full teaching week, Monday 00:00 to Sunday 24:00 US Eastern, 150 rooms, 50 c5.9xlarge, floor 2',
    timeZone: 'America/New_York',
    scoring: [2025, 101, 102, 103, 104],
    tuning: [201, 202, 203],
  },
  {
    id: 'exam',
    file: 'scenarios/exam-spike.json',
    note: 'finals week: lectures at 10%, 150 recordings land Wednesday 17:00-17:30; 30 c5.9xlarge, floor 2',
    timeZone: 'America/New_York',
    scoring: [11, 111, 112, 113, 114],
    tuning: [211, 212, 213],
  },
  {
    id: 'quiet',
    file: 'scenarios/small-quiet.json',
    note: 'a reading week on a small cluster: 20 rooms at 20%, 4 c5.9xlarge, floor 1',
    timeZone: 'America/New_York',
    scoring: [7, 121, 122, 123, 124],
    tuning: [221, 222, 223],
  },
];

/** The last recordings of Sunday still finish inside the run. */
export const TAIL_MS = 3 * 3_600_000;
export const WEEK_MS = 7 * 86_400_000;

export interface Variant {
  id: string;
  note: string;
  apply(s: Scenario): Scenario;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function loadScenario(file: string): Scenario {
  return parseScenario(JSON.parse(readFileSync(`${ROOT}/${file}`, 'utf8')), file);
}

/** Boot timings (OpsWorks start to Opencast registered) totalling `seconds`. */
function bootIn(seconds: number): Scenario['timings'] {
  if (seconds <= 150) {
    // Everything shortened in proportion to the default 345 s.
    const k = seconds / 345;
    return { requestedMs: 15_000 * k, pendingMs: 30_000 * k, ec2PendingMs: Math.min(17_000, 30_000 * k), bootingMs: 60_000 * k, setupMs: 150_000 * k, registerMs: 90_000 * k };
  }
  return { setupMs: (seconds - 15 - 30 - 60 - 90) * 1000 };
}

function withWorkers(s: Scenario, total: number, instanceType?: string): Scenario {
  const [online, ...rest] = s.workers;
  if (!online) return s;
  const kept = rest.filter((w) => w.state !== 'stopped');
  const onlineCount = online.count ?? 1;
  return {
    ...s,
    workers: [
      { ...online, ...(instanceType ? { instanceType } : {}) },
      ...kept,
      { hostname: 'worker{n}', count: total - onlineCount, from: onlineCount + 1, instanceType: instanceType ?? online.instanceType, state: 'stopped', hasEc2: true, registered: true, uptimeMinutes: 0, runningJobs: 0, maintenance: false },
    ],
  };
}

function withRooms(s: Scenario, rooms: number): Scenario {
  const g = s.trace.generator;
  return g ? { ...s, trace: { ...s.trace, generator: { ...g, rooms } } } : s;
}

/** The lecture week on the workload family the policies did not write (reported as its own table; never tuned on). */
export const INDEPENDENT = 'independent';

function withIndependentWorkload(s: Scenario): Scenario {
  const g = s.trace.generator;
  if (!g) throw new Error('the independent workload needs a trace generator');
  return { ...s, trace: { ...s.trace, generator: { ...g, workload: { family: 'independent' } } } };
}

export const VARIANTS: readonly Variant[] = [
  {
    id: 'slots-4',
    note: '4-slot workers (c5.xlarge, Opencast max load 4 as DCE ran them), 400 of them; a worker whose jobs want more CPU than it has slows them all (load × 1.25 CPU, ASSUMPTION)',
    apply: (s) => ({ ...withWorkers(s, 400, 'c5.xlarge'), cpuPerLoad: 1.25 }),
  },
  { id: 'rooms-30', note: '30 rooms', apply: (s) => withRooms(s, 30) },
  { id: 'rooms-400', note: '400 rooms, 80 workers available', apply: (s) => withWorkers(withRooms(s, 400), 80) },
  { id: 'boot-90s', note: 'a worker serves 90 s after its start', apply: (s) => ({ ...s, timings: { ...s.timings, ...bootIn(90) } }) },
  { id: 'boot-15min', note: 'a worker serves 15 min after its start', apply: (s) => ({ ...s, timings: { ...s.timings, ...bootIn(900) } }) },
  {
    id: INDEPENDENT,
    note: "the independent workload family (sim/model/independent-workload.ts): each recording's pace (lognormal, median 1, sigma 0.25) and workflow shape (standard, fast, long editor, a failed encode run again) drawn apart from the policy's table, plus unscheduled uploads of half the scheduled count",
    apply: withIndependentWorkload,
  },
];

export interface WeekRun {
  week: WeekId;
  seed: number;
  variant?: string;
  billing: BillingMode;
}

/** The scenario of one run: the shipped week with this seed, variant and billing, validated again. */
export function scenarioOf(run: WeekRun): Scenario {
  const spec = WEEKS.find((w) => w.id === run.week);
  if (!spec) throw new Error(`no week ${run.week}`);
  let s = loadScenario(spec.file);
  const g = s.trace.generator;
  if (g) s = { ...s, trace: { ...s.trace, generator: { ...g, seed: run.seed } } };
  if (run.variant) {
    const v = VARIANTS.find((x) => x.id === run.variant);
    if (!v) throw new Error(`no variant ${run.variant}`);
    s = v.apply(s);
  }
  const { end: _end, ...rest } = s;
  return parseScenario({ ...rest, billing: run.billing }, `${spec.file} seed ${run.seed}${run.variant ? ` ${run.variant}` : ''}`);
}
