import { describe, expect, it } from 'vitest';
import { basicMonitoringWarnings, parseAutoscaleConfig } from '../../core/autoscale-config';

const cpu = (settings: Record<string, unknown>, namespace = 'AWS/EC2') =>
  parseAutoscaleConfig({ strategies: [{ method: 'cloudwatch', name: 'worker cpu', settings: { namespace, metric: 'CPUUtilization', up_threshold: 90, down_threshold: 25, ...settings } }] }, 'test');

describe('basicMonitoringWarnings', () => {
  it.each([
    ['InstanceType at 60 s', { dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, sample_period: 60 }, /^strategies\[0\] "worker cpu": EC2 publishes CPUUtilization by InstanceType only with detailed monitoring; sample_period 60 s: basic monitoring publishes one datapoint per 300 s\. With basic monitoring .* never votes/],
    ['ImageId at 300 s', { dimension: { name: 'ImageId', value: 'ami-1' }, sample_period: 300 }, /by ImageId only with detailed monitoring\. /],
    ['one instance at the default 60 s', { instance_name: 'worker1' }, /: sample_period 60 s: basic monitoring publishes one datapoint per 300 s\. /],
    ['a layer (an OpsWorks dimension)', { layer_name: 'Workers', sample_period: 300 }, /: EC2 publishes no LayerId dimension\. /],
  ])('warns about %s', (_, settings, warning) => {
    expect(basicMonitoringWarnings(cpu(settings))).toEqual([expect.stringMatching(warning)]);
  });

  it.each([
    ['one instance at 300 s', cpu({ instance_name: 'worker1', sample_period: 300, sample_count: 1 })],
    ['an Auto Scaling group at 300 s', cpu({ dimension: { name: 'AutoScalingGroupName', value: 'workers' }, sample_period: 600 })],
    ['the CloudWatch agent (its own namespace and interval)', cpu({ dimension: { name: 'InstanceType', value: 'c5.9xlarge' }, sample_period: 60 }, 'CWAgent')],
    ['a queue strategy', parseAutoscaleConfig({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 1, down_threshold: 1 } }] }, 'test')],
  ])('says nothing about %s', (_, config) => {
    expect(basicMonitoringWarnings(config)).toEqual([]);
  });
});
