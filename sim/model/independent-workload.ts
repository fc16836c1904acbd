/**
 * The "independent" workload family: each recording's stages, durations and
 * loads drawn from this file's own table and distributions, not from the
 * table the schedule-aware policy projects with (core/policies/recording-load.ts,
 * deliberately not imported). A world whose jobs the policy did not write:
 *
 * - a per-recording pace factor, lognormal with median 1 (sigma `paceSigma`),
 *   and a factor per stage on top (sigma `stageSigma`): hosts, codecs and
 *   content make the same length take longer or shorter;
 * - a mix of workflow shapes: the two-stream default, a fast one (Opencast's
 *   `fast` workflow: no editor, no composite, no OCR, a plain encode), one
 *   with a long editor stage (a person trims the recording before it goes on,
 *   then the cut is rendered), and one whose heaviest operation fails part-way
 *   and runs again (an operation's `retry-strategy="retry"`: "re-tried until the
 *   number of attempts reaches max-attempts, which defaults to 2", Opencast
 *   docs/guides/admin/docs/workflowoperationhandlers/retry-strategies.md);
 * - unscheduled uploads on top of the trace's (`unscheduledShare`), which the
 *   schedule never lists.
 *
 * Stage list and loads: /work/shared/reference/workload-anchors.md §1 and §6
 * (Opencast's default job loads, etc/*.cfg); every fraction of D and every
 * default below is an ASSUMPTION to calibrate against a cluster's job table.
 */
import { jobsOf, type JobSpec, type StageSpec } from './job-catalog';
import { bernoulli, exponential, lognormal, uniform, type Random } from './prng';

const WORKFLOW_SHAPES = ['standard', 'fast', 'long-editor', 'retry'] as const;
export type WorkflowShape = (typeof WORKFLOW_SHAPES)[number];

export interface IndependentWorkloadOptions {
  /** Sigma of ln(pace factor); the factor's median is 1 (default 0.25). */
  paceSigma?: number;
  /** Sigma of ln(each stage's own factor), median 1 (default 0.15). */
  stageSigma?: number;
  /** Relative weights of the shapes (default standard 0.55, fast 0.15, long-editor 0.2, retry 0.1). */
  shapes?: Partial<Record<WorkflowShape, number>>;
  /** Unscheduled uploads added, as a share of the trace's scheduled recordings (default 0.5). */
  unscheduledShare?: number;
  /**
   * Longest a recording may take on an idle cluster, holds included (default 100): a slower draw is sped up to
   * this, so every recording can make a 2-hour target with 20 minutes for queues and boots, and a late one is
   * the scaler's doing.
   */
  idleCapMinutes?: number;
}

/** The defaults: ASSUMPTIONS, chosen so that on an idle cluster almost every recording still makes a 2-hour target. */
const INDEPENDENT_DEFAULTS = {
  paceSigma: 0.25,
  stageSigma: 0.15,
  shapes: { standard: 0.55, fast: 0.15, 'long-editor': 0.2, retry: 0.1 } as Record<WorkflowShape, number>,
  unscheduledShare: 0.5,
  idleCapMinutes: 100,
} as const;

/** A pace factor beyond these is a broken host, not a slow one: clamped. */
const PACE_MIN = 0.5;
const PACE_MAX = 2;

const MIN = 60_000;
const SEC = 1000;

/** One job row of the table: operation, count, duration (fraction of D, or fixed ms with `fixed`), load override. */
interface Row {
  op: string;
  n: number;
  d: number;
  fixed?: boolean;
  load?: number;
}

interface TableStage {
  name: string;
  rows: Row[];
}

const fixed = (op: string, n: number, ms: number, load?: number): Row => ({ op, n, d: ms, fixed: true, ...(load !== undefined ? { load } : {}) });
const ofD = (op: string, n: number, fraction: number, load?: number): Row => ({ op, n, d: fraction, ...(load !== undefined ? { load } : {}) });

