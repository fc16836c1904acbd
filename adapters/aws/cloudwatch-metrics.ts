/**
 * MetricsPort over CloudWatch GetMetricData (statistic Average, one dimension
 * per metric): all of a cycle's `cloudwatch` strategies in one call per
 * distinct time window, where the original made one GetMetricStatistics call
 * per strategy. The datapoints are the same: Period-long buckets, empty ones left out.
 */
import { type CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { MetricAnswer, MetricQuery, MetricsPort } from '../../core/ports';
import type { Datapoint } from '../../core/types';
import { AnswerReader } from './answer-shape';
import { callAws } from './errors';

/** GetMetricData takes at most this many queries per call. */
const MAX_QUERIES = 500;
/** Pages followed before giving up (a page holds up to 100,800 datapoints; a strategy reads a handful). */
const MAX_PAGES = 10;

export class CloudWatchMetrics implements MetricsPort {
  constructor(private readonly deps: { cloudwatch: CloudWatchClient }) {}

  async getAverages(queries: readonly MetricQuery[]): Promise<MetricAnswer[]> {
    const answers: MetricAnswer[] = new Array(queries.length);
    for (const batch of batches(queries)) {
      const got = await this.fetch(batch.map((i) => queries[i]!));
      batch.forEach((queryIndex, i) => (answers[queryIndex] = got[i]!));
    }
    return answers;
  }

  /** One window's queries (ids q0, q1, …), following NextToken; answers in query order. */
  private async fetch(queries: MetricQuery[]): Promise<MetricAnswer[]> {
    const window = queries[0];
    if (!window) return [];
    const read = new AnswerReader('cloudwatch', 'GetMetricData');
    const points = queries.map((): Datapoint[] => []);
    const errors = queries.map((): string | undefined => undefined);
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out: GetMetricDataCommandOutput = await callAws({ system: 'cloudwatch', operation: 'GetMetricData' }, () =>
        this.deps.cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: window.start,
            EndTime: window.end,
            ScanBy: 'TimestampAscending',
            MetricDataQueries: queries.map((q, i) => ({
              Id: `q${i}`,
              ReturnData: true,
              MetricStat: {
                Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: [{ Name: q.dimension.name, Value: q.dimension.value }] },
                Period: q.periodSeconds,
                Stat: 'Average',
              },
            })),
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      read.optionalList(out.MetricDataResults, 'MetricDataResults').forEach((value, n) => {
        const field = `MetricDataResults[${n}]`;
        const result = read.record(value, field);
        const id = read.text(result.Id, `${field}.Id`);
        const i = /^q(\d+)$/.test(id) ? Number(id.slice(1)) : -1;
        if (i < 0 || i >= queries.length) read.fail(`${field}.Id`, 'the id of a query that was sent', id);
        const timestamps = read.optionalList(result.Timestamps, `${field}.Timestamps`);
        const values = read.optionalList(result.Values, `${field}.Values`);
        if (timestamps.length !== values.length) read.fail(`${field}.Values`, `as many values as timestamps (${timestamps.length})`, values.length);
        timestamps.forEach((t, k) => {
          const timestamp = read.optionalDate(t, `${field}.Timestamps[${k}]`);
          const average = read.optionalNumber(values[k], `${field}.Values[${k}]`);
          if (timestamp && average !== undefined) points[i]!.push({ timestamp: timestamp.toISOString(), value: average });
        });
        const status = read.optionalText(result.StatusCode, `${field}.StatusCode`);
        if (status === 'Forbidden' || status === 'InternalError') {
          const said = read.optionalList(result.Messages, `${field}.Messages`).flatMap((m, k) => {
            const text = read.optionalText(read.record(m, `${field}.Messages[${k}]`).Value, `${field}.Messages[${k}].Value`);
            return text ? [text] : [];
          });
          errors[i] = `CloudWatch answered ${status} for ${queries[i]!.metric}${said.length ? `: ${said.join('; ')}` : ''}`;
        }
      });
      nextToken = read.optionalText(out.NextToken, 'NextToken');
      pages += 1;
    } while (nextToken && pages < MAX_PAGES);
    // Never vote on part of a window.
    const incomplete = nextToken ? `CloudWatch's answer was still incomplete after ${MAX_PAGES} pages` : undefined;
    return queries.map((_, i) => {
      const error = errors[i] ?? incomplete;
      if (error) return { error };
      // Oldest first: the strategies sort as they need, and CloudWatch's order is the request's ScanBy.
      return { datapoints: points[i]!.sort((a, b) => a.timestamp.localeCompare(b.timestamp)) };
    });
  }
}

/** Query indexes grouped by their [start, end) window (one call covers one window), at most MAX_QUERIES each. */
function batches(queries: readonly MetricQuery[]): number[][] {
  const byWindow = new Map<string, number[]>();
  queries.forEach((q, i) => {
    const key = `${q.start.getTime()}/${q.end.getTime()}`;
    const list = byWindow.get(key);
    if (list) list.push(i);
    else byWindow.set(key, [i]);
  });
  const out: number[][] = [];
  for (const indexes of byWindow.values()) {
    for (let i = 0; i < indexes.length; i += MAX_QUERIES) out.push(indexes.slice(i, i + MAX_QUERIES));
  }
  return out;
}
