/**
 * The policies the benchmark compares, each as the autoscale config an
 * operator would deploy, at the cadence it runs at, with its main setting
 * and the sweep every family gets (the same budget: five values each). The
 * reference is the original with its repository's example configuration at
 * DCE's 2-minute cadence (bench/configs/original.json).
 */
import { parseAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import ORIGINAL_CONFIG from './configs/original.json' with { type: 'json' };

export interface FamilyContext {
  timeZone: string;
  /** Workers the trace needs at its peak with no wait (the schedule's sizes derive from it). */
  peakWorkers: number;
  minWorkers: number;
}

export interface Family {
  id: string;
  label: string;
  cadenceMs: number;
  /** The main setting swept, in words, and its values (the first default marks the as-shipped configuration). */
  setting: string;
  values(ctx: FamilyContext): number[];
  /** The value the configuration ships with (undefined: none, e.g. a schedule sized per trace). */
  shipped?: number;
  config(value: number, ctx: FamilyContext): AutoscaleConfig;
}

const MIN = 60_000;

/**
 * The original with its layer-load thresholds moved: up at `up` + online workers, down below 0.8 × `up`
 * (the example config: 10 and 8). Its scale-ups come from that strategy; the queued-jobs one rarely decides.
 */
function original(up: number): AutoscaleConfig {
  const base = structuredClone(ORIGINAL_CONFIG) as unknown as { strategies: Array<{ name: string; settings: Record<string, number | string> }> };
  const load = base.strategies.find((s) => s.name === 'layer load');
  if (!load) throw new Error('bench/configs/original.json has no layer-load strategy');
  load.settings.up_threshold = up;
  load.settings.down_threshold = Math.round(up * 8) / 10;
  return parseAutoscaleConfig(base, `original, layer load up at ${up}`);
}

const policy = (settings: Record<string, unknown>) => parseAutoscaleConfig({ policy: settings }, `bench policy ${String(settings.name)}`);

export const FAMILIES: readonly Family[] = [
  {
    id: 'original-2min',
    label: 'original, 2-min cadence (DCE)',
    cadenceMs: 2 * MIN,
    setting: 'layer load to scale up, + online workers (example config: 10; down at 0.8×)',
    values: () => [3, 6, 10, 15, 22],
    shipped: 10,
    config: original,
  },
  {
    id: 'original-1min',
    label: 'original, 1-min cadence',
    cadenceMs: MIN,
    setting: 'layer load to scale up, + online workers (example config: 10; down at 0.8×)',
    values: () => [3, 6, 10, 15, 22],
    shipped: 10,
    config: original,
  },
  {
    id: 'target-tracking',
    label: 'target tracking (load per slot)',
    cadenceMs: MIN,
    setting: 'target job load per slot',
    values: () => [0.5, 0.7, 0.85, 1, 1.3],
    shipped: 0.7,
    config: (v) => policy({ name: 'target-tracking', target_utilisation: v }),
  },
  {
    id: 'idle-timer',
    label: 'idle timer (1 ready)',
    cadenceMs: MIN,
    setting: 'idle minutes before a drain',
    values: () => [2, 5, 10, 20, 40],
    shipped: 10,
    config: (v) => policy({ name: 'idle-timer', idle_minutes: v, idle_count: 1 }),
  },
  {
    id: 'schedule',
    label: 'schedule sized to the trace',
    cadenceMs: MIN,
    setting: 'workers weekdays 08-22 (the floor otherwise)',
    values: (ctx) => [...new Set([0.3, 0.45, 0.6, 0.8, 1].map((f) => Math.max(ctx.minWorkers + 1, Math.round(f * ctx.peakWorkers))))],
    config: (v, ctx) =>
      policy({
        name: 'schedule',
        time_zone: ctx.timeZone,
        periods: [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '08:00', end: '22:00', workers: v }],
        otherwise: ctx.minWorkers,
      }),
  },
  {
    id: 'headroom',
    label: 'headroom',
    cadenceMs: MIN,
    setting: 'spare workers (free slots kept, in workers)',
    values: () => [0, 0.5, 1, 1.5, 3],
    shipped: 1.5,
    config: (v) => policy({ name: 'headroom', spare_workers: v }),
  },
  {
    id: 'schedule-aware',
    label: 'schedule-aware (new)',
    cadenceMs: MIN,
    setting: 'projected job load per slot planned for (>1: queues absorb peaks within the slack)',
    values: () => [1, 1.5, 2, 2.5, 3],
    shipped: 1.5,
    config: (v) => policy({ name: 'schedule-aware', utilisation: v }),
  },
];

/** The reference every ratio is taken against: the original's example configuration every 2 minutes. */
export const REFERENCE = { family: 'original-2min', value: 10 } as const;

export function familyOf(id: string): Family {
  const f = FAMILIES.find((x) => x.id === id);
  if (!f) throw new Error(`no policy family ${id} (have ${FAMILIES.map((x) => x.id).join(', ')})`);
  return f;
}

/** The example configuration and the headroom default, for bench/cost-model.ts. */
export function costModelPolicies(): Array<[string, AutoscaleConfig]> {
  return [
    ['original', original(10)],
    ['headroom', policy({ name: 'headroom' })],
  ];
}