/** The default workflow, two tracks (presenter + slides) or one; the anchors' §6 table. */
function standardTable(tracks: 1 | 2): TableStage[] {
  const two = tracks === 2;
  return [
    { name: 'inspect', rows: [fixed('inspect', tracks, 0.5 * MIN)] },
    ...(two ? [{ name: 'composite-preview', rows: [ofD('composite', 1, 0.2)] }] : []),
    { name: 'waveform-silence-images', rows: [ofD('waveform', 2 * tracks, 0.02), ofD('silence', 1, 0.03), fixed('image', tracks, 0.5 * MIN)] },
    { name: 'editor', rows: [ofD('editor', tracks, 0.1)] },
    { name: 'images-previews', rows: [fixed('image', 1 + tracks, 0.5 * MIN), ofD('timelinepreviews', tracks, 0.05)] },
    { name: 'encode', rows: two ? [ofD('encode', 1, 0.4), ofD('encode', 1, 0.25)] : [ofD('encode', 1, 0.4)] },
    { name: 'segment-ocr', rows: [ofD('segment-video', 1, 0.08), ...(two ? [fixed('extract-text', 40, 10 * SEC)] : [])] },
    { name: 'publish', rows: [fixed('publish-engage', two ? 15 : 10, 10 * SEC)] },
  ];
}

/**
 * Opencast's `fast` workflow (etc/workflows/fast.yaml): inspect, one encode per track with a profile that
 * has no `.jobload` key (load 1.5, anchors §1), a preview image, publish. Encode at 0.15 D: ASSUMPTION.
 */
function fastTable(tracks: 1 | 2): TableStage[] {
  return [
    { name: 'inspect', rows: [fixed('inspect', tracks, 0.5 * MIN)] },
    { name: 'encode', rows: [ofD('encode', tracks, 0.15, 1.5)] },
    { name: 'images', rows: [fixed('image', tracks, 0.5 * MIN)] },
    { name: 'publish', rows: [fixed('publish-engage', 5, 10 * SEC)] },
  ];
}

/** The default workflow with a long editor stage: the cut re-rendered at 0.25 D per track (ASSUMPTION). */
function longEditorTable(tracks: 1 | 2): TableStage[] {
  return standardTable(tracks).map((s) => (s.name === 'editor' ? { name: 'editor', rows: [ofD('editor', tracks, 0.25)] } : s));
}

/** Draws a shape by weight. */
function drawShape(rng: Random, weights: Record<WorkflowShape, number>): WorkflowShape {
  const total = WORKFLOW_SHAPES.reduce((s, k) => s + weights[k], 0);
  let x = rng() * total;
  for (const shape of WORKFLOW_SHAPES) {
    x -= weights[shape];
    if (x < 0) return shape;
  }
  return 'standard';
}

/** Resolved options (the defaults filled in), checked: a bad weight or sigma is a clear error. */
export function resolveIndependent(o: IndependentWorkloadOptions = {}): Required<Omit<IndependentWorkloadOptions, 'shapes'>> & { shapes: Record<WorkflowShape, number> } {
  const shapes = { ...INDEPENDENT_DEFAULTS.shapes, ...o.shapes };
  for (const k of WORKFLOW_SHAPES) {
    if (!(shapes[k] >= 0)) throw new RangeError(`independent workload: shapes.${k} must be a weight >= 0 (got ${shapes[k]})`);
  }
  if (WORKFLOW_SHAPES.every((k) => shapes[k] === 0)) throw new RangeError('independent workload: shapes need one weight > 0');
  const r = {
    paceSigma: o.paceSigma ?? INDEPENDENT_DEFAULTS.paceSigma,
    stageSigma: o.stageSigma ?? INDEPENDENT_DEFAULTS.stageSigma,
    unscheduledShare: o.unscheduledShare ?? INDEPENDENT_DEFAULTS.unscheduledShare,
    idleCapMinutes: o.idleCapMinutes ?? INDEPENDENT_DEFAULTS.idleCapMinutes,
    shapes,
  };
  for (const k of ['paceSigma', 'stageSigma', 'unscheduledShare', 'idleCapMinutes'] as const) {
    if (!(r[k] >= 0 && Number.isFinite(r[k]))) throw new RangeError(`independent workload: ${k} must be a number >= 0 (got ${r[k]})`);
  }
  return r;
}

