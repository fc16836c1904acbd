/**
 * The policies the benchmark compares, each as the autoscale config an
 * operator would deploy. The original runs with its repository's example
 * configuration (bench/configs/original.json); static peak is sized by the
 * clairvoyant's peak demand.
 */
import { parseAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import HEADROOM_CONFIG from './configs/headroom.json' with { type: 'json' };
// The original repository's example, kept here so the baseline stays put if config/autoscale.example.json changes.
import ORIGINAL_CONFIG from './configs/original.json' with { type: 'json' };

export interface BenchPolicy {
  id: string;
  label: string;
  config: AutoscaleConfig;
}

export interface PolicyContext {
  timeZone: string;
  /** Workers the trace needs at its peak (zero wait, perfect packing). */
  peakWorkers: number;
}

/** The proposed default policy's configuration, as deployed: bench/configs/headroom.json. */
export const HEADROOM_POLICY = HEADROOM_CONFIG.policy;

export function benchPolicies(ctx: PolicyContext): BenchPolicy[] {
  const policy = (id: string, label: string, settings: Record<string, unknown>): BenchPolicy => ({
    id,
    label,
    config: parseAutoscaleConfig({ policy: { name: id, ...settings } }, `bench policy ${id}`),
  });
  return [
    { id: 'original', label: 'original (example config)', config: parseAutoscaleConfig(ORIGINAL_CONFIG, 'bench/configs/original.json') },
    policy('static-peak', `static peak (${ctx.peakWorkers})`, { workers: ctx.peakWorkers }),
    policy('schedule', 'schedule 10/2/1', { time_zone: ctx.timeZone }),
    policy('target-tracking', 'target tracking (5 queued/worker)', {}),
    policy('idle-timer', 'idle timer (10 min)', {}),
    { id: 'headroom', label: 'headroom (new default)', config: parseAutoscaleConfig(HEADROOM_CONFIG, 'bench/configs/headroom.json') },
  ];
}
