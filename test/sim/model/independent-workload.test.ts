import { describe, expect, it } from 'vitest';
import * as projection from '../../../core/policies/recording-load';
import { drawRecording, idleMs, resolveIndependent, type WorkflowShape } from '../../../sim/model/independent-workload';
import { criticalPathMs, loadHours } from '../../../sim/model/job-catalog';
import { mulberry32 } from '../../../sim/model/prng';
import { parseScenario } from '../../../sim/model/scenario';
import { scenarioTrace } from '../../../sim/model/create';
import { lectureWeek, type RecordingSpec, type Trace } from '../../../sim/model/traces';
import { buildCluster, HOUR, MIN, START } from './helpers';

/** Monday 2025-09-08 00:00 US Eastern (UTC-4). */
const base = { seed: 2025, start: START, rooms: 150, weeks: 1, utcOffsetMinutes: -240 };
const independent = (extra: object = {}) => lectureWeek({ ...base, workload: { family: 'independent', ...extra } });

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const median = (xs: number[]) => quantile(xs, 0.5);
const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};
const scheduled = (t: Trace) => t.recordings.filter((r) => r.scheduled);
const shares = (rs: readonly RecordingSpec[]) => {
  const n: Record<string, number> = {};
  for (const r of rs) n[r.shape!] = (n[r.shape!] ?? 0) + 1 / rs.length;
  return n;
};

describe('independent workload: the pace factor', () => {
  it.each([0.1, 0.25, 0.4])('is lognormal with median 1 and the configured sigma %s', (sigma) => {
    const rng = mulberry32(7);
    const options = resolveIndependent({ paceSigma: sigma });
    const paces = Array.from({ length: 4000 }, () => drawRecording(rng, 70 * MIN, 2, options).pace);
    const logs = paces.map(Math.log);

    expect(median(paces)).toBeGreaterThan(0.96);
    expect(median(paces)).toBeLessThan(1.04);
    // Clamped to [0.5, 2]: the log spread is the sigma, a little less at 0.4 where the clamp bites.
    expect(std(logs)).toBeGreaterThan(sigma * 0.9);
    expect(std(logs)).toBeLessThan(sigma * 1.06);
  });

  it('spreads each recording\'s time on an idle cluster around the projection, capped at idleCapMinutes', () => {
    const t = independent();
    const ratios = scheduled(t)
      .filter((r) => r.shape === 'standard')
      .map((r) => idleMs(r.stages) / projection.criticalPathMs(r.mediaMs));

    expect(median(ratios)).toBeGreaterThan(0.93);
    expect(median(ratios)).toBeLessThan(1.07);
    expect(quantile(ratios, 0.9) / quantile(ratios, 0.1)).toBeGreaterThan(1.6);
    expect(Math.max(...t.recordings.map((r) => idleMs(r.stages)))).toBeLessThanOrEqual(100 * MIN + 60_000);
    const capped = independent({ idleCapMinutes: 60 });
    expect(Math.max(...capped.recordings.map((r) => idleMs(r.stages)))).toBeLessThanOrEqual(60 * MIN + 60_000);
  });
});

describe('independent workload: workflow shapes', () => {
  it('mixes the shapes by their weights (default 0.55 / 0.15 / 0.2 / 0.1), and by given ones', () => {
    const mix = shares(independent().recordings);
    const expected: Record<WorkflowShape, number> = { standard: 0.55, fast: 0.15, 'long-editor': 0.2, retry: 0.1 };
    for (const [shape, share] of Object.entries(expected)) {
      expect(mix[shape]).toBeGreaterThan(share - 0.04);
      expect(mix[shape]).toBeLessThan(share + 0.04);
    }
    const onlyFast = shares(independent({ shapes: { standard: 0, 'long-editor': 0, retry: 0, fast: 1 } }).recordings);
    expect(Object.keys(onlyFast)).toEqual(['fast']);
    expect(onlyFast.fast).toBeCloseTo(1, 9);
  });

  it('draws each shape\'s own stages: fast without editor or composite, a held long editor stage, a failed encode run again', () => {
    const rng = mulberry32(3);
    const byShape = new Map<WorkflowShape, ReturnType<typeof drawRecording>>();
    const options = resolveIndependent({ paceSigma: 0, stageSigma: 0 });
    while (byShape.size < 4) {
      const d = drawRecording(rng, 60 * MIN, 2, options);
      byShape.set(d.shape, d);
    }
    const names = (s: WorkflowShape) => byShape.get(s)!.stages.map((x) => x.name);
    const stage = (s: WorkflowShape, name: string) => byShape.get(s)!.stages.find((x) => x.name === name)!;

    expect(names('fast')).toEqual(['inspect', 'encode', 'images', 'publish']);
    expect(stage('fast', 'encode').jobs.map((j) => j.load)).toEqual([1.5, 1.5]);
    expect(names('standard')).toContain('composite-preview');
    expect(stage('standard', 'encode').jobs.map((j) => j.load)).toEqual([4, 4]);
    expect(stage('long-editor', 'editor').holdMs).toBeGreaterThan(0);
    expect(stage('long-editor', 'editor').holdMs).toBeLessThanOrEqual(20 * MIN);
    expect(Math.max(...stage('long-editor', 'editor').jobs.map((j) => j.durationMs))).toBeGreaterThan(2 * Math.max(...stage('standard', 'editor').jobs.map((j) => j.durationMs)));
    const retry = names('retry');
    expect(retry.indexOf('encode-failed')).toBe(retry.indexOf('encode') - 1);
    const failed = stage('retry', 'encode-failed').jobs;
    stage('retry', 'encode').jobs.forEach((j, i) => expect(failed[i]!.durationMs).toBeLessThan(j.durationMs));
  });

  it('refuses weights that leave no shape, and a negative sigma', () => {
    expect(() => resolveIndependent({ shapes: { standard: 0, fast: 0, 'long-editor': 0, retry: 0 } })).toThrow(/one weight > 0/);
    expect(() => resolveIndependent({ paceSigma: -1 })).toThrow(/paceSigma/);
  });
});

