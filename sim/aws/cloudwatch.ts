/**
 * CloudWatch (awsJson1_0, target prefix `GraniteServiceVersion20100801`):
 * GetMetricStatistics over the model's metric series. Datapoints are grouped
 * into `Period`-second buckets from StartTime (rounded down to the minute, as
 * CloudWatch does), inside [StartTime, EndTime), empty buckets left out.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 */
import { SimAwsError, type SimDatapoint } from '../model/types';
import { type JsonObject, optionalNumber, optionalString, optionalStringList, optionalTimestamp } from './json-input';
import type { JsonOperation } from './opsworks';

const STATISTICS = ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum'] as const;
type Statistic = (typeof STATISTICS)[number];

/** GetMetricStatistics answers at most this many datapoints per call. */
const MAX_DATAPOINTS = 1440;

export const cloudwatchOperations: Readonly<Record<string, JsonOperation>> = {
  GetMetricStatistics(state, input) {
    const query = readQuery(input);
    // A missing metric is an empty answer in CloudWatch, never an error.
    const dimension = query.dimensions.length === 1 ? query.dimensions[0] : undefined;
    const series =
      dimension && !state.faultActive('metrics-missing', query.metric)
        ? state.metricSeries(query.namespace, query.metric, dimension, query.start)
        : undefined;
    const buckets = bucketise(series?.datapoints ?? [], query.start, query.end, query.period * 1000);
    const datapoints = [...buckets.entries()]
      // CloudWatch promises no order; newest first makes clients that assume one fail loudly.
      .sort(([a], [b]) => b - a)
      .map(([bucketStart, values]) => ({
        Timestamp: bucketStart / 1000,
        ...Object.fromEntries(query.statistics.map((s) => [s, statistic(s, values)])),
        Unit: 'None',
      }));
    return { Label: query.metric, Datapoints: datapoints };
  },
};

interface StatisticsQuery {
  namespace: string;
  metric: string;
  dimensions: { name: string; value: string }[];
  start: number;
  end: number;
  period: number;
  statistics: Statistic[];
}

function readQuery(input: JsonObject): StatisticsQuery {
  const namespace = required(optionalString(input, 'Namespace'), 'Namespace');
  const metric = required(optionalString(input, 'MetricName'), 'MetricName');
  const startMs = required(optionalTimestamp(input, 'StartTime'), 'StartTime');
  const end = required(optionalTimestamp(input, 'EndTime'), 'EndTime');
  const period = required(optionalNumber(input, 'Period'), 'Period');
  const statistics = optionalStringList(input, 'Statistics');
  if (optionalStringList(input, 'ExtendedStatistics') !== undefined) {
    throw new SimAwsError('InvalidParameterValueException', 'ExtendedStatistics (percentiles) are not simulated.');
  }
  if (!statistics || statistics.length === 0) {
    throw new SimAwsError('InvalidParameterCombinationException', 'Must specify either Statistics or ExtendedStatistics.');
  }
  const unknown = statistics.find((s) => !(STATISTICS as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw new SimAwsError('InvalidParameterValueException', `The parameter Statistics contains an invalid value: ${unknown}`);
  }
  if (!Number.isInteger(period) || period < 1 || (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 30].includes(period))) {
    throw new SimAwsError('InvalidParameterValueException', 'The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
  }
  const start = Math.floor(startMs / 60_000) * 60_000;
  if (start >= end) {
    throw new SimAwsError('InvalidParameterValueException', 'The parameter StartTime must be less than the parameter EndTime.');
  }
  const requested = Math.ceil((end - start) / (period * 1000));
  if (requested > MAX_DATAPOINTS) {
    throw new SimAwsError(
      'InvalidParameterCombinationException',
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}.`,
    );
  }
  const dimensions = readDimensions(input['Dimensions']);
  return { namespace, metric, dimensions, start, end, period, statistics: statistics as Statistic[] };
}

function readDimensions(value: unknown): { name: string; value: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SimAwsError('SerializationException', 'Dimensions: expected a list');
  return value.map((d: unknown) => {
    const dim = (typeof d === 'object' && d !== null ? d : {}) as JsonObject;
    const name = optionalString(dim, 'Name');
    const val = optionalString(dim, 'Value');
    if (name === undefined || val === undefined) {
      throw new SimAwsError('MissingRequiredParameterException', 'A dimension needs both Name and Value.');
    }
    return { name, value: val };
  });
}

function required<T>(value: T | undefined, member: string): T {
  if (value === undefined) {
    throw new SimAwsError('MissingRequiredParameterException', `The parameter ${member} is required.`);
  }
  return value;
}

function bucketise(points: readonly SimDatapoint[], start: number, end: number, periodMs: number): Map<number, number[]> {
  const buckets = new Map<number, number[]>();
  for (const p of points) {
    if (p.timestamp < start || p.timestamp >= end) continue;
    const bucket = start + Math.floor((p.timestamp - start) / periodMs) * periodMs;
    const list = buckets.get(bucket);
    if (list) list.push(p.value);
    else buckets.set(bucket, [p.value]);
  }
  return buckets;
}

function statistic(name: Statistic, values: readonly number[]): number {
  switch (name) {
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
}
