import { describe, expect, it } from 'vitest';
import { scenarioTrace } from '../../sim/model/create';
import { jobsOf } from '../../sim/model/job-catalog';
import type { Trace } from '../../sim/model/traces';
import { deadlineBound, phasesOf } from '../../bench/lp-bound';
import { scenarioOf, TAIL_MS, WEEK_MS } from '../../bench/matrix';
import { runOne } from '../../bench/runs';
import { boundInput } from '../../bench/bounds-run';

const START = Date.parse('2025-10-13T04:00:00Z');
const MIN = 60_000;
const H = 3_600_000;

/** One recording, one stage: a single job of `load` for `minutes`, arriving an hour in. */
const oneJob = (load: number, minutes: number): Trace => ({
  recordings: [{ id: 'r1', kind: 'explicit', arrivalAt: START + H, mediaMs: 0, stages: [{ name: 's', jobs: jobsOf('encode', 1, minutes * MIN, load) }] }],
});

const base = { start: START, end: START + 4 * H, slotsPerWorker: 36, minWorkers: 0, initialOnline: 0, availableWorkers: 5, pendingBilledMs: 223_000, stopBilledMs: 30_000 };

describe('deadline-aware LP bound', () => {
  it('pays a whole worker for the hour when the deadline leaves no slack, plus one start and one stop', async () => {
    const b = await deadlineBound({ ...base, trace: oneJob(36, 60), deadlineMs: 60 * MIN });

    expect(b.status).toBe('optimal');
    expect(b.instanceHours).toBeCloseTo(1 + 253 / 3600, 3);
  });

  it('spreads the work over the slack, so a worker can be half a worker on average (the LP is a relaxation)', async () => {
    const tight = await deadlineBound({ ...base, trace: oneJob(18, 60), deadlineMs: 60 * MIN });
    const slack = await deadlineBound({ ...base, trace: oneJob(18, 60), deadlineMs: 120 * MIN });

    // 18 load for an hour is half a 36-slot worker for an hour either way; the rise and fall are half a worker each.
    expect(tight.instanceHours).toBeCloseTo(0.5 + (0.5 * 253) / 3600, 3);
    expect(slack.instanceHours).toBeLessThanOrEqual(tight.instanceHours + 1e-6);
  });

  it('keeps the floor billed, and reports the hours above it', async () => {
    const b = await deadlineBound({ ...base, trace: { recordings: [] }, minWorkers: 2, initialOnline: 2, deadlineMs: 120 * MIN });

    expect(b.instanceHours).toBeCloseTo(8, 6);
    expect(b.aboveFloor).toBeCloseTo(0, 6);
  });

  it('windows each stage between the longest jobs before it and the deadline less those after it', () => {
    const rec = scenarioTrace(scenarioOf({ week: 'quiet', seed: 7, billing: 'per-second' })).recordings.find((r) => r.kind === 'two-stream')!;
    const phases = phasesOf(rec, 120 * MIN);

    expect(phases[0]!.from).toBe(rec.arrivalAt);
    expect(phases.at(-1)!.to).toBe(rec.arrivalAt + 120 * MIN);
    for (const p of phases) expect(p.to - p.from).toBeGreaterThanOrEqual((p.work / p.peak) * MIN - 1);
  });
});

describe("the bound's input from a bench week", () => {
  it('bills each start from EC2 running until Opencast registers the worker: pending, boot, setup and registration (313 s)', () => {
    const input = boundInput('quiet', 7, 66);

    expect(input.pendingBilledMs).toBe(13_000 + 60_000 + 150_000 + 90_000);
    expect(input.stopBilledMs).toBe(30_000);
    expect(input.deadlineMs).toBe(66 * MIN);
  });
});

describe('no policy run beats the bound it is compared with', () => {
  it.each([
    ['original-2min', 10],
    ['headroom', 1.5],
    ['target-tracking', 1.3],
    ['schedule-aware', 2],
  ])('%s=%s on the quiet week bills at least the LP optimum at its own worst turnaround', async (family, value) => {
    const run = await runOne({ week: 'quiet', seed: 7, billing: 'per-second', family, value });
    const scenario = scenarioOf({ week: 'quiet', seed: 7, billing: 'per-second' });
    const start = Date.parse(scenario.start);
    const bound = await deadlineBound({
      trace: scenarioTrace(scenario),
      start,
      end: start + WEEK_MS + TAIL_MS,
      slotsPerWorker: 36,
      minWorkers: scenario.minWorkers,
      initialOnline: 2,
      availableWorkers: 4,
      deadlineMs: Math.ceil(run.outcome.turnaround.max) * MIN,
      pendingBilledMs: 223_000,
      stopBilledMs: 30_000,
    });

    expect(bound.status).toBe('optimal');
    expect(run.outcome.billed['per-second']).toBeGreaterThanOrEqual(bound.instanceHours);
    expect(run.outcome.billed['per-second'] - run.outcome.floorHours).toBeGreaterThanOrEqual(bound.aboveFloor);
  }, 120_000);
});
