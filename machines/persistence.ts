/**
 * The worker lifecycle's stored form, and one pure step over it.
 *
 * A snapshot is saved as plain JSON `{machine, version, snapshot}` (workflow
 * state, a table row, a history file). Loading checks the machine id and the
 * version before reading anything else: a snapshot written by another machine
 * or by a newer build is refused, an older one is migrated by an explicit
 * function, and every field is validated, so a stored worker is never misread.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { LIFECYCLE_REASON_CODES } from '../core/lifecycle-rules';
import {
  WORKER_LIFECYCLE_MACHINE_ID,
  WORKER_STATES,
  effectOnEntering,
  workerLifecycleMachine,
  type LifecycleReason,
  type WorkerEffect,
  type WorkerLifecycleContext,
  type WorkerLifecycleEvent,
  type WorkerLifecycleInput,
  type WorkerState,
} from './worker-lifecycle';

/** Bump when the context or the states change shape, and add the migration from the previous version. */
export const WORKER_LIFECYCLE_VERSION = 1;

export type WorkerSnapshot = SnapshotFrom<typeof workerLifecycleMachine>;

interface PersistedWorkerSnapshot {
  status: 'active';
  value: WorkerState;
  context: WorkerLifecycleContext;
  historyValue?: Record<string, never>;
  children?: Record<string, never>;
}

export interface PersistedWorker {
  machine: typeof WORKER_LIFECYCLE_MACHINE_ID;
  version: typeof WORKER_LIFECYCLE_VERSION;
  snapshot: PersistedWorkerSnapshot;
}

/** A stored worker that this build must not read: another machine's, a newer build's, or malformed. */
export class PersistedSnapshotError extends ConfigError {
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(field, message, options);
    this.name = 'PersistedSnapshotError';
  }
}

/** An event that does not have the documented shape (bad workflow input). */
export class WorkerEventError extends ConfigError {
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(field, message, options);
    this.name = 'WorkerEventError';
  }
}

/**
 * Migrations, keyed by the version they read: `MIGRATIONS[n]` turns a version-n
 * snapshot into version n+1. Version 1 is the first, so there is none yet; a
 * version without a path to the current one is refused, never guessed at.
 */
const MIGRATIONS: Readonly<Record<number, (snapshot: unknown) => unknown>> = {};

// ---- schemas -------------------------------------------------------------

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const billingMode = z.enum(['hourly', 'per-second']);

const observedFields = {
  runningJobs: count.nullable().optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
  onlineWorkers: count.optional(),
  otherStopsInFlight: count.optional(),
  minWorkers: count.optional(),
  protected: z.boolean().optional(),
  maintenance: z.boolean().optional(),
};

const bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), at: isoTime });

/** Every event the machine accepts, checked before it is sent: activities pass workflow input here. */
export const workerLifecycleEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('observed'), at: isoTime, ...observedFields }),
  bare('start.requested'),
  bare('instance.pending'),
  z.strictObject({ type: z.literal('instance.online'), at: isoTime, uptimeSeconds: z.number().nonnegative().optional() }),
  z.strictObject({ type: z.literal('opencast.registered'), at: isoTime, maintenance: z.boolean() }),
  z.strictObject({ type: z.literal('start.failed'), at: isoTime, error: z.string() }),
  bare('boot.timedOut'),
  z.strictObject({
    type: z.literal('drain.requested'),
    at: isoTime,
    force: z.boolean(),
    billingMode,
    thresholdMinutes: z.number().int().min(0).max(59),
    ...observedFields,
  }),
  z.strictObject({ type: z.literal('billing.windowReached'), at: isoTime, uptimeSeconds: z.number().nonnegative() }),
  z.strictObject({ type: z.literal('maintenance.on'), at: isoTime, runningJobs: count.nullable().optional() }),
  bare('jobs.drained'),
  bare('drain.timedOut'),
  bare('demand.returned'),
  bare('drain.abandoned'),
  bare('maintenance.off'),
  z.strictObject({ type: z.literal('stop.requested'), at: isoTime, force: z.boolean(), ...observedFields }),
  bare('stop.confirmed'),
  z.strictObject({ type: z.literal('stop.failed'), at: isoTime, error: z.string() }),
  z.strictObject({ type: z.literal('instance.stopped'), at: isoTime, status: z.string().optional() }),
]) satisfies z.ZodType<WorkerLifecycleEvent>;

const eventType = z.enum(workerLifecycleEventSchema.options.map((o) => o.shape.type.value));
const stateName = z.enum(WORKER_STATES);
const reasonCode = z.enum(LIFECYCLE_REASON_CODES);

const contextSchema = z.strictObject({
  hostname: z.string().min(1),
  facts: z.strictObject({
    runningJobs: count.nullable(),
    uptimeSeconds: z.number().nonnegative().nullable(),
    uptimeObservedAt: isoTime.nullable(),
    onlineWorkers: count.nullable(),
    otherStopsInFlight: count,
    instanceOnline: z.boolean(),
    registered: z.boolean(),
    maintenance: z.boolean().nullable(),
    protected: z.boolean(),
  }),
  policy: z.strictObject({
    minWorkers: count,
    billingMode,
    thresholdMinutes: z.number().int().min(0).max(59),
  }),
  force: z.boolean(),
  lastReason: z
    .strictObject({ code: reasonCode, message: z.string(), event: eventType, at: isoTime })
    .nullable(),
  history: z.array(
    z.strictObject({
      from: stateName,
      to: stateName,
      event: eventType,
      code: reasonCode,
      reason: z.string(),
      at: isoTime,
    }),
  ),
}) satisfies z.ZodType<WorkerLifecycleContext>;

