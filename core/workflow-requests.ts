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
  })
  .strict();

export type DrainRequest = z.infer<typeof drainRequestSchema>;

/** The input of a boot-worker execution. */
export const bootRequestSchema = z
  .object({
    hostname: hostnameSchema,
    /** Give up (start failed) when the worker is not online and registered by then. */
    maxBootMinutes: z.number().int().min(1).max(MAX_BOOT_MINUTES).default(30),
    requestedBy: z.string().max(200).default('manual'),
    reason: z.string().max(2000).optional(),
  })
  .strict();

type BootRequest = z.infer<typeof bootRequestSchema>;
