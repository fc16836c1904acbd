/**
 * The autoscale configuration (`-c/--config` or AUTOSCALE_CONFIG), validated with
 * zod so that a typo fails before anything runs, with the field's path in the message.
 * Field names are the original's (snake_case), so existing config files keep working.
 */
import { z } from 'zod';
import { documentError } from './config-problems';
import { ConfigError } from './errors';
import { HIGH_LOAD_OPERATIONS } from './jobs';
import { policyConfigSchema } from './policies/config';

const threshold = z.number().finite();

const cloudwatchSettings = z
  .object({
    metric: z.string().min(1),
    namespace: z.string().min(1),
    up_threshold: threshold,
    /** Without it the strategy never votes down (as the original). */
    down_threshold: threshold.optional(),
    up_threshold_online_workers_multiplier: z.number().finite().default(0),
    sample_count: z.number().int().min(1).max(1440).default(3),
    // CloudWatch accepts 1, 5, 10, 30 or a multiple of 60 seconds.
    sample_period: z
      .number()
      .int()
      .refine((p) => [1, 5, 10, 30].includes(p) || (p >= 60 && p % 60 === 0), 'must be 1, 5, 10, 30 or a multiple of 60')
      .default(60),
    layer_name: z.string().min(1).optional(),
    /** Layer id directly (the legacy AUTOSCALE_LAYERLOAD_LAYER_ID). */
    layer_id: z.string().min(1).optional(),
    instance_name: z.string().min(1).optional(),
    /**
     * The metric's one dimension as published, e.g. EC2's `{"name": "InstanceType", "value": "c5.9xlarge"}`
     * (detailed monitoring) or `{"name": "AutoScalingGroupName", ...}`: a query matches only the exact dimension set.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension
     */
    dimension: z
      .object({
        name: z.string().min(1).max(255),
        value: z.string().min(1).max(1024),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => [s.layer_name, s.layer_id, s.instance_name, s.dimension].filter(Boolean).length <= 1, {
    message: 'give at most one of layer_name, layer_id, instance_name, dimension',
  });

const queuedJobsSettings = z
  .object({
    up_threshold: threshold,
    down_threshold: threshold,
    operation_types: z.array(z.string().min(1)).optional(),
    up_threshold_online_workers_multiplier: z.number().finite().default(0),
  })
  .strict();

const strategy = z.discriminatedUnion('method', [
  z.object({ method: z.literal('cloudwatch'), name: z.string().min(1), settings: cloudwatchSettings }).strict(),
  z.object({ method: z.literal('queued_jobs'), name: z.string().min(1), settings: queuedJobsSettings }).strict(),
]);

const autoscaleConfigSchema = z
  .object({
    /** Required by the original policy; other policies need none. */
    strategies: z.array(strategy).default([]),
    up_increment: z.number().int().min(1).max(1000).default(1),
    down_increment: z.number().int().min(1).max(1000).default(1),
    pause_cycles: z.number().int().min(0).max(10_000).default(0),
    /** Legacy AUTOSCALE_PAUSE_INTERVAL: seconds after a scale-up with no further scale-up. */
    pause_seconds: z.number().int().min(0).max(86_400 * 7).optional(),
    /** Which policy decides (core/policies); absent: the original's strategies and votes. */
    policy: policyConfigSchema.optional(),
  })
  .strict()
  .refine((c) => (c.policy !== undefined && c.policy.name !== 'original') || c.strategies.length > 0, {
    message: 'needs at least one strategy (or a policy other than original)',
    path: ['strategies'],
  });

export type AutoscaleConfig = z.infer<typeof autoscaleConfigSchema>;
export type StrategyConfig = AutoscaleConfig['strategies'][number];
export type CloudwatchStrategy = Extract<StrategyConfig, { method: 'cloudwatch' }>;
export type QueuedJobsStrategy = Extract<StrategyConfig, { method: 'queued_jobs' }>;

/**
 * Turns a zod failure into a ConfigError naming `where`, the field's path and the
 * fix; `schema` supplies the known keys a misspelled one is matched against.
 */
export function configErrorFrom(where: string, error: z.ZodError, schema: z.ZodType = autoscaleConfigSchema): ConfigError {
  return documentError(where, error.issues, schema);
}

/** Validates an autoscale config given as parsed JSON; `where` names its source in errors. */
export function parseAutoscaleConfig(value: unknown, where: string): AutoscaleConfig {
  const parsed = autoscaleConfigSchema.safeParse(value);
  if (!parsed.success) throw configErrorFrom(where, parsed.error);
  return parsed.data;
}

export { parseJsonText } from './json-text';

/**
 * EC2's default (basic, free) monitoring publishes its AWS/EC2 metrics by InstanceId (and AutoScalingGroupName for
 * instances in a group) at 5-minute periods; the InstanceType and ImageId roll-ups and 1-minute periods need
 * detailed monitoring. "List the available CloudWatch metrics for your instances":
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html
 */
const EC2_BASIC_DIMENSIONS = ['InstanceId', 'AutoScalingGroupName'];
const EC2_DETAILED_DIMENSIONS = ['InstanceType', 'ImageId'];
const EC2_BASIC_PERIOD_SECONDS = 300;

/**
 * One warning per `cloudwatch` strategy on AWS/EC2 that asks for a dimension or a period basic monitoring does not
 * publish: such a strategy never votes there, so the original's all-down never holds and nothing is scaled down.
 * Warnings, not errors: with detailed monitoring on the workers the same config works.
 */
export function basicMonitoringWarnings(config: AutoscaleConfig): string[] {
  return config.strategies.flatMap((strategy, i) => {
    if (strategy.method !== 'cloudwatch' || strategy.settings.namespace !== 'AWS/EC2') return [];
    const { settings } = strategy;
    // The dimension the strategy queries (scaler/scale.ts): as given, InstanceId of instance_name, LayerId, else StackId.
    const dimension = settings.dimension?.name ?? (settings.instance_name ? 'InstanceId' : settings.layer_name || settings.layer_id ? 'LayerId' : 'StackId');
    const problems: string[] = [];
    if (EC2_DETAILED_DIMENSIONS.includes(dimension)) problems.push(`EC2 publishes ${settings.metric} by ${dimension} only with detailed monitoring`);
    else if (!EC2_BASIC_DIMENSIONS.includes(dimension)) problems.push(`EC2 publishes no ${dimension} dimension`);
    if (settings.sample_period < EC2_BASIC_PERIOD_SECONDS) {
      problems.push(`sample_period ${settings.sample_period} s: basic monitoring publishes one datapoint per ${EC2_BASIC_PERIOD_SECONDS} s`);
    }
    if (problems.length === 0) return [];
    return [
      `strategies[${i}] "${strategy.name}": ${problems.join('; ')}. With basic monitoring (EC2's default) it never votes, ` +
        `so nothing is scaled down: enable detailed monitoring on the workers, or read a dimension and period basic monitoring publishes ` +
        `(InstanceId via instance_name, sample_period 300)`,
    ];
  });
}

const LEGACY_TYPES = ['LayerLoad', 'LayerLoadPlusOnlineWorkers', 'HighLoadJobs'] as const;

/**
 * The older env-only form (AUTOSCALE_TYPE and friends) mapped onto the same engine,
 * or undefined when AUTOSCALE_TYPE is not set.
 */
export function legacyAutoscaleConfig(env: Record<string, string | undefined>): AutoscaleConfig | undefined {
  const type = env.AUTOSCALE_TYPE;
  if (type === undefined || type === '') return undefined;
  if (!(LEGACY_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError('AUTOSCALE_TYPE', `must be one of ${LEGACY_TYPES.join(', ')} (got "${type}")`);
  }
  const num = (name: string, fallback?: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) throw new ConfigError(name, `required when AUTOSCALE_TYPE=${type}`);
      return fallback;
    }
    // Plain decimals only: Number() would take "0x10", "1e3" or " " (as 0).
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new ConfigError(name, `must be a number (got "${raw}")`);
    const value = Number(raw);
    return value;
  };
  const up = num('AUTOSCALE_UP_THRESHOLD');
  const increment = env.AUTOSCALE_UP_INCREMENT ? 'AUTOSCALE_UP_INCREMENT' : 'AUTOSCALE_INCREMENT';
  const raw: Record<string, unknown> = {
    up_increment: num(increment, 1),
    down_increment: num('AUTOSCALE_DOWN_INCREMENT', 1),
    pause_cycles: 0,
    ...(env.AUTOSCALE_PAUSE_INTERVAL ? { pause_seconds: num('AUTOSCALE_PAUSE_INTERVAL') } : {}),
  };
  if (type === 'HighLoadJobs') {
    // HighLoadJobs scaled up at the threshold and otherwise scaled idle workers down.
    raw.strategies = [
      {
        method: 'queued_jobs',
        name: 'HighLoadJobs',
        settings: { up_threshold: up, down_threshold: up, operation_types: [...HIGH_LOAD_OPERATIONS] },
      },
    ];
  } else {
    const layerId = env.AUTOSCALE_LAYERLOAD_LAYER_ID;
    raw.strategies = [
      {
        method: 'cloudwatch',
        name: type,
        settings: {
          metric: env.AUTOSCALE_LAYERLOAD_METRIC || 'load_1',
          namespace: 'AWS/OpsWorks',
          up_threshold: up,
          down_threshold: num('AUTOSCALE_DOWN_THRESHOLD'),
          up_threshold_online_workers_multiplier: type === 'LayerLoadPlusOnlineWorkers' ? 1 : 0,
          sample_count: num('AUTOSCALE_LAYERLOAD_SAMPLE_COUNT', 3),
          sample_period: num('AUTOSCALE_LAYERLOAD_SAMPLE_PERIOD', 60),
          ...(layerId ? { layer_id: layerId } : { layer_name: 'Workers' }),
        },
      },
    ];
  }
  return parseAutoscaleConfig(raw, 'AUTOSCALE_* environment');
}
