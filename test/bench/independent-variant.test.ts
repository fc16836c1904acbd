import { describe, expect, it } from 'vitest';
import { INDEPENDENT, scenarioOf, VARIANTS } from '../../bench/matrix';
import { scenarioTrace } from '../../sim/model/create';

describe('the lecture week on the independent workload (bench variant)', () => {
  it('is the lecture week of the same seed with jobs the policy did not write: same scheduled captures, more uploads, drawn shapes', () => {
    expect(VARIANTS.map((v) => v.id)).toContain(INDEPENDENT);
    const plain = scenarioOf({ week: 'lecture', seed: 101, billing: 'per-second' });
    const variant = scenarioOf({ week: 'lecture', seed: 101, billing: 'per-second', variant: INDEPENDENT });

    expect(variant.trace.generator?.workload).toEqual({ family: 'independent' });
    expect({ ...variant, trace: plain.trace }).toEqual(plain);
    const [a, b] = [scenarioTrace(plain), scenarioTrace(variant)];
    const captures = (t: typeof a) => t.recordings.filter((r) => r.scheduled).map((r) => [r.arrivalAt, r.mediaMs, r.scheduled!.agent]);
    expect(captures(b)).toEqual(captures(a));
    expect(b.recordings.length).toBeGreaterThan(a.recordings.length * 1.3);
    expect(new Set(b.recordings.map((r) => r.shape))).toEqual(new Set(['standard', 'fast', 'long-editor', 'retry']));
    expect(a.recordings.every((r) => r.shape === undefined)).toBe(true);
  });
});
