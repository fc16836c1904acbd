/**
 * MetricsPort over CloudWatch GetMetricStatistics (statistic Average, one
 * dimension), as the original's `cloudwatch` strategy queried it.
 */
import { type CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricQuery, MetricsPort } from '../../core/ports';
import type { Datapoint } from '../../core/types';
import { AnswerReader } from './answer-shape';
import { callAws } from './errors';

export class CloudWatchMetrics implements MetricsPort {
  constructor(private readonly deps: { cloudwatch: CloudWatchClient }) {}

  /** Datapoints oldest first: CloudWatch documents no order for them. */
  async getAverages(query: MetricQuery): Promise<Datapoint[]> {
    const out = await callAws({ system: 'cloudwatch', operation: 'GetMetricStatistics' }, () =>
      this.deps.cloudwatch.send(
        new GetMetricStatisticsCommand({
          Namespace: query.namespace,
          MetricName: query.metric,
          Dimensions: [{ Name: query.dimension.name, Value: query.dimension.value }],
          StartTime: query.start,
          EndTime: query.end,
          Period: query.periodSeconds,
          Statistics: ['Average'],
        }),
      ),
    );
    const read = new AnswerReader('cloudwatch', 'GetMetricStatistics');
    return read
      .optionalList(out.Datapoints, 'Datapoints')
      .flatMap((point, i) => {
        const d = read.record(point, `Datapoints[${i}]`);
        const timestamp = read.optionalDate(d.Timestamp, `Datapoints[${i}].Timestamp`);
        const value = read.optionalNumber(d.Average, `Datapoints[${i}].Average`);
        return timestamp && value !== undefined ? [{ timestamp, value }] : [];
      })
      .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())
      .map((d) => ({ timestamp: d.timestamp.toISOString(), value: d.value }));
  }
}
