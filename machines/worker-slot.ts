/**
 * The worker's part of a boot or drain execution's state: its persisted
 * lifecycle snapshot and where the machine put it, carried from Task to Task
 * (ResultPath `$.worker`) so that every step is in the execution history.
 */
import { z } from 'zod';
import { secondsUntilBillingWindow } from '../core/billing';
import type { BillingMode } from '../core/types';
import { parsePersisted, stepWorker, type PersistedWorker } from './persistence';
import { LIFECYCLE_REASON_CODES, type LifecycleReasonCode } from '../core/lifecycle-rules';
import { WORKER_STATES, type LifecycleReason, type WorkerLifecycleEvent, type WorkerState } from './worker-lifecycle';

export interface WorkerSlot {
  hostname: string;
  /** Provider id used to start and stop. */
  id: string;
  /** Opencast base_url, when the worker has one. */
  hostUrl?: string;
  state: WorkerState;
  /** The machine's reason for the current state, or why this execution does nothing. */
  reason: SlotReason;
  persisted: PersistedWorker;
  /** Seconds a following Wait state waits (billing window). */
  waitSeconds?: number;
  /** When polling gives up (drain or boot deadline), ISO. */
  deadline?: string;
  /** Another execution already acts on this worker: this one does nothing. */
  duplicate?: boolean;
  /** Why this execution does nothing because another one acts on the worker: the workflow ends in `Skipped<this>`. */
  skipped?: 'DrainInProgress' | 'BootInProgress';
}

/** Beyond the lifecycle's own: another execution acts on the worker, it is not there to act on, or the billing window never came. */
type SlotReason = LifecycleReason | { code: 'AlreadyInProgress' | 'NotActive' | 'WindowNotReached'; message: string; event: string; at: string };

const SLOT_ONLY_CODES: readonly string[] = ['AlreadyInProgress', 'NotActive', 'WindowNotReached'];
const reasonShape = z.object({ code: z.string(), message: z.string(), event: z.string(), at: z.string() }).passthrough();

/** A slot as a Task receives it back from the execution state: checked, and typed without a cast. */
export const workerSlotSchema = z
  .object({
    hostname: z.string().min(1),
    id: z.string().min(1),
    hostUrl: z.string().optional(),
    state: z.enum(WORKER_STATES),
    reason: z.custom<SlotReason>((value) => {
      const parsed = reasonShape.safeParse(value);
      return parsed.success && (LIFECYCLE_REASON_CODES.includes(parsed.data.code as LifecycleReasonCode) || SLOT_ONLY_CODES.includes(parsed.data.code));
    }, 'not a lifecycle reason ({code, message, event, at} with a known code)'),
    persisted: z.unknown().transform((value, ctx): PersistedWorker => {
      try {
        return parsePersisted(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    waitSeconds: z.number().optional(),
    deadline: z.string().optional(),
    duplicate: z.boolean().optional(),
    skipped: z.enum(['DrainInProgress', 'BootInProgress']).optional(),
  })
  .passthrough();

/** Applies events in order; returns the slot after the last one (the reason of the last accepted event). */
export function advance(slot: Omit<WorkerSlot, 'state' | 'reason'> & Partial<WorkerSlot>, events: WorkerLifecycleEvent[]): WorkerSlot {
  let persisted: unknown = slot.persisted;
  let state = slot.state;
  let reason: SlotReason | undefined = slot.reason;
  for (const event of events) {
    const step = stepWorker(persisted, event);
    persisted = step.persisted;
    state = step.state;
    if (step.reason.code !== 'Ignored' || reason === undefined) reason = step.reason;
  }
  const checked = parsePersisted(persisted);
  return {
    ...slot,
    persisted: checked,
    state: state ?? (checked.snapshot.value as WorkerState),
    reason: reason ?? { code: 'NotActive', message: 'no lifecycle event applied', event: 'none', at: new Date(0).toISOString() },
  };
}

/** The shortest wait for the billing window: a re-check sooner than this cannot find it much nearer. */
export const BILLING_WAIT_MIN_SECONDS = 60;

/**
 * How long a drain waits for the billing window at most before it gives up and
 * leaves the worker in service: one instance hour and a check (the window comes
 * within the hour unless the instance restarted meanwhile).
 */
export const BILLING_WAIT_LIMIT_SECONDS = 3600 + BILLING_WAIT_MIN_SECONDS;

/**
 * How long to wait for the billing window: at least a minute (the per-second
 * window is the 60 s minimum, so at most a minute late), and never past an hour.
 */
export function waitForWindow(uptimeSeconds: number, mode: BillingMode, thresholdMinutes: number): number {
  return Math.min(3600, Math.max(BILLING_WAIT_MIN_SECONDS, secondsUntilBillingWindow(uptimeSeconds, mode, thresholdMinutes)));
}
