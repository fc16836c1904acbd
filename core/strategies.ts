/**
 * Autoscale strategies: each looks at its numbers and votes up, down or nothing.
 * The data is fetched elsewhere and passed in; a strategy whose data is missing
 * casts no vote and says why (the original logged an error and did the same).
 */
import type { CloudwatchStrategy, QueuedJobsStrategy, StrategyConfig } from './autoscale-config';
import type { MetricGap, StrategyVote, Vote } from './decision';
import type { Datapoint } from './types';

/** Up when every value reaches the up threshold; down when every value is under the down threshold. */
export function upOrDown(values: readonly number[], up: number, down: number | undefined): Vote {
  if (values.length === 0) return null;
  if (values.every((v) => v >= up)) return 'up';
  if (down !== undefined && values.every((v) => v < down)) return 'down';
  return null;
}

/** The window the original queried: (sample_count + 2) periods back, padding for late datapoints. */
export function metricWindow(strategy: CloudwatchStrategy, now: Date): { start: Date; end: Date } {
  const { sample_count, sample_period } = strategy.settings;
  return { start: new Date(now.getTime() - (sample_count + 2) * sample_period * 1000), end: now };
}

export type StrategyInput = { datapoints: Datapoint[] } | { queued: number } | { error: string };

function effectiveUpThreshold(strategy: StrategyConfig, onlineWorkers: number): number {
  return strategy.settings.up_threshold + onlineWorkers * strategy.settings.up_threshold_online_workers_multiplier;
}

export function voteCloudwatch(strategy: CloudwatchStrategy, input: StrategyInput, onlineWorkers: number): StrategyVote {
  const base = baseVote(strategy, onlineWorkers);
  if ('error' in input) return { ...base, error: input.error };
  if (!('datapoints' in input)) return { ...base, error: 'internal: cloudwatch strategy given no datapoints' };
  const newestFirst = [...input.datapoints].sort((a, b) => b.timestamp.localeCompare(a.timestamp)).map((d) => d.value);
  const wanted = strategy.settings.sample_count;
  if (newestFirst.length === 0) {
    const { sample_count, sample_period, namespace, metric } = strategy.settings;
    const silentSeconds = (sample_count + 2) * sample_period;
    return { ...base, error: `no datapoints received for metric ${namespace} ${metric} in the last ${silentSeconds} s`, silentSeconds };
  }
  if (newestFirst.length < wanted) {
    return {
      ...base,
      datapoints: newestFirst,
      error: `insufficient datapoints for metric ${strategy.settings.metric}: asked for ${wanted}, got ${newestFirst.length}`,
    };
  }
  const values = newestFirst.slice(0, wanted);
  return { ...base, datapoints: values, vote: upOrDown(values, base.upThreshold, base.downThreshold) };
}

function voteQueuedJobs(strategy: QueuedJobsStrategy, input: StrategyInput, onlineWorkers: number): StrategyVote {
  const base = baseVote(strategy, onlineWorkers);
  if ('error' in input) return { ...base, error: input.error };
  if (!('queued' in input)) return { ...base, error: 'internal: queued_jobs strategy given no count' };
  return { ...base, datapoints: [input.queued], vote: upOrDown([input.queued], base.upThreshold, base.downThreshold) };
}

/** The configured metrics that were silent for a whole query window, from a cycle's votes. */
export function metricGaps(config: readonly StrategyConfig[], votes: readonly StrategyVote[]): MetricGap[] {
  return votes.flatMap((v) => {
    const strategy = config.find((s) => s.name === v.name && s.method === 'cloudwatch');
    if (v.silentSeconds === undefined || strategy?.method !== 'cloudwatch') return [];
    return [{ strategy: v.name, namespace: strategy.settings.namespace, metric: strategy.settings.metric, silentSeconds: v.silentSeconds }];
  });
}

export function vote(strategy: StrategyConfig, input: StrategyInput, onlineWorkers: number): StrategyVote {
  return strategy.method === 'cloudwatch'
    ? voteCloudwatch(strategy, input, onlineWorkers)
    : voteQueuedJobs(strategy, input, onlineWorkers);
}

function baseVote(strategy: StrategyConfig, onlineWorkers: number): StrategyVote {
  const down = strategy.settings.down_threshold;
  return {
    name: strategy.name,
    method: strategy.method,
    vote: null,
    datapoints: [],
    upThreshold: effectiveUpThreshold(strategy, onlineWorkers),
    ...(down !== undefined ? { downThreshold: down } : {}),
  };
}
