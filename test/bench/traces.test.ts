import { describe, expect, it } from 'vitest';
import { loadScenario, prepareTrace, replayFrom, TRACES } from '../../bench/traces';
import { scenarioTrace } from '../../sim/model/create';

const signature = (r: { arrivalAt: number; stages: Array<{ jobs: Array<{ workflowOperation: string; type: string; operation: string; load: number; durationMs: number }> }> }) =>
  `${r.arrivalAt}:${r.stages
    .filter((s) => s.jobs.length > 0)
    .map((s) => s.jobs.map((j) => `${j.workflowOperation}/${j.type}/${j.operation}/${j.load}/${j.durationMs}`).sort().join(','))
    .join('|')}`;

describe('bench traces', () => {
  it('replays the shipped trace from a later start with the same recordings, jobs, loads and durations', () => {
    const shipped = loadScenario('scenarios/exam-spike.json');
    const from = Date.parse(shipped.start) + 48 * 3_600_000;

    const replayed = replayFrom(shipped, from);

    const expected = scenarioTrace(shipped).recordings.filter((r) => r.arrivalAt >= from).map(signature);
    expect(scenarioTrace(replayed).recordings.map(signature)).toEqual(expected);
    expect(replayed.start).toBe(new Date(from).toISOString());
    expect(replayed.workers).toEqual(shipped.workers);
  });

  it('knows each trace’s slots and the uptime its starting workers bring', () => {
    const lecture = prepareTrace(TRACES.find((t) => t.id === 'lecture-week')!);

    expect(lecture.slotsPerWorker).toBe(36);
    expect(lecture.initialUptimesMs).toEqual([600 * 60_000, 600 * 60_000]);
    expect(lecture.window.end - lecture.window.start).toBe(50 * 3_600_000);
  });
});
