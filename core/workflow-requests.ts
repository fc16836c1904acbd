/** The inputs of the boot-worker and drain-worker executions, as the autoscale workflow, the CLI or a person in the console gives them. */
import { z } from 'zod';

/** The longest drain a request may ask for (running jobs get this long once maintenance is on). */
export const MAX_DRAIN_MINUTES = 24 * 60;

/**
 * The longest boot a request may wait for: a boot takes minutes (OpsWorks about
 * five); two hours is broken. It also keeps a boot's history far under the 25,000
 * events of a Standard execution at one poll a minute (test/infra/quotas.test.ts).
 */
export const MAX_BOOT_MINUTES = 120;

/**
 * A worker's hostname as its provider names it: with the ec2 provider that is the
 * `Name` tag, up to 256 Unicode characters of anything
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions);
 * control characters are refused. Execution names are derived from it (core/execution-names.ts).
 */
export const hostnameSchema = z
  .string()
  .min(1, 'empty hostname')
  .max(256, 'longer than 256 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'contains control characters');

/** The input of a drain-worker execution. */
export const drainRequestSchema = z
  .object({
    hostname: hostnameSchema,
    /** The instance (provider id) to drain: set by the plans, so a drain acts on this one even when another has the same name. */
    instanceId: z.string().min(1).max(100).optional(),
    /** Ignore the minimum and the billing window; a busy worker is stopped only at the drain deadline. */
    force: z.boolean().default(false),
    /** `scale auto` waits for the billing window; a manual `scale down` does not (as the original). */
    respectBillingWindow: z.boolean().default(true),
    /** How long running jobs may take once maintenance is on. */
    maxDrainMinutes: z.number().int().min(1).max(MAX_DRAIN_MINUTES).default(60),
    /** A floor that overrides MOSCALER_MIN_WORKERS (e.g. from a lecture-hours schedule). */
    minWorkers: z.number().int().min(0).max(10_000).optional(),
    requestedBy: z.string().max(200).default('manual'),
    reason: z.string().max(2000).optional(),
    /**
     * Set by the autoscale plan when it stops a worker as unserving: since when it has not served (the later of its
     * launch and when a cycle last saw it serving). Without it (a manual drain) the stretch is measured from the launch.
     */
    unservedSince: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type DrainRequest = z.infer<typeof drainRequestSchema>;

/** The input of a boot-worker execution. */
export const bootRequestSchema = z
  .object({
    hostname: hostnameSchema,
    /** The instance (provider id) to start, as for a drain. */
    instanceId: z.string().min(1).max(100).optional(),
    /** Give up (start failed) when the worker is not online and registered by then. */
    maxBootMinutes: z.number().int().min(1).max(MAX_BOOT_MINUTES).default(30),
    requestedBy: z.string().max(200).default('manual'),
    reason: z.string().max(2000).optional(),
  })
  .strict();

type BootRequest = z.infer<typeof bootRequestSchema>;

/**
 * The input of a scale execution: the command line's `scale` commands as JSON, so the Step Functions
 * console can do what the CLI does. `count` is how many to start or stop (up, down; default 1) or the
 * target (to); `auto` takes none, but may carry the cycle's floor and schedule like the autoscale input.
 */
export const scaleRequestSchema = z
  .object({
    command: z.enum(['up', 'down', 'to', 'auto']),
    count: z.number().int().min(0).max(10_000).optional(),
    scaleAvailable: z.boolean().default(false),
    force: z.boolean().default(false),
    /** Decide and record, start nothing. */
    dryRun: z.boolean().default(false),
    minWorkers: z.number().int().min(0).max(10_000).optional(),
    everySeconds: z.number().int().min(10).max(86_400).optional(),
    requestedBy: z.string().max(200).default('console'),
    /** Workers whose start EC2 refused for capacity earlier in this request: not tried again, their types last. */
    capacityRefused: z.array(z.string().min(1).max(256)).max(1000).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.capacityRefused !== undefined && r.command !== 'up') ctx.addIssue({ code: 'custom', path: ['capacityRefused'], message: 'only scale up retries after a capacity error' });
    if (r.command === 'to' && r.count === undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'scale to needs the target count' });
    if ((r.command === 'up' || r.command === 'down') && r.count === 0) ctx.addIssue({ code: 'custom', path: ['count'], message: `scale ${r.command} needs a count of at least 1` });
    if (r.command === 'auto' && r.count !== undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'scale auto takes no count: the policy decides' });
    if (r.command !== 'auto' && r.minWorkers !== undefined) ctx.addIssue({ code: 'custom', path: ['minWorkers'], message: 'only scale auto takes a floor; MOSCALER_MIN_WORKERS applies' });
    if (r.command !== 'auto' && r.everySeconds !== undefined) ctx.addIssue({ code: 'custom', path: ['everySeconds'], message: 'only scale auto takes everySeconds' });
  });

export type ScaleRequest = z.infer<typeof scaleRequestSchema>;
