import { describe, expect, it } from 'vitest';
import { ConfigError, exitCodeFor } from '../../core/errors';
import {
  createPersistedWorker,
  fromPersisted,
  parsePersisted,
  parseWorkerEvent,
  PersistedSnapshotError,
  stepWorker,
  toPersisted,
  WORKER_LIFECYCLE_VERSION,
  WorkerEventError,
  workerLifecycleEventSchema,
  type PersistedWorker,
  type WorkerStep,
} from '../../machines/persistence';
import { workerLifecycleMachine, type WorkerLifecycleEvent } from '../../machines/worker-lifecycle';
import { at, drainingWorker, drainRequest, INPUT } from './fixtures';

/** What a store hands back: plain JSON, no shared references. */
const stored = (p: PersistedWorker): unknown => JSON.parse(JSON.stringify(p));

function drive(events: WorkerLifecycleEvent[]): WorkerStep[] {
  let persisted: unknown = stored(createPersistedWorker(INPUT));
  return events.map((event) => {
    const step = stepWorker(persisted, event);
    persisted = stored(step.persisted);
    return step;
  });
}

function refusal(json: unknown): PersistedSnapshotError {
  try {
    parsePersisted(json);
  } catch (error) {
    if (error instanceof PersistedSnapshotError) return error;
    throw error;
  }
  throw new Error('expected a PersistedSnapshotError');
}

describe('toPersisted / fromPersisted', () => {
  it('stores {machine, version, snapshot} as plain JSON that survives a round trip', () => {
    const persisted = toPersisted(drainingWorker(2));
    expect(persisted.machine).toBe('worker-lifecycle');
    expect(persisted.version).toBe(WORKER_LIFECYCLE_VERSION);
    expect(stored(persisted)).toEqual(persisted);
    const restored = fromPersisted(stored(persisted));
    expect(restored.value).toBe('draining');
    expect(restored.context).toEqual(drainingWorker(2).context);
    expect(toPersisted(restored)).toEqual(persisted);
  });

  it('starts a new worker offline', () => {
    expect(fromPersisted(stored(createPersistedWorker(INPUT))).value).toBe('offline');
  });
});

