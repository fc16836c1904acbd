/**
 * MetricsPort over CloudWatch GetMetricStatistics (statistic Average, one
 * dimension), as the original's `cloudwatch` strategy queried it.
 */
import { type CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricQuery, MetricsPort } from '../../core/ports';
import type { Datapoint } from '../../core/types';
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
    return (out.Datapoints ?? [])
      .flatMap((d) =>
        d.Timestamp && typeof d.Average === 'number' ? [{ timestamp: d.Timestamp, value: d.Average }] : [],
      )
      .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())
      .map((d) => ({ timestamp: d.timestamp.toISOString(), value: d.value }));
  }
}
