/**
 * Workload traces: recordings arriving over time, each a list of stages of
 * jobs (a stage's jobs are created when the previous stage has finished, as a
 * workflow does). Generators follow /work/shared/reference/workload-anchors.md
 * §6 and are deterministic per seed.
 */
import { drawRecording, resolveIndependent, uploadMediaMs, uploadsIn, type IndependentWorkloadOptions, type WorkflowShape } from './independent-workload';
import { jobsOf, oneStreamStages, twoStreamStages, type StageSpec } from './job-catalog';
import { bernoulli, exponential, lognormal, mulberry32, uniform, type Random } from './prng';

export type RecordingKind = 'two-stream' | 'one-stream' | 'adhoc' | 'explicit';

export interface RecordingSpec {
  id: string;
  kind: RecordingKind;
  /** Epoch ms the recording is ingested (its first stage's jobs are created). */
  arrivalAt: number;
  /** Media length; 0 for explicit job lists. */
  mediaMs: number;
  stages: StageSpec[];
  /** The capture Opencast's scheduler knew in advance (room = capture agent); absent for ad-hoc uploads. */
  scheduled?: ScheduledCapture;
  /** Independent workload family only: the workflow shape drawn. */
  shape?: WorkflowShape;
}

/** A scheduled capture: the event Opencast's scheduler holds (start, end, capture agent). */
interface ScheduledCapture {
  start: number;
  end: number;
  agent: string;
}