describe('parsePersisted refuses what it cannot read exactly', () => {
  const good = () => stored(toPersisted(drainingWorker(2))) as Record<string, any>;

  it('refuses another machine’s snapshot', () => {
    const error = refusal({ ...good(), machine: 'boot-workflow' });
    expect(error.field).toBe('persisted.machine');
    expect(error.message).toBe('persisted.machine: snapshot of machine "boot-workflow", expected "worker-lifecycle"');
  });

  it('refuses a snapshot written by a newer version', () => {
    const error = refusal({ ...good(), version: WORKER_LIFECYCLE_VERSION + 1 });
    expect(error.field).toBe('persisted.version');
    expect(error.message).toContain(`version ${WORKER_LIFECYCLE_VERSION + 1} was written by a newer mo-scaler`);
  });

  // Version 1 is the first: nothing older exists to migrate, so anything else is refused.
  it.each([[0], [1.5], ['1'], [undefined]])('refuses version %s', (version) => {
    expect(refusal({ ...good(), version }).field).toBe('persisted.version');
  });

  it('refuses a state this machine does not have', () => {
    const json = good();
    json.snapshot.value = 'hibernating';
    expect(refusal(json).field).toBe('persisted.snapshot.value');
  });

  it('refuses a context of another shape instead of reading part of it', () => {
    const extra = good();
    extra.snapshot.context.facts.idleSince = at(0);
    expect(refusal(extra).field).toBe('persisted.snapshot.context.facts');
    const wrongType = good();
    wrongType.snapshot.context.facts.runningJobs = '2';
    expect(refusal(wrongType).field).toBe('persisted.snapshot.context.facts.runningJobs');
    const badRecord = good();
    badRecord.snapshot.context.history[0].to = 'nowhere';
    expect(refusal(badRecord).field).toBe('persisted.snapshot.context.history[0].to');
  });

  it('refuses something that is not a stored worker at all', () => {
    expect(refusal(null).field).toBe('persisted');
    expect(refusal({ snapshot: {} }).field).toBe('persisted.machine');
  });

  it('is a configuration error: exit code 2, with a name a workflow Catch can match', () => {
    const error = refusal({ ...good(), machine: 'x' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('PersistedSnapshotError');
    expect(exitCodeFor(error)).toBe(2);
  });
});

describe('parseWorkerEvent', () => {
  it('has a schema for every event the machine handles', () => {
    const schemaTypes = workerLifecycleEventSchema.options.map((o) => o.shape.type.value);
    expect([...schemaTypes].sort()).toEqual([...workerLifecycleMachine.events].sort());
  });

  it('accepts a documented event', () => {
    const event = { type: 'observed', at: at(0), runningJobs: 2, onlineWorkers: 3 };
    expect(parseWorkerEvent(event)).toEqual(event);
  });

  it.each([
    [{ type: 'observed', at: 'yesterday' }, 'event.at'],
    [{ type: 'jobs.done', at: at(0) }, 'event.type'],
    [{ type: 'observed', at: at(0), runningJobs: -1 }, 'event.runningJobs'],
    [{ type: 'drain.requested', at: at(0), force: false, billingMode: 'hourly' }, 'event.thresholdMinutes'],
  ])('refuses %j at %s', (event, field) => {
    expect(() => parseWorkerEvent(event)).toThrow(WorkerEventError);
    try {
      parseWorkerEvent(event);
    } catch (error) {
      expect((error as WorkerEventError).field).toBe(field);
    }
  });
});

describe('stepWorker', () => {
  it('steps a stored worker through boot and drain, naming the one side effect of each step', () => {
    const steps = drive([
      { type: 'start.requested', at: at(-55) },
      { type: 'instance.online', at: at(-50), uptimeSeconds: 300 },
      { type: 'opencast.registered', at: at(-49), maintenance: false },
      { type: 'observed', at: at(0), runningJobs: 1, onlineWorkers: 3 },
      drainRequest(0),
      { type: 'maintenance.on', at: at(1) },
      { type: 'observed', at: at(2), runningJobs: 1 },
      { type: 'jobs.drained', at: at(4) },
      { type: 'stop.confirmed', at: at(6) },
    ]);
    expect(steps.map((s) => [s.state, s.changed, s.effect])).toEqual([
      ['booting', true, 'startInstance'],
      ['booting', false, null],
      ['online', true, null],
      ['online', false, null],
      ['maintenance', true, 'setMaintenanceOn'],
      ['draining', true, null],
      ['draining', false, null],
      ['stopping', true, 'stopInstance'],
      ['offline', true, null],
    ]);
    expect(steps[6]?.reason.message).toBe('1 running job(s)');
    expect(fromPersisted(steps[8]?.persisted).context.history.map((r) => `${r.from}>${r.to}`)).toEqual([
      'offline>booting',
      'booting>online',
      'online>maintenance',
      'maintenance>draining',
      'draining>stopping',
      'stopping>offline',
    ]);
  });

  it('asks for maintenance off when a drain is called off after maintenance went on', () => {
    const step = stepWorker(toPersisted(drainingWorker(1)), { type: 'demand.returned', at: at(5) });
    expect(step).toMatchObject({ state: 'returningToService', changed: true, effect: 'setMaintenanceOff' });
  });

  it('does not start an instance adopted while already running', () => {
    const [step] = drive([{ type: 'instance.online', at: at(0) }]);
    expect(step).toMatchObject({ state: 'booting', changed: true, effect: null });
    expect(step?.reason.code).toBe('StartedOutside');
  });

  it('returns a refused request with its reason and no effect', () => {
    const step = stepWorker(toPersisted(drainingWorker(1)), { type: 'stop.requested', at: at(5), force: true });
    expect(step).toMatchObject({ state: 'draining', changed: false, effect: null });
    expect(step.reason).toEqual({
      code: 'Ignored',
      message: 'stop.requested is not accepted in state draining',
      event: 'stop.requested',
      at: at(5),
    });
  });

  it('leaves the stored worker unchanged for an ignored event', () => {
    const persisted = toPersisted(drainingWorker(1));
    const step = stepWorker(stored(persisted), { type: 'start.requested', at: at(5) });
    expect(step.persisted).toEqual(persisted);
  });

  it('refuses a malformed event before touching the worker', () => {
    const bad = { type: 'observed', at: 'now' } as unknown as WorkerLifecycleEvent;
    expect(() => stepWorker(toPersisted(drainingWorker(1)), bad)).toThrow(WorkerEventError);
  });
});
