/**
 * CloudWatch (awsJson1_0, target prefix `GraniteServiceVersion20100801`):
 * GetMetricStatistics and GetMetricData (MetricStat queries; metric math is not
 * simulated) over the model's metric series. Datapoints are grouped into
 * `Period`-second buckets from StartTime (rounded down to the minute, as
 * CloudWatch does), inside [StartTime, EndTime), empty buckets left out.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
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

  GetMetricData(state, input) {
    const request = readDataRequest(input);
    const results = request.queries.map((q) => {
      const dimension = q.dimensions.length === 1 ? q.dimensions[0] : undefined;
      const series =
        dimension && !state.faultActive('metrics-missing', q.metric) ? state.metricSeries(q.namespace, q.metric, dimension, request.start) : undefined;
      const points = [...bucketise(series?.datapoints ?? [], request.start, request.end, q.period * 1000)]
        .sort(([a], [b]) => (request.descending ? b - a : a - b))
        .map(([bucketStart, values]) => ({ timestamp: bucketStart / 1000, value: statistic(q.stat, values) }));
      return { id: q.id, label: q.metric, points };
    });
    return pageOfResults(results, request.offset, request.maxDatapoints);
  },
};

interface DataQuery {
  id: string;
  namespace: string;
  metric: string;
  dimensions: { name: string; value: string }[];
  period: number;
  stat: Statistic;
}

interface DataRequest {
  queries: DataQuery[];
  start: number;
  end: number;
  descending: boolean;
  maxDatapoints: number;
  /** Datapoints already returned on earlier pages (what our NextToken carries). */
  offset: number;
}

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

function readDataRequest(input: JsonObject): DataRequest {
  const startMs = required(optionalTimestamp(input, 'StartTime'), 'StartTime');
  const end = required(optionalTimestamp(input, 'EndTime'), 'EndTime');
  const start = Math.floor(startMs / 60_000) * 60_000;
  if (start >= end) {
    throw new SimAwsError('InvalidParameterValueException', 'The parameter StartTime must be less than the parameter EndTime.');
  }
  const scanBy = optionalString(input, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw new SimAwsError('InvalidParameterValueException', `The parameter ScanBy must be TimestampDescending or TimestampAscending.`);
  }
  const maxDatapoints = optionalNumber(input, 'MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
  if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    throw new SimAwsError('InvalidParameterValueException', 'The parameter MaxDatapoints must be a positive integer.');
  }
  const token = optionalString(input, 'NextToken');
  const offset = token === undefined ? 0 : readToken(token);
  const raw = input['MetricDataQueries'];
  if (!Array.isArray(raw) || raw.length === 0) throw new SimAwsError('MissingRequiredParameterException', 'The parameter MetricDataQueries is required.');
  if (raw.length > MAX_QUERIES) {
    throw new SimAwsError('InvalidParameterValueException', `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  }
  const queries = raw.map((q: unknown, i) => readDataQuery(q, i));
  const ids = new Set<string>();
  for (const q of queries) {
    if (ids.has(q.id)) throw new SimAwsError('InvalidParameterValueException', `The value ${q.id} for field Id must be unique.`);
    ids.add(q.id);
  }
  return { queries, start, end, descending: scanBy === 'TimestampDescending', maxDatapoints, offset };
}

function readDataQuery(value: unknown, index: number): DataQuery {
  const at = `MetricDataQueries.member.${index + 1}`;
  const q = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as JsonObject;
  const id = required(optionalString(q, 'Id'), `${at}.Id`);
  if (!QUERY_ID.test(id) || id.length > 255) {
    throw new SimAwsError('InvalidParameterValueException', `The value ${id} for parameter ${at}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`);
  }
  if (q['Expression'] !== undefined) throw new SimAwsError('InvalidParameterValueException', `${at}.Expression: metric math is not simulated.`);
  if (q['ReturnData'] === false) throw new SimAwsError('InvalidParameterValueException', `${at}.ReturnData: false is only useful with metric math, which is not simulated.`);
  const stat = objectMember(q, 'MetricStat', at);
  const metric = objectMember(stat, 'Metric', `${at}.MetricStat`);
  const period = required(optionalNumber(stat, 'Period'), `${at}.MetricStat.Period`);
  checkPeriod(period);
  const name = required(optionalString(stat, 'Stat'), `${at}.MetricStat.Stat`);
  if (!(STATISTICS as readonly string[]).includes(name)) {
    throw new SimAwsError('InvalidParameterValueException', `${at}.MetricStat.Stat: ${name} is not simulated (${STATISTICS.join(', ')} are).`);
  }
  return {
    id,
    namespace: required(optionalString(metric, 'Namespace'), `${at}.MetricStat.Metric.Namespace`),
    metric: required(optionalString(metric, 'MetricName'), `${at}.MetricStat.Metric.MetricName`),
    dimensions: readDimensions(metric['Dimensions']),
    period,
    stat: name as Statistic,
  };
}

function objectMember(input: JsonObject, member: string, at: string): JsonObject {
  const value = input[member];
  if (value === undefined || value === null) throw new SimAwsError('MissingRequiredParameterException', `The parameter ${at}.${member} is required.`);
  if (typeof value !== 'object' || Array.isArray(value)) throw new SimAwsError('SerializationException', `${at}.${member}: expected a structure`);
  return value as JsonObject;
}

/** A page holds at most `max` datapoints over all results, in query order; a cut result is PartialData. */
function pageOfResults(results: Array<{ id: string; label: string; points: Array<{ timestamp: number; value: number }> }>, offset: number, max: number) {
  let skip = offset;
  let room = max;
  let more = false;
  const page = results.map(({ id, label, points }) => {
    const from = Math.min(skip, points.length);
    skip -= from;
    const taken = points.slice(from, from + room);
    room -= taken.length;
    const cut = from + taken.length < points.length;
    more ||= cut;
    return { Id: id, Label: label, Timestamps: taken.map((p) => p.timestamp), Values: taken.map((p) => p.value), StatusCode: cut ? 'PartialData' : 'Complete', Messages: [] };
  });
  return { MetricDataResults: page, Messages: [], ...(more ? { NextToken: makeToken(offset + max) } : {}) };
}

function makeToken(offset: number): string {
  return Buffer.from(`sim-gmd:${offset}`, 'utf8').toString('base64');
}

function readToken(token: string): number {
  const match = /^sim-gmd:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!match) throw new SimAwsError('InvalidNextToken', 'The service returned an invalid NextToken.');
  return Number(match[1]);
}

function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1 || (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 30].includes(period))) {
    throw new SimAwsError('InvalidParameterValueException', 'The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
  }
}

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
  checkPeriod(period);
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