const snapshotSchema = z.strictObject({
  status: z.literal('active'),
  value: stateName,
  context: contextSchema,
  // The machine is flat and spawns nothing: anything here was written by another shape.
  historyValue: z.strictObject({}).optional(),
  children: z.strictObject({}).optional(),
}) satisfies z.ZodType<PersistedWorkerSnapshot>;

const envelopeSchema = z.object({ machine: z.string(), version: z.number().int().positive(), snapshot: z.unknown() });

function fieldOf(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');
}

function zodFailure<E extends ConfigError>(
  make: (field: string, message: string, options: { cause: unknown }) => E,
  prefix: string,
  error: z.ZodError,
): E {
  const first = error.issues[0];
  const field = fieldOf(prefix, first?.path ?? []);
  return make(field, first?.message ?? 'invalid', { cause: error });
}

// ---- API -----------------------------------------------------------------

/** The snapshot as plain JSON with the machine's id and version. */
export function toPersisted(snapshot: WorkerSnapshot): PersistedWorker {
  // The JSON round trip drops undefined fields and proves the result survives any store.
  const plain = JSON.parse(JSON.stringify(workerLifecycleMachine.getPersistedSnapshot(snapshot))) as unknown;
  return { machine: WORKER_LIFECYCLE_MACHINE_ID, version: WORKER_LIFECYCLE_VERSION, snapshot: parseSnapshot(plain) };
}

/** Validate a stored worker, migrating an older version; throws {@link PersistedSnapshotError} otherwise. */
export function parsePersisted(json: unknown): PersistedWorker {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw zodFailure((f, m, o) => new PersistedSnapshotError(f, m, o), 'persisted', envelope.error);
  const { machine, version } = envelope.data;
  if (machine !== WORKER_LIFECYCLE_MACHINE_ID) {
    throw new PersistedSnapshotError(
      'persisted.machine',
      `snapshot of machine "${machine}", expected "${WORKER_LIFECYCLE_MACHINE_ID}"`,
    );
  }
  if (version > WORKER_LIFECYCLE_VERSION) {
    throw new PersistedSnapshotError(
      'persisted.version',
      `version ${version} was written by a newer mo-scaler; this build reads up to version ${WORKER_LIFECYCLE_VERSION}`,
    );
  }
  let snapshot = envelope.data.snapshot;
  for (let v = version; v < WORKER_LIFECYCLE_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) {
      throw new PersistedSnapshotError(
        'persisted.version',
        `version ${version} cannot be migrated to version ${WORKER_LIFECYCLE_VERSION} (no migration from version ${v})`,
      );
    }
    snapshot = migrate(snapshot);
  }
  return { machine: WORKER_LIFECYCLE_MACHINE_ID, version: WORKER_LIFECYCLE_VERSION, snapshot: parseSnapshot(snapshot) };
}

function parseSnapshot(snapshot: unknown): PersistedWorkerSnapshot {
  const parsed = snapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    throw zodFailure((f, m, o) => new PersistedSnapshotError(f, m, o), 'persisted.snapshot', parsed.error);
  }
  return parsed.data;
}

/** A stored worker as a machine snapshot, ready for `transition()`. */
export function fromPersisted(json: unknown): WorkerSnapshot {
  const { snapshot } = parsePersisted(json);
  return workerLifecycleMachine.resolveState({ value: snapshot.value, context: snapshot.context });
}

/** A new worker, offline, in its stored form. */
export function createPersistedWorker(input: WorkerLifecycleInput): PersistedWorker {
  const [snapshot] = initialTransition(workerLifecycleMachine, input);
  return toPersisted(snapshot);
}

/** Validate an event from workflow input; throws {@link WorkerEventError}. */
export function parseWorkerEvent(json: unknown): WorkerLifecycleEvent {
  const parsed = workerLifecycleEventSchema.safeParse(json);
  if (!parsed.success) throw zodFailure((f, m, o) => new WorkerEventError(f, m, o), 'event', parsed.error);
  return parsed.data;
}

export interface WorkerStep {
  persisted: PersistedWorker;
  state: WorkerState;
  previousState: WorkerState;
  /** Why the worker is where it is after this event; code `Ignored` when the state does not accept it. */
  reason: LifecycleReason;
  /** The state changed (a refusal or an observation keeps it, but still updates facts and reason). */
  changed: boolean;
  /** The one side effect the caller performs now: only when the state changed into one that asks for it. */
  effect: WorkerEffect | null;
}

/** Load, apply one event with `transition()`, and return the new stored form. Pure. */
export function stepWorker(persisted: unknown, event: WorkerLifecycleEvent): WorkerStep {
  const checked = parseWorkerEvent(event);
  const before = fromPersisted(persisted);
  const previousState = before.value as WorkerState;
  if (!before.can(checked)) {
    return {
      persisted: toPersisted(before),
      state: previousState,
      previousState,
      reason: {
        code: 'Ignored',
        message: `${checked.type} is not accepted in state ${previousState}`,
        event: checked.type,
        at: checked.at,
      },
      changed: false,
      effect: null,
    };
  }
  const [after] = transition(workerLifecycleMachine, before, checked);
  const state = after.value as WorkerState;
  const changed = state !== previousState;
  // Every accepted event sets lastReason (recordTransition, recordRefusal or recordFacts).
  const reason = after.context.lastReason as LifecycleReason;
  return {
    persisted: toPersisted(after),
    state,
    previousState,
    reason,
    changed,
    effect: changed ? effectOnEntering(state, reason.code) : null,
  };
}
