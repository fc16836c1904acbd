/**
 * The cycle's figures as an embedded-metric-format document: every declared
 * metric is a number at the root, the dimension is there, unknown figures are
 * left out (not published as 0), and the Lambda wrapper writes one JSON line
 * per successful cycle and nothing otherwise.
 */
import { describe, expect, it } from 'vitest';
import { emfDocument, emfTargetFrom, FIGURE_METRICS, withEmfFigures } from '../../../adapters/aws/emf';
import type { CycleFigures } from '../../../core/cycle-figures';

const FIGURES: CycleFigures = {
  queuedJobs: 12,
  queuedHighLoadJobs: 4,
  runningJobs: 30,
  workersOnline: 3,
  workersPending: 1,
  workersStopped: 6,
  workersInService: 3,
  workersInMaintenance: 0,
  boots: 1,
  drains: 0,
  releases: 0,
  metricGaps: 1,
  opencastDown: 0,
};
const TARGET = { namespace: 'MoScaler/moscaler-prod', service: 'prod' };

describe('emfDocument', () => {
  it('declares every figure under _aws with its namespace, dimension and unit, each one a number at the root', () => {
    const doc = emfDocument(FIGURES, TARGET, 1_760_000_000_000) as Record<string, any>;
    const [directive] = doc._aws.CloudWatchMetrics;
    expect(doc._aws.Timestamp).toBe(1_760_000_000_000);
    expect(directive.Namespace).toBe('MoScaler/moscaler-prod');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(doc.service).toBe('prod');
    expect(directive.Metrics).toHaveLength(Object.keys(FIGURES).length);
    for (const { Name, Unit } of directive.Metrics) {
      expect(typeof doc[Name], Name).toBe('number');
      expect(['Count', 'None']).toContain(Unit);
    }
    expect(doc.QueuedJobs).toBe(12);
    expect(doc.MetricGaps).toBe(1);
    // The spec caps a directive at 100 metrics and 30 dimensions.
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
  });

  it('leaves out a figure nobody knows this cycle (Opencast down) rather than publishing 0', () => {
    const doc = emfDocument({ ...FIGURES, queuedJobs: null, queuedHighLoadJobs: null, runningJobs: null, opencastDown: 1 }, TARGET, 0) as Record<string, any>;
    const names = doc._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);
    expect(names).not.toContain(FIGURE_METRICS.queuedJobs.name);
    expect(doc.QueuedJobs).toBeUndefined();
    expect(doc.OpencastDown).toBe(1);
  });
});

describe('withEmfFigures', () => {
  it('writes one JSON line per successful cycle, after the handler, with the target from the environment', async () => {
    const lines: string[] = [];
    const env = { POWERTOOLS_METRICS_NAMESPACE: TARGET.namespace, POWERTOOLS_SERVICE_NAME: TARGET.service };
    const handler = withEmfFigures(async (n: number) => ({ n, figures: FIGURES }), () => emfTargetFrom(env), (l) => lines.push(l), () => 5);
    await expect(handler(7)).resolves.toMatchObject({ n: 7 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ _aws: { Timestamp: 5 }, service: 'prod', Boots: 1 });
  });

  it('writes nothing when the handler fails, or outside Lambda (no namespace set)', async () => {
    const lines: string[] = [];
    const failing = withEmfFigures(async () => Promise.reject(new Error('boom')) as Promise<{ figures: CycleFigures }>, () => TARGET, (l) => lines.push(l));
    await expect(failing(undefined)).rejects.toThrow('boom');
    const local = withEmfFigures(async () => ({ figures: FIGURES }), () => emfTargetFrom({}), (l) => lines.push(l));
    await local(undefined);
    expect(lines).toEqual([]);
  });
});
