/**
 * cloudwatch strategies: a literal dimension (EC2's InstanceType, ...) is one
 * way to say where the metric is, exclusive with the others; a window with no
 * datapoint at all is a metric gap, fewer than asked is only no vote.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig, type CloudwatchStrategy } from '../../core/autoscale-config';
import { ConfigError } from '../../core/errors';
import { metricGaps, voteCloudwatch } from '../../core/strategies';

const cpu = {
  method: 'cloudwatch',
  name: 'cpu',
  settings: { namespace: 'AWS/EC2', metric: 'CPUUtilization', dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, up_threshold: 90, down_threshold: 20 },
};

describe('cloudwatch strategy config', () => {
  it('takes a literal dimension', () => {
    const [s] = parseAutoscaleConfig({ strategies: [cpu] }, 'test').strategies as CloudwatchStrategy[];
    expect(s!.settings.dimension).toEqual({ name: 'InstanceType', value: 'c5.9xlarge' });
  });

  it('refuses a dimension together with another way of naming it', () => {
    const both = { ...cpu, settings: { ...cpu.settings, instance_name: 'worker1' } };
    expect(() => parseAutoscaleConfig({ strategies: [both] }, 'test')).toThrow(ConfigError);
    expect(() => parseAutoscaleConfig({ strategies: [both] }, 'test')).toThrow(/test: strategies\[0\]\.settings: give at most one of layer_name, layer_id, instance_name, dimension/);
  });
});

describe('metric gaps', () => {
  const config = parseAutoscaleConfig({ strategies: [cpu, { method: 'queued_jobs', name: 'queue', settings: { up_threshold: 1, down_threshold: 1 } }] }, 'test');
  const strategy = config.strategies[0] as CloudwatchStrategy;

  it('names a metric with no datapoint in its whole window, for as long as the window', () => {
    const vote = voteCloudwatch(strategy, { datapoints: [] }, 2);
    expect(vote).toMatchObject({ vote: null, silentSeconds: 300 });
    expect(metricGaps(config.strategies, [vote])).toEqual([{ strategy: 'cpu', namespace: 'AWS/EC2', metric: 'CPUUtilization', silentSeconds: 300 }]);
  });

  it('is not a gap when some datapoints came, or CloudWatch refused the query', () => {
    const few = voteCloudwatch(strategy, { datapoints: [{ timestamp: '2025-10-13T10:00:00Z', value: 50 }] }, 2);
    const refused = voteCloudwatch(strategy, { error: 'CloudWatch answered Forbidden' }, 2);
    expect(few.error).toMatch(/insufficient datapoints/);
    expect(metricGaps(config.strategies, [few, refused])).toEqual([]);
  });
});