export interface Trace {
  /** Sorted by arrival. */
  recordings: RecordingSpec[];
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Harvard FAS 75-minute blocks (start, local minutes after midnight). */
export const HARVARD_BLOCK_STARTS = [540, 630, 720, 810, 900, 990, 1080, 1170] as const;
export const BLOCK_MINUTES = 75;
/** Recording probability per room and block (anchors §6). */
const BLOCK_PROBABILITIES = [0.1, 0.2, 0.2, 0.2, 0.18, 0.12, 0.06, 0.03] as const;
/** Day multipliers indexed by `Date#getUTCDay()` of local time: Sun 0 ... Sat 6. */
const DAY_MULTIPLIERS = [0, 1, 1, 1, 1, 0.6, 0] as const;

export interface LectureWeekOptions {
  seed: number;
  /** Epoch ms; the trace covers [start, start + weeks). */
  start: number;
  rooms: number;
  weeks: number;
  /** Term multiplier per week (week 1 0.7, reading week 0.2, finals 0.1); missing weeks are 1. */
  weekMultipliers?: readonly number[];
  /** Share of lecture recordings with presenter + slides (default 0.8). */
  twoStreamShare?: number;
  /** Ad-hoc uploads as a share of the expected lecture volume (default 0.25). */
  adhocShare?: number;
  /** Local time = UTC + this; blocks are at local times (default 0). */
  utcOffsetMinutes?: number;
  /**
   * Whose table the recordings' jobs come from: `catalog` (default) is job-catalog.ts, the anchors' table
   * the schedule-aware policy also projects with; `independent` draws them (independent-workload.ts).
   */
  workload?: WorkloadFamily;
}

type WorkloadFamily = { family: 'catalog' } | ({ family: 'independent' } & IndependentWorkloadOptions);

export interface ExamSpikeOptions extends LectureWeekOptions {
  /** Day of the spike, counted from the start's local day (default 2). */
  spikeDay?: number;
  /** Local hour the spike starts (default 17). */
  spikeHour?: number;
  /** Recordings in the spike (default: one per room). */
  spikeRecordings?: number;
  /** They arrive uniformly over this many minutes (default 30). */
  spikeWindowMinutes?: number;
}

interface Draft {
  kind: RecordingKind;
  arrivalAt: number;
  mediaMs: number;
  stages: StageSpec[];
  scheduled?: ScheduledCapture;
  shape?: WorkflowShape;
}

/** Lecture recording: 75 − U(0, 10) min; two-stream with the given share; scheduled as its block. */
function lectureDraft(rng: Random, arrivalAt: number, twoStreamShare: number, scheduled?: ScheduledCapture): Draft {
  const mediaMs = (BLOCK_MINUTES - uniform(rng, 0, 10)) * MIN;
  const two = bernoulli(rng, twoStreamShare);
  return {
    kind: two ? 'two-stream' : 'one-stream',
    arrivalAt,
    mediaMs,
    stages: two ? twoStreamStages(mediaMs) : oneStreamStages(mediaMs),
    ...(scheduled ? { scheduled } : {}),
  };
}

/** Days of the trace window in local time, with weekday and week index. */
function* days(start: number, weeks: number, offsetMs: number): Generator<{ midnightUtc: number; weekday: number; week: number }> {
  const localStart = start + offsetMs;
  const firstMidnight = Math.floor(localStart / DAY) * DAY;
  const end = localStart + weeks * 7 * DAY;
  for (let local = firstMidnight; local < end; local += DAY) {
    yield {
      midnightUtc: local - offsetMs,
      weekday: new Date(local).getUTCDay(),
      week: Math.floor((local - firstMidnight) / (7 * DAY)),
    };
  }
}

function finish(drafts: Draft[], start: number, end: number): Trace {
  // Whole milliseconds: virtual clocks and ISO timestamps have no finer grain.
  const kept = drafts
    .map((d) => ({
      ...d,
      arrivalAt: Math.round(d.arrivalAt),
      mediaMs: Math.round(d.mediaMs),
      ...(d.scheduled ? { scheduled: { ...d.scheduled, start: Math.round(d.scheduled.start), end: Math.round(d.scheduled.end) } } : {}),
    }))
    .filter((d) => d.arrivalAt >= start && d.arrivalAt < end);
  kept.sort((a, b) => a.arrivalAt - b.arrivalAt);
  return {
    recordings: kept.map((d, i) => ({ id: `rec-${String(i + 1).padStart(5, '0')}`, ...d })),
  };
}

/** Expected lecture recordings per week at term multiplier 1. */
function expectedWeeklyLectures(rooms: number): number {
  const perDay = rooms * BLOCK_PROBABILITIES.reduce((a: number, b) => a + b, 0);
  return perDay * DAY_MULTIPLIERS.reduce((a: number, b) => a + b, 0);
}

function lectureDrafts(o: LectureWeekOptions, rng: Random): Draft[] {
  const offsetMs = (o.utcOffsetMinutes ?? 0) * MIN;
  const twoStream = o.twoStreamShare ?? 0.8;
  const adhocShare = o.adhocShare ?? 0.25;
  // Ad-hoc uploads: Poisson over 08-23 h local, weekends at 30% of the weekday rate.
  const weekdayRatePerHour = (adhocShare * expectedWeeklyLectures(o.rooms)) / (15 * (5 + 2 * 0.3));
  const drafts: Draft[] = [];
  for (const day of days(o.start, o.weeks, offsetMs)) {
    const weekFactor = o.weekMultipliers?.[day.week] ?? 1;
    const dayFactor = DAY_MULTIPLIERS[day.weekday] ?? 0;
    HARVARD_BLOCK_STARTS.forEach((blockStart, b) => {
      const p = (BLOCK_PROBABILITIES[b] ?? 0) * dayFactor * weekFactor;
      const blockEnd = day.midnightUtc + (blockStart + BLOCK_MINUTES) * MIN;
      for (let room = 0; room < o.rooms; room++) {
        if (!bernoulli(rng, p)) continue;
        const scheduled = { start: blockEnd - BLOCK_MINUTES * MIN, end: blockEnd, agent: `room-${room + 1}` };
        drafts.push(lectureDraft(rng, blockEnd + uniform(rng, 2, 12) * MIN, twoStream, scheduled));
      }
    });
    const weekend = day.weekday === 0 || day.weekday === 6;
    const rate = weekdayRatePerHour * (weekend ? 0.3 : 1) * weekFactor;
    if (rate <= 0) continue;
    const open = day.midnightUtc + 8 * HOUR;
    const close = day.midnightUtc + 23 * HOUR;
    for (let t = open + exponential(rng, HOUR / rate); t < close; t += exponential(rng, HOUR / rate)) {
      // Lognormal, median 20 min (sigma 0.8 is an ASSUMPTION), kept within 2 min .. 3 h.
      const mediaMs = Math.min(180, Math.max(2, lognormal(rng, 20, 0.8))) * MIN;
      drafts.push({ kind: 'adhoc', arrivalAt: t, mediaMs, stages: oneStreamStages(mediaMs) });
    }
  }
  return drafts;
}

/**
 * The independent family over a generator's drafts: every recording's stages drawn again (same arrivals and
 * lengths: the same week, other jobs), plus unscheduled uploads over each local day's 08-23 h, `unscheduledShare`
 * of that day's scheduled recordings. Its own random stream, so the catalog trace of a seed keeps its arrivals.
 */
function withWorkload(drafts: Draft[], o: LectureWeekOptions): Draft[] {
  if (o.workload?.family !== 'independent') return drafts;
  const options = resolveIndependent(o.workload);
  const rng = mulberry32((o.seed ^ 0x5eed1d) >>> 0);
  const offsetMs = (o.utcOffsetMinutes ?? 0) * MIN;
  const redraw = (d: Draft, tracks: 1 | 2): Draft => {
    const { shape, stages } = drawRecording(rng, d.mediaMs, tracks, options);
    return { ...d, stages, shape };
  };
  const out = drafts.map((d) => redraw(d, d.kind === 'two-stream' ? 2 : 1));
  for (const day of days(o.start, o.weeks, offsetMs)) {
    const open = day.midnightUtc + 8 * HOUR;
    const close = day.midnightUtc + 23 * HOUR;
    const scheduled = drafts.filter((d) => d.scheduled && d.arrivalAt >= day.midnightUtc && d.arrivalAt < day.midnightUtc + DAY).length;
    for (const upload of uploadsIn(rng, open, close, (options.unscheduledShare * scheduled) / 15)) {
      out.push(redraw({ kind: 'adhoc', arrivalAt: upload.at, mediaMs: uploadMediaMs(rng), stages: [] }, upload.tracks));
    }
  }
  return out;
}

/** A teaching week (or several): lecture blocks, two-stream share, ad-hoc uploads. */
export function lectureWeek(o: LectureWeekOptions): Trace {
  const rng = mulberry32(o.seed);
  return finish(withWorkload(lectureDrafts(o, rng), o), o.start, o.start + o.weeks * 7 * DAY);
}

/** A reading week: lecture-week at term multiplier 0.2 unless told otherwise. */
export function quietWeek(o: LectureWeekOptions): Trace {
  return lectureWeek({ ...o, weekMultipliers: o.weekMultipliers ?? Array.from({ length: o.weeks }, () => 0.2) });
}

/**
 * Finals: lectures at ×0.1, plus a burst of long recordings (exam reviews,
 * a batch re-ingest) landing together, the load a reactive scaler handles worst.
 */
export function examSpike(o: ExamSpikeOptions): Trace {
  const rng = mulberry32(o.seed);
  const base = lectureDrafts(
    { ...o, weekMultipliers: o.weekMultipliers ?? Array.from({ length: o.weeks }, () => 0.1) },
    rng,
  );
  const offsetMs = (o.utcOffsetMinutes ?? 0) * MIN;
  const firstMidnightUtc = Math.floor((o.start + offsetMs) / DAY) * DAY - offsetMs;
  const spikeStart = firstMidnightUtc + (o.spikeDay ?? 2) * DAY + (o.spikeHour ?? 17) * HOUR;
  const window = (o.spikeWindowMinutes ?? 30) * MIN;
  const count = o.spikeRecordings ?? o.rooms;
  for (let i = 0; i < count; i++) {
    // Exam reviews captured in the rooms, ending together: scheduled, ingested over the window (7 min is the lecture lag's mean).
    const arrival = spikeStart + uniform(rng, 0, window);
    const scheduled = { start: arrival - 7 * MIN - BLOCK_MINUTES * MIN, end: arrival - 7 * MIN, agent: `room-${(i % o.rooms) + 1}` };
    base.push(lectureDraft(rng, arrival, o.twoStreamShare ?? 0.8, scheduled));
  }
  return finish(withWorkload(base, o), o.start, o.start + o.weeks * 7 * DAY);
}

export interface ExplicitJob {
  /** Epoch ms the job (or its recording's first stage) is created. */
  at: number;
  workflowOperation: string;
  durationMs: number;
  count: number;
  load?: number;
  /** Jobs naming the same recording run as one workflow, stage by stage. */
  recording?: string;
  stage?: number;
}

/**
 * Explicit job lists: a job without `recording` is a one-job recording of its
 * own; jobs sharing `recording` form one, arriving at the earliest `at`.
 */
export function explicitTrace(jobs: readonly ExplicitJob[]): Trace {
  const groups = new Map<string, ExplicitJob[]>();
  jobs.forEach((job, i) => {
    const key = job.recording ?? `#${i}`;
    const list = groups.get(key) ?? [];
    list.push(job);
    groups.set(key, list);
  });
  const recordings: RecordingSpec[] = [];
  for (const [key, list] of groups) {
    const stageNumbers = [...new Set(list.map((j) => j.stage ?? 0))].sort((a, b) => a - b);
    const stages = stageNumbers.map((n) => ({
      name: `stage-${n}`,
      jobs: list
        .filter((j) => (j.stage ?? 0) === n)
        .flatMap((j) => jobsOf(j.workflowOperation, j.count, j.durationMs, j.load)),
    }));
    recordings.push({
      id: key.startsWith('#') ? `job-${Number(key.slice(1)) + 1}` : key,
      kind: 'explicit',
      arrivalAt: Math.min(...list.map((j) => j.at)),
      mediaMs: 0,
      stages,
    });
  }
  recordings.sort((a, b) => a.arrivalAt - b.arrivalAt);
  return { recordings };
}

/** Several traces as one, sorted by arrival. */
export function mergeTraces(...traces: Trace[]): Trace {
  return { recordings: traces.flatMap((t) => t.recordings).sort((a, b) => a.arrivalAt - b.arrivalAt) };
}