describe('independent workload: uploads the schedule does not know', () => {
  it('keeps the week\'s scheduled recordings and adds unscheduledShare of them as unscheduled uploads', () => {
    const catalog = lectureWeek(base);
    const t = independent();
    const arrivals = (x: Trace) => scheduled(x).map((r) => r.arrivalAt);

    expect(arrivals(t)).toEqual(arrivals(catalog));
    const extra = t.recordings.length - catalog.recordings.length;
    expect(extra / scheduled(t).length).toBeGreaterThan(0.42);
    expect(extra / scheduled(t).length).toBeLessThan(0.58);
    expect(independent({ unscheduledShare: 0 }).recordings).toHaveLength(catalog.recordings.length);
    const doubled = independent({ unscheduledShare: 1 }).recordings.length - catalog.recordings.length;
    expect(doubled / scheduled(t).length).toBeGreaterThan(0.9);
  });

  it('is deterministic per seed', () => {
    expect(independent()).toEqual(independent());
    expect(lectureWeek({ ...base, seed: 2026, workload: { family: 'independent' } })).not.toEqual(independent());
  });
});

describe('the schedule-aware projection on each family', () => {
  it('is exact on the catalog trace and wrong on the independent one (turnaround and work per two-stream recording)', () => {
    // The projection is of the two-stream workflow: it is exact (or not) on two-stream captures.
    const relErr = (t: Trace, measure: (r: RecordingSpec) => number, projected: (r: RecordingSpec) => number) =>
      scheduled(t).filter((r) => r.kind === 'two-stream').map((r) => Math.abs(measure(r) / projected(r) - 1));
    const turnaround = (t: Trace) => relErr(t, (r) => criticalPathMs(r.stages) + r.stages.reduce((s, x) => s + (x.holdMs ?? 0), 0), (r) => projection.criticalPathMs(r.mediaMs));
    const work = (t: Trace) => relErr(t, (r) => loadHours(r.stages) * 60, (r) => projection.workOf(r.mediaMs));

    const catalog = lectureWeek(base);
    expect(Math.max(...turnaround(catalog))).toBeLessThan(0.001);
    expect(Math.max(...work(catalog))).toBeLessThan(0.001);

    const t = independent();
    expect(median(turnaround(t))).toBeGreaterThan(0.1);
    expect(turnaround(t).filter((e) => e > 0.05).length / turnaround(t).length).toBeGreaterThan(0.7);
    expect(median(work(t))).toBeGreaterThan(0.1);
  });
});

describe('a held stage in the model', () => {
  it('creates the stage\'s jobs only after the hold: the recording finishes no sooner than its idle time, holds included', () => {
    const { cluster, advance } = buildCluster({
      workers: [{ hostname: 'worker1', state: 'online', count: 1 }],
      trace: { generator: { name: 'lecture-week', seed: 5, rooms: 20, workload: { family: 'independent', shapes: { standard: 0, fast: 0, retry: 0, 'long-editor': 1 }, unscheduledShare: 0 } } },
    });
    const trace = scenarioTrace(parseScenario({ cluster: 'c', start: new Date(START).toISOString(), trace: { generator: { name: 'lecture-week', seed: 5, rooms: 20, workload: { family: 'independent', shapes: { standard: 0, fast: 0, retry: 0, 'long-editor': 1 }, unscheduledShare: 0 } } } }));
    const first = trace.recordings[0]!;
    expect(first.stages.some((s) => (s.holdMs ?? 0) > 0)).toBe(true);
    advance(first.arrivalAt - START + 3 * HOUR);
    const done = cluster.recordings().find((r) => r.id === first.id)!;

    expect(done.completedAt).toBeDefined();
    expect(done.completedAt! - done.arrivalAt).toBeGreaterThanOrEqual(idleMs(first.stages));
  });

  it('is a scenario field: validated, with the path of a bad value', () => {
    const scenario = (workload: object) => ({ cluster: 'c', start: '2025-09-08T04:00:00Z', trace: { generator: { name: 'lecture-week', workload } } });
    expect(parseScenario(scenario({ family: 'independent', paceSigma: 0.3 })).trace.generator?.workload).toEqual({ family: 'independent', paceSigma: 0.3 });
    expect(() => parseScenario(scenario({ family: 'independent', paceSigma: -1 }))).toThrow(/trace\.generator\.workload\.paceSigma/);
    expect(() => parseScenario(scenario({ family: 'independent', shapes: { standard: 0, fast: 0, retry: 0, 'long-editor': 0 } }))).toThrow(/trace\.generator\.workload\.shapes.*one shape/);
    expect(() => parseScenario(scenario({ family: 'catalog', paceSigma: 0.3 }))).toThrow(/trace\.generator\.workload/);
  });
});
