import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchMetrics } from '../../../adapters/aws/cloudwatch-metrics';
import { DependencyError, ThrottledError } from '../../../core/errors';
import type { MetricQuery } from '../../../core/ports';
import { FixtureClusterState, T0 } from '../../fixtures/aws-sim-state';
import { type Connected, connect, countCalls, transports } from './transports';

const MINUTE = 60_000;

/** load_1 of the Workers layer: two samples a minute for the 10 minutes before T0. */
function layerLoadSeries() {
  return {
    namespace: 'AWS/OpsWorks',
    metric: 'load_1',
    dimension: { name: 'LayerId', value: 'layer-workers' },
    datapoints: Array.from({ length: 20 }, (_, n) => ({
      timestamp: T0 - 10 * MINUTE + n * 30_000,
      value: n,
    })),
  };
}

function query(overrides: Partial<MetricQuery> = {}): MetricQuery {
  return {
    namespace: 'AWS/OpsWorks',
    metric: 'load_1',
    dimension: { name: 'LayerId', value: 'layer-workers' },
    periodSeconds: 60,
    start: new Date(T0 - 5 * MINUTE),
    end: new Date(T0),
    ...overrides,
  };
}

describe.each(transports)('CloudWatchMetrics over $name', (transport) => {
  let state: FixtureClusterState;
  let aws: Connected;
  let metrics: CloudWatchMetrics;

  beforeEach(async () => {
    state = new FixtureClusterState({ series: [layerLoadSeries()] });
    aws = await connect(transport, state);
    metrics = new CloudWatchMetrics({ cloudwatch: aws.clients.cloudwatch });
  });

  afterEach(async () => {
    await aws.close();
  });

  /** The datapoints of one query, failing the test when CloudWatch gave an error instead. */
  async function averages(q: MetricQuery) {
    const [answer] = await metrics.getAverages([q]);
    if (!answer || 'error' in answer) throw new Error(`no datapoints: ${JSON.stringify(answer)}`);
    return answer.datapoints;
  }

  it('returns per-period averages oldest first within [start, end)', async () => {
    // Act
    const points = await averages(query());

    // Assess: minute k before T0 holds samples 2(10-k) and 2(10-k)+1.
    expect(points).toEqual([
      { timestamp: new Date(T0 - 5 * MINUTE).toISOString(), value: 10.5 },
      { timestamp: new Date(T0 - 4 * MINUTE).toISOString(), value: 12.5 },
      { timestamp: new Date(T0 - 3 * MINUTE).toISOString(), value: 14.5 },
      { timestamp: new Date(T0 - 2 * MINUTE).toISOString(), value: 16.5 },
      { timestamp: new Date(T0 - 1 * MINUTE).toISOString(), value: 18.5 },
    ]);
    expect(countCalls(aws.calls, 'cloudwatch', 'GetMetricData')).toBe(1);
  });

  it('averages over the whole period when the period spans several minutes', async () => {
    // Act
    const points = await averages(query({ periodSeconds: 300, start: new Date(T0 - 10 * MINUTE) }));

    // Assess
    expect(points.map((p) => p.value)).toEqual([4.5, 14.5]);
  });

  it('returns no datapoints when the dimension matches no series', async () => {
    // Act
    const points = await averages(query({ dimension: { name: 'LayerId', value: 'layer-admin' } }));

    // Assess
    expect(points).toEqual([]);
  });

  it('returns no datapoints when the metrics-missing fault is active', async () => {
    // Prepare
    state.faults.add('metrics-missing');

    // Act
    const points = await averages(query());

    // Assess
    expect(points).toEqual([]);
  });

  it('answers several metrics of one window in one call, each in the order asked', async () => {
    // Act
    const answers = await metrics.getAverages([
      query({ dimension: { name: 'LayerId', value: 'layer-admin' } }),
      query({ periodSeconds: 300, start: new Date(T0 - 10 * MINUTE) }),
      query(),
    ]);

    // Assess: the 300 s query has its own window, so its own call.
    expect(answers).toEqual([
      { datapoints: [] },
      { datapoints: [expect.objectContaining({ value: 4.5 }), expect.objectContaining({ value: 14.5 })] },
      { datapoints: expect.arrayContaining([{ timestamp: new Date(T0 - MINUTE).toISOString(), value: 18.5 }]) },
    ]);
    expect(countCalls(aws.calls, 'cloudwatch', 'GetMetricData')).toBe(2);
  });

  it('throws ThrottledError when CloudWatch throttles', async () => {
    // Prepare
    state.faults.add('aws-throttle@cloudwatch');

    // Act
    const read = metrics.getAverages([query()]);

    // Assess
    await expect(read).rejects.toBeInstanceOf(ThrottledError);
    await expect(read).rejects.toMatchObject({ system: 'cloudwatch' });
  });

  it('throws DependencyError naming the refusal when the period is invalid', async () => {
    // Act
    const read = metrics.getAverages([query({ periodSeconds: 90 })]);

    // Assess
    await expect(read).rejects.toBeInstanceOf(DependencyError);
    await expect(read).rejects.toThrow(/InvalidParameterValue/);
  });
});
