/**
 * What a recording asks of the workers, projected from its length alone:
 * the default two-stream schedule-and-upload workflow's stages in order, each
 * with how long it takes and the job load it runs meanwhile (its work spread
 * over its longest job), from /work/shared/reference/workload-anchors.md §1
 * and §6 (Opencast's default job loads; durations as fractions of the media
 * length D, ASSUMPTIONS there). About 3.1·D load-minutes of work and a
 * critical path of about 0.86·D. An operator calibrates `scale` (work) and
 * `pace` (duration) from their own cluster's job history.
 */

export interface LoadSegment {
  /** Offsets from the recording's arrival, ms. */
  from: number;
  to: number;
  /** Job load running meanwhile. */
  load: number;
}

const MIN = 60_000;
const SEC = 1000;

/** (duration, work in load × ms) per stage of a recording of length d ms. */
function stages(d: number): Array<[number, number]> {
  const stage = (jobs: Array<[number, number, number]>): [number, number] => {
    // jobs: [count, load, duration]
    const longest = Math.max(...jobs.map(([, , dur]) => dur));
    const work = jobs.reduce((w, [n, load, dur]) => w + n * load * dur, 0);
    return [longest, work];
  };
  const atLeast = (ms: number) => Math.max(SEC, ms);
  return [
    stage([[2, 0.2, 0.5 * MIN]]),
    stage([[1, 1.5, atLeast(0.2 * d)]]),
    stage([[4, 0.1, atLeast(0.02 * d)], [1, 0.2, atLeast(0.03 * d)], [2, 1.5, 0.5 * MIN]]),
    stage([[2, 0.8, atLeast(0.1 * d)]]),
    stage([[3, 1.5, 0.5 * MIN], [2, 0.1, atLeast(0.05 * d)]]),
    stage([[1, 4, atLeast(0.4 * d)], [1, 4, atLeast(0.25 * d)]]),
    stage([[1, 0.3, atLeast(0.08 * d)], [40, 0.2, 10 * SEC]]),
    stage([[15, 0.1, 10 * SEC]]),
  ];
}

/** The recording's load over time after arrival, on an idle cluster (no queueing): stage by stage. */
export function loadProfile(mediaMs: number, scale = 1, pace = 1): LoadSegment[] {
  const out: LoadSegment[] = [];
  let t = 0;
  for (const [duration, work] of stages(mediaMs)) {
    const length = duration * pace;
    out.push({ from: t, to: t + length, load: (work * scale) / length });
    t += length;
  }
  return out;
}

/** Work of a recording, load-minutes. */
export function workOf(mediaMs: number, scale = 1): number {
  return stages(mediaMs).reduce((w, [, work]) => w + work, 0) * scale / MIN;
}

/** Arrival to last job done with no wait. */
export function criticalPathMs(mediaMs: number, pace = 1): number {
  return stages(mediaMs).reduce((t, [d]) => t + d, 0) * pace;
}

/** Load of a profile `offset` ms after arrival (0 outside it). */
export function loadAt(profile: readonly LoadSegment[], offset: number): number {
  for (const s of profile) if (offset >= s.from && offset < s.to) return s.load;
  return 0;
}
