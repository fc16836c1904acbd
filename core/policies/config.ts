/**
 * The optional `policy` field of the autoscale config: which policy decides and
 * its settings (snake_case, like the rest of the file). Absent, or
 * `{"name": "original"}`, is the original's strategies-and-votes behaviour.
 */
import { z } from 'zod';

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM (00:00 to 24:00)');
const workers = z.number().int().min(0).max(10_000);

/** Workers wanted during a weekly window, in `time_zone` local time; the first matching period wins. */
const periodSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    start: hhmm,
    end: hhmm,
    workers,
  })
  .strict()
  .refine((p) => p.start < p.end, { message: 'start must be before end', path: ['end'] });

export type Period = z.infer<typeof periodSchema>;

const timeZone = z
  .string()
  .min(1)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone such as America/New_York')
  .default('UTC');

/** Harvard DCE's schedule for mo-scaler: 10 workers weekdays 08-22, 2 otherwise, 1 at weekends. */
const HARVARD_PERIODS: Period[] = [
  { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '08:00', end: '22:00', workers: 10 },
  { days: ['SAT', 'SUN'], start: '00:00', end: '24:00', workers: 1 },
];

const original = z.object({ name: z.literal('original') }).strict();

const staticPeak = z.object({ name: z.literal('static-peak'), workers }).strict();

const schedule = z
  .object({
    name: z.literal('schedule'),
    time_zone: timeZone,
    periods: z.array(periodSchema).default(HARVARD_PERIODS),
    /** Workers outside every period. */
    otherwise: workers.default(2),
  })
  .strict();

const targetTracking = z
  .object({
    name: z.literal('target-tracking'),
    /** Job load per slot in service to hold (running + queued load over the in-service workers' slots). */
    target_utilisation: z.number().gt(0).max(2).default(0.7),
    /** The high alarm: above the target this many minutes (EC2 Auto Scaling: 3 datapoints). */
    scale_out_minutes: z.number().int().min(1).max(60).default(3),
    /** The low alarm: below the target this many minutes (EC2 Auto Scaling: 15 datapoints). */
    scale_in_minutes: z.number().int().min(1).max(240).default(15),
    /** Scale-in waits for running jobs (a lifecycle hook) instead of protecting busy workers. */
    drain_busy: z.boolean().default(true),
    max_workers: workers.optional(),
    slots_per_worker: z.number().positive().optional(),
  })
  .strict();

const idleTimer = z
  .object({
    name: z.literal('idle-timer'),
    /** A worker that ran no job for this long is drained. */
    idle_minutes: z.number().int().min(1).max(1440).default(10),
    /** Idle workers kept ready (GitLab Runner's IdleCount): started when fewer are idle, never drained below. */
    idle_count: z.number().int().min(0).max(1000).default(1),
    /** Slots (Opencast max load) per worker when no host reports one. */
    slots_per_worker: z.number().positive().optional(),
  })
  .strict();

const headroom = z
  .object({
    name: z.literal('headroom'),
    /** Share of the in-service slots the running + queued job load may fill (the reserve comes on top). */
    target_utilisation: z.number().gt(0).max(1).default(1),
    /** Share below which workers are drained (hysteresis against flapping). */
    scale_in_utilisation: z.number().gt(0).max(1).default(0.9),
    /** Per-second billing: free slots kept for arrivals during a boot, in workers' worth (1 = one worker's slots), at most the load itself. */
    spare_workers: z.number().min(0).max(100).default(1.5),
    /** The same under hourly billing, where capacity inside a paid hour is already bought. */
    hourly_spare_workers: z.number().min(0).max(100).default(2.5),
    /** Keep free slots for the load's growth over this many minutes when that exceeds the spare (0: off). */
    predict_minutes: z.number().min(0).max(60).default(6),
    /** The same under hourly billing, where a speculative start bills a whole hour. */
    hourly_predict_minutes: z.number().min(0).max(60).default(6),
    /** Growth is the load's slope over this many minutes. */
    trend_window_minutes: z.number().min(2).max(60).default(5),
    /** A surplus must last this long before a drain (a flapping guard on top of the hysteresis; off by default, see bench/README.md). */
    scale_in_after_minutes: z.number().min(0).max(240).default(0),
    /** Hourly billing: drain a worker only this close to its billing-hour boundary. */
    hourly_drain_lead_minutes: z.number().int().min(1).max(59).default(15),
    /** Hourly billing: which candidate goes first, the one closest to its billing-hour boundary or the least loaded. */
    hourly_drain_order: z.enum(['hour-boundary', 'least-load']).default('hour-boundary'),
    /** Also drain busy workers (maintenance lets their jobs finish first). */
    drain_busy: z.boolean().default(true),
    max_start_per_cycle: z.number().int().min(1).max(1000).default(20),
    slots_per_worker: z.number().positive().optional(),
    /** Time-of-day floors (pre-warming before known peaks), in `time_zone`. */
    floors: z.array(periodSchema).default([]),
    time_zone: timeZone,
  })
  .strict()
  .refine((p) => p.scale_in_utilisation < p.target_utilisation, {
    message: 'must be below target_utilisation',
    path: ['scale_in_utilisation'],
  });

const scheduleAware = z
  .object({
    name: z.literal('schedule-aware'),
    /** Projected scheduled job load per slot to plan for: above 1 lets a queue absorb a peak inside the recordings' slack (unscheduled load is always planned at 1). */
    utilisation: z.number().gt(0).max(5).default(1),
    /** From a capture's scheduled end to its ingest (the capture agent's upload). */
    ingest_lag_minutes: z.number().min(0).max(240).default(7),
    /** From a start to a worker taking jobs (boot and Opencast registration). */
    boot_minutes: z.number().min(0).max(60).default(6),
    /** Capacity is planned for the boot lead and this much beyond (a cycle or two). */
    lead_minutes: z.number().min(0).max(120).default(3),
    /** Work (load) and duration of the projected recordings relative to Opencast's default workflow. */
    load_scale: z.number().gt(0).max(20).default(1),
    pace: z.number().gt(0).max(20).default(1),
    /** The schedule read around now: captures that began this long ago may still be processing. */
    lookback_minutes: z.number().int().min(30).max(1440).default(240),
    lookahead_minutes: z.number().int().min(10).max(1440).default(120),
    /** Also drain busy workers (maintenance lets their jobs finish first). */
    drain_busy: z.boolean().default(true),
    max_start_per_cycle: z.number().int().min(1).max(1000).default(20),
    slots_per_worker: z.number().positive().optional(),
    /** Spare workers of the headroom fallback used while there is no schedule. */
    fallback_spare_workers: z.number().min(0).max(100).default(1.5),
  })
  .strict();

export const policyConfigSchema = z.discriminatedUnion('name', [original, staticPeak, schedule, targetTracking, idleTimer, headroom, scheduleAware]);

export type PolicyConfig = z.infer<typeof policyConfigSchema>;
type PolicyName = PolicyConfig['name'];
export type PolicyConfigOf<N extends PolicyName> = Extract<PolicyConfig, { name: N }>;