/** What one recording became: its shape, pace factor (as drawn), stages, and whether the idle cap sped it up. */
export interface IndependentDraw {
  shape: WorkflowShape;
  pace: number;
  stages: StageSpec[];
  capped: boolean;
}

/** Arrival to last job done on an idle cluster: each stage's hold and longest job. */
export function idleMs(stages: readonly StageSpec[]): number {
  return stages.reduce((t, s) => t + (s.holdMs ?? 0) + Math.max(0, ...s.jobs.map((j) => j.durationMs)), 0);
}

/** A recording of media length `mediaMs` with `tracks` tracks, drawn from the family. */
export function drawRecording(rng: Random, mediaMs: number, tracks: 1 | 2, options: ReturnType<typeof resolveIndependent>): IndependentDraw {
  const shape = drawShape(rng, options.shapes);
  const pace = Math.min(PACE_MAX, Math.max(PACE_MIN, lognormal(rng, 1, options.paceSigma)));
  const table = shape === 'fast' ? fastTable(tracks) : shape === 'long-editor' ? longEditorTable(tracks) : standardTable(tracks);
  const stages: StageSpec[] = table.map((stage) => {
    const factor = pace * lognormal(rng, 1, options.stageSigma);
    const jobs: JobSpec[] = stage.rows.flatMap((row) => {
      const base = row.fixed ? row.d : row.d * mediaMs;
      // Jobs of one operation differ a little (±15 %, ASSUMPTION): tracks and segments are not alike.
      return Array.from({ length: row.n }, () => jobsOf(row.op, 1, base * factor * uniform(rng, 0.85, 1.15), row.load)[0]!);
    });
    return { name: stage.name, jobs };
  });
  if (shape === 'long-editor') {
    // A person trims the recording before the cut is rendered: the workflow waits, no job runs (lognormal, median 5 min, at most 20).
    const editor = stages.findIndex((s) => s.name === 'editor');
    stages[editor] = { ...stages[editor]!, holdMs: Math.min(20, lognormal(rng, 5, 0.6)) * MIN };
  }
  if (shape === 'retry') {
    // The heaviest operation (the encode) fails after U(10 %, 90 %) of its run and runs again in full.
    const encode = stages.findIndex((s) => s.name === 'encode');
    const failedAfter = uniform(rng, 0.1, 0.9);
    const failed: StageSpec = { name: 'encode-failed', jobs: stages[encode]!.jobs.map((j) => ({ ...j, durationMs: Math.max(SEC, Math.round(j.durationMs * failedAfter)) })) };
    stages.splice(encode, 0, failed);
  }
  const holds = stages.reduce((t, s) => t + (s.holdMs ?? 0), 0);
  const running = idleMs(stages) - holds;
  const room = options.idleCapMinutes * MIN - holds;
  if (running <= room || running <= 0) return { shape, pace, stages, capped: false };
  const k = Math.max(0, room) / running;
  const sped = stages.map((s) => ({ ...s, jobs: s.jobs.map((j) => ({ ...j, durationMs: Math.max(SEC, Math.round(j.durationMs * k)) })) }));
  return { shape, pace, stages: sped, capped: true };
}

/** An unscheduled upload's media length: lognormal, median 30 min, within 2 min .. 3 h (ASSUMPTION). */
export function uploadMediaMs(rng: Random): number {
  return Math.min(180, Math.max(2, lognormal(rng, 30, 0.6))) * MIN;
}

/**
 * Arrival times of unscheduled uploads over one local day's 08-23 h window
 * `[open, close)`, a Poisson process of `perHour`; a quarter carry two tracks.
 */
export function uploadsIn(rng: Random, open: number, close: number, perHour: number): Array<{ at: number; tracks: 1 | 2 }> {
  const out: Array<{ at: number; tracks: 1 | 2 }> = [];
  if (perHour <= 0) return out;
  for (let t = open + exponential(rng, 60 * MIN / perHour); t < close; t += exponential(rng, 60 * MIN / perHour)) {
    out.push({ at: t, tracks: bernoulli(rng, 0.25) ? 2 : 1 });
  }
  return out;
}
