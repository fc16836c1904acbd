/**
 * What each workflow operation turns into in Opencast's job table, and the
 * staged job lists of a recording. Loads and durations are the anchors'
 * (/work/shared/reference/workload-anchors.md §1 and §6, ASSUMPTIONS to
 * calibrate); D is the media length.
 */

export interface JobSpec {
  /** Workflow operation id, e.g. `encode` (what DCE's queuedJobCount filters on). */
  workflowOperation: string;
  /** Service type, e.g. `org.opencastproject.composer`. */
  type: string;
  /** Job operation, e.g. `Encode`. */
  operation: string;
  load: number;
  durationMs: number;
}

export interface StageSpec {
  name: string;
  jobs: JobSpec[];
  /** The workflow waits this long before the stage's jobs are created (a person in the editor); no job runs meanwhile. */
  holdMs?: number;
}

interface OperationFacts {
  type: string;
  operation: string;
  load: number;
}

/** Workflow operation id → service type, job operation and default load. */
const OPERATIONS: Readonly<Record<string, OperationFacts>> = {
  inspect: { type: 'org.opencastproject.inspection', operation: 'Inspect', load: 0.2 },
  composite: { type: 'org.opencastproject.composer', operation: 'Composite', load: 1.5 },
  waveform: { type: 'org.opencastproject.waveform', operation: 'Waveform', load: 0.1 },
  silence: { type: 'org.opencastproject.silencedetection', operation: 'SilenceDetection', load: 0.2 },
  image: { type: 'org.opencastproject.composer', operation: 'Image', load: 1.5 },
  editor: { type: 'org.opencastproject.videoeditor', operation: 'ProcessSmil', load: 0.8 },
  timelinepreviews: { type: 'org.opencastproject.timelinepreviews', operation: 'TimelinePreview', load: 0.1 },
  /** adaptive-parallel encoding profile: 4.0. */
  encode: { type: 'org.opencastproject.composer', operation: 'Encode', load: 4 },
  multiencode: { type: 'org.opencastproject.composer', operation: 'MultiEncode', load: 1.5 },
  'process-smil': { type: 'org.opencastproject.composer', operation: 'ProcessSmil', load: 0.8 },
  concat: { type: 'org.opencastproject.composer', operation: 'Concat', load: 1.5 },
  demux: { type: 'org.opencastproject.composer', operation: 'Demux', load: 1.5 },
  autotrim: { type: 'org.opencastproject.composer', operation: 'Encode', load: 1.5 },
  'segment-video': { type: 'org.opencastproject.videosegmenter', operation: 'Segment', load: 0.3 },
  'extract-text': { type: 'org.opencastproject.textanalyzer', operation: 'Extract', load: 0.2 },
  'publish-engage': { type: 'org.opencastproject.distribution.download', operation: 'Distribute', load: 0.1 },
};

const MIN = 60_000;
const SEC = 1000;

/** Jobs of one operation; `load` overrides the catalog default. */
export function jobsOf(workflowOperation: string, count: number, durationMs: number, load?: number): JobSpec[] {
  const facts = OPERATIONS[workflowOperation] ?? { type: 'org.opencastproject.composer', operation: 'Encode', load: 1.5 };
  const job: JobSpec = {
    workflowOperation,
    type: facts.type,
    operation: facts.operation,
    load: load ?? facts.load,
    durationMs: Math.max(SEC, Math.round(durationMs)),
  };
  return Array.from({ length: count }, () => ({ ...job }));
}

/**
 * The anchors' two-stream (presenter + slides) schedule-and-upload workflow:
 * 75 jobs, about 3.1·D + 5 load-minutes of work, critical path about 0.86·D.
 */
export function twoStreamStages(mediaMs: number): StageSpec[] {
  const D = mediaMs;
  return [
    { name: 'inspect', jobs: jobsOf('inspect', 2, 0.5 * MIN) },
    { name: 'composite-preview', jobs: jobsOf('composite', 1, 0.2 * D) },
    {
      name: 'waveform-silence-images',
      jobs: [...jobsOf('waveform', 4, 0.02 * D), ...jobsOf('silence', 1, 0.03 * D), ...jobsOf('image', 2, 0.5 * MIN)],
    },
    { name: 'editor', jobs: jobsOf('editor', 2, 0.1 * D) },
    { name: 'images-previews', jobs: [...jobsOf('image', 3, 0.5 * MIN), ...jobsOf('timelinepreviews', 2, 0.05 * D)] },
    { name: 'encode', jobs: [...jobsOf('encode', 1, 0.4 * D), ...jobsOf('encode', 1, 0.25 * D)] },
    { name: 'segment-ocr', jobs: [...jobsOf('segment-video', 1, 0.08 * D), ...jobsOf('extract-text', 40, 10 * SEC)] },
    { name: 'publish', jobs: jobsOf('publish-engage', 15, 10 * SEC) },
  ];
}

/**
 * One-stream recording (presenter only; ad-hoc uploads): the same workflow
 * with one track, no composite and no slide OCR. ASSUMPTION, not in the anchors.
 */
export function oneStreamStages(mediaMs: number): StageSpec[] {
  const D = mediaMs;
  return [
    { name: 'inspect', jobs: jobsOf('inspect', 1, 0.5 * MIN) },
    {
      name: 'waveform-silence-images',
      jobs: [...jobsOf('waveform', 2, 0.02 * D), ...jobsOf('silence', 1, 0.03 * D), ...jobsOf('image', 1, 0.5 * MIN)],
    },
    { name: 'editor', jobs: jobsOf('editor', 1, 0.1 * D) },
    { name: 'images-previews', jobs: [...jobsOf('image', 2, 0.5 * MIN), ...jobsOf('timelinepreviews', 1, 0.05 * D)] },
    { name: 'encode', jobs: jobsOf('encode', 1, 0.4 * D) },
    { name: 'segment', jobs: jobsOf('segment-video', 1, 0.08 * D) },
    { name: 'publish', jobs: jobsOf('publish-engage', 10, 10 * SEC) },
  ];
}

/** Total load × duration of some stages, in load-hours. */
export function loadHours(stages: readonly StageSpec[]): number {
  let sum = 0;
  for (const stage of stages) for (const job of stage.jobs) sum += job.load * job.durationMs;
  return sum / 3_600_000;
}

/** Sum over stages of the longest job: the time a recording takes on an idle cluster. */
export function criticalPathMs(stages: readonly StageSpec[]): number {
  return stages.reduce((sum, stage) => sum + Math.max(0, ...stage.jobs.map((j) => j.durationMs)), 0);
}
