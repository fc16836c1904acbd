import { describe, expect, it } from 'vitest';
import type { Cell } from '../../bench/measure';
import { markdownTable, rowsOf, textTable, type TraceResult } from '../../bench/report';

const cell = (policy: string, billing: Cell['billing'], billedHours: number): Cell => ({
  trace: 't',
  policy,
  label: policy,
  billing,
  billedHours,
  runHours: billedHours,
  waitSeconds: { p50: 1, p95: 1.9, p99: 2, max: 60 },
  withinTarget: 1,
  recordingsDue: 10,
  interrupted: 0,
  unfinishedJobs: 0,
  starts: 3,
  stops: 3,
  floorViolationMinutes: 0,
  failedCycles: 0,
  online: [],
  realSeconds: 1,
});

const result: TraceResult = {
  id: 't',
  note: 'a test trace',
  window: { start: '2025-09-08T04:00:00.000Z', end: '2025-09-09T04:00:00.000Z', hours: 24 },
  recordings: 10,
  slotsPerWorker: 36,
  peakWorkers: 3,
  bounds: { fluid: 10, clairvoyant: { hourly: 40, 'per-second': 32 } },
  cells: [cell('original', 'hourly', 100), cell('headroom', 'hourly', 60), cell('original', 'per-second', 80), cell('headroom', 'per-second', 40)],
  needed: [],
};

describe('bench report', () => {
  it('puts every policy beside the original and both bounds of the same billing mode', () => {
    const rows = rowsOf(result);

    const headroom = rows.find((r) => r.policy === 'headroom' && r.billing === 'per-second')!;
    expect(headroom.vsOriginal).toBeCloseTo(0.5);
    expect(headroom.vsClairvoyant).toBeCloseTo(1.25);
    expect(headroom.vsFluid).toBeCloseTo(4);
    expect(rows.filter((r) => r.policy.startsWith('bound:')).map((r) => [r.policy, r.billing, r.billedHours])).toEqual([
      ['bound: clairvoyant', 'hourly', 40],
      ['bound: fluid', 'hourly', 10],
      ['bound: clairvoyant', 'per-second', 32],
      ['bound: fluid', 'per-second', 10],
    ]);
  });

  it('prints the same rows as text and as markdown', () => {
    expect(textTable(result).split('\n')).toHaveLength(3 + 8);
    expect(markdownTable(result)).toContain('| headroom | per-second | 40.0 | 0.50 | 4.00 | 1.25 | 1.0 / 1.9 / 2.0 | 60 | 100.0% | 0 | 3 | 3 | 0 |');
  });
});
