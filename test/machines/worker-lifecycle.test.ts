import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HISTORY_LIMIT,
  WORKER_STATES,
  workerLifecycleMachine,
  type WorkerLifecycleEvent,
} from '../../machines/worker-lifecycle';
import { at, drainingWorker, drainRequest, INPUT, onlineWorker, send, start } from './fixtures';

const lastRecord = (s: ReturnType<typeof start>) => s.context.history.at(-1);

describe('workerLifecycleMachine', () => {
  it('declares exactly the states that WORKER_STATES lists', () => {
    expect(Object.keys(workerLifecycleMachine.root.states).sort()).toEqual([...WORKER_STATES].sort());
  });

  describe('boot', () => {
    it('adopts a worker found starting without asking for a start of its own', () => {
      const adopted = send(start(), { type: 'instance.pending', at: at(0) });
      expect(adopted.value).toBe('booting');
      expect(adopted.context.lastReason?.code).toBe('StartedOutside');
    });

    it('is online once the instance is online and Opencast has registered it, in either order', () => {
      const booting = send(start(), { type: 'start.requested', at: at(0) });
      const registeredFirst = send(
        booting,
        { type: 'opencast.registered', at: at(3), maintenance: false },
        { type: 'instance.online', at: at(4) },
      );
      const onlineFirst = send(
        booting,
        { type: 'instance.online', at: at(3) },
        { type: 'opencast.registered', at: at(4), maintenance: false },
      );
      expect(booting.value).toBe('booting');
      expect(registeredFirst.value).toBe('online');
      expect(onlineFirst.value).toBe('online');
      expect(onlineFirst.context.lastReason?.code).toBe('Booted');
    });

    it('stays booting while only one of the two conditions holds', () => {
      const s = send(start(), { type: 'start.requested', at: at(0) }, { type: 'instance.online', at: at(3) });
      expect(s.value).toBe('booting');
      expect(s.context.lastReason?.message).toBe('instance online, waiting for Opencast to register the host');
    });

    it('switches maintenance off when the host comes back still in maintenance from an earlier run', () => {
      const s = send(
        start(),
        { type: 'start.requested', at: at(0) },
        { type: 'instance.online', at: at(3) },
        { type: 'opencast.registered', at: at(4), maintenance: true },
      );
      expect(s.value).toBe('returningToService');
      expect(send(s, { type: 'maintenance.off', at: at(5) }).value).toBe('online');
    });

    it('records a start failure with its error, and can retry', () => {
      const failed = send(
        start(),
        { type: 'start.requested', at: at(0) },
        { type: 'start.failed', at: at(1), error: 'InsufficientInstanceCapacity' },
      );
      expect(failed.value).toBe('startFailed');
      expect(failed.context.lastReason?.message).toBe('start failed: InsufficientInstanceCapacity');
      expect(send(failed, { type: 'start.requested', at: at(2) }).value).toBe('booting');
    });

    it('fails the start when the boot deadline passes', () => {
      const s = send(start(), { type: 'start.requested', at: at(0) }, { type: 'boot.timedOut', at: at(30) });
      expect(s.value).toBe('startFailed');
      expect(s.context.lastReason?.code).toBe('BootTimedOut');
    });

    it('adopts a worker started outside mo-scaler through the same boot checks', () => {
      const s = send(start(), { type: 'instance.online', at: at(0) });
      expect(s.value).toBe('booting');
      expect(s.context.lastReason?.code).toBe('StartedOutside');
      expect(send(s, { type: 'opencast.registered', at: at(1), maintenance: false }).value).toBe('online');
    });
  });

  describe('billing window', () => {
    it('hourly: waits, still serving, until the threshold minute of the instance hour', () => {
      const s = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      expect(s.value).toBe('awaitingBillingWindow');
      expect(s.context.lastReason?.code).toBe('BelowBillingWindow');
      expect(s.context.lastReason?.message).toContain('2400 s to go');
    });

    it('hourly: goes to maintenance at once when the window is already open', () => {
      const s = send(onlineWorker({ uptimeMinutes: 52 }), drainRequest(0));
      expect(s.value).toBe('maintenance');
      expect(s.context.lastReason?.code).toBe('BillingWindowReached');
    });

    it('hourly: checks a billing.windowReached claim against the uptime instead of trusting it', () => {
      const waiting = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      const early = send(waiting, { type: 'billing.windowReached', at: at(20), uptimeSeconds: 30 * 60 });
      expect(early.value).toBe('awaitingBillingWindow');
      expect(lastRecord(early)).toMatchObject({ from: 'awaitingBillingWindow', to: 'awaitingBillingWindow', code: 'BelowBillingWindow' });
      const due = send(early, { type: 'billing.windowReached', at: at(40), uptimeSeconds: 50 * 60 });
      expect(due.value).toBe('maintenance');
    });

    it('per-second: does not wait for any window', () => {
      const s = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0, { billingMode: 'per-second' }));
      expect(s.value).toBe('maintenance');
    });

    it('judges the window by event times only, never by the clock', () => {
      vi.useFakeTimers();
      vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
      const s = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      expect(s.value).toBe('awaitingBillingWindow');
      expect(s.context.lastReason?.message).toContain('2400 s to go');
    });

    afterEach(() => {
      vi.useRealTimers();
    });
  });

  describe('a busy worker', () => {
    it('keeps draining while jobs run, and stops once they have drained', () => {
      const busy = send(drainingWorker(2), { type: 'observed', at: at(5), runningJobs: 1 });
      expect(busy.value).toBe('draining');
      expect(busy.context.lastReason?.message).toBe('1 running job(s)');
      const drained = send(busy, { type: 'jobs.drained', at: at(9) });
      expect(drained.value).toBe('stopping');
      expect(drained.context.lastReason?.code).toBe('JobsDrained');
    });

    it('also stops on an observation of zero running jobs', () => {
      expect(send(drainingWorker(2), { type: 'observed', at: at(5), runningJobs: 0 }).value).toBe('stopping');
    });

    it('goes back to service with maintenance off when the drain times out', () => {
      const timedOut = send(drainingWorker(2), { type: 'drain.timedOut', at: at(60) });
      expect(timedOut.value).toBe('returningToService');
      expect(timedOut.context.lastReason?.message).toBe('drain timed out with 2 running jobs: back to service');
      const back = send(timedOut, { type: 'maintenance.off', at: at(61) });
      expect(back.value).toBe('online');
      expect(back.context.force).toBe(false);
    });

    it('is stopped on timeout only when forced, and the reason says so with the job count', () => {
      const s = send(drainingWorker(2, { force: true }), { type: 'drain.timedOut', at: at(60) });
      expect(s.value).toBe('stopping');
      expect(s.context.lastReason).toMatchObject({ code: 'ForcedStop', message: 'forced stop with 2 running jobs' });
      expect(lastRecord(s)).toMatchObject({ from: 'draining', to: 'stopping', reason: 'forced stop with 2 running jobs' });
    });

    it('is not stopped while Opencast cannot tell how many jobs run', () => {
      const unknown = send(drainingWorker(2), { type: 'observed', at: at(5), runningJobs: null });
      expect(unknown.value).toBe('draining');
      expect(unknown.context.lastReason?.code).toBe('OpencastUnavailable');
      expect(send(unknown, { type: 'drain.timedOut', at: at(60) }).value).toBe('returningToService');
    });

    it('does not trust a job count seen before maintenance was on (a job may have been dispatched since)', () => {
      const s = send(
        onlineWorker({ uptimeMinutes: 55 }),
        drainRequest(0),
        { type: 'observed', at: at(0), runningJobs: 0 },
        { type: 'maintenance.on', at: at(1) },
        { type: 'drain.timedOut', at: at(60) },
      );
      expect(s.value).toBe('returningToService');
    });

    it('refuses a stop request on a booting worker that already runs jobs, unless forced', () => {
      const booting = send(
        start(),
        { type: 'start.requested', at: at(0) },
        { type: 'opencast.registered', at: at(3), maintenance: false },
      );
      const refused = send(booting, { type: 'stop.requested', at: at(4), force: false, runningJobs: 1, onlineWorkers: 3 });
      expect(refused.value).toBe('booting');
      expect(refused.context.lastReason?.code).toBe('Busy');
      const forced = send(booting, { type: 'stop.requested', at: at(4), force: true, runningJobs: 1 });
      expect(forced.value).toBe('stopping');
      expect(forced.context.lastReason?.message).toBe('forced stop with 1 running jobs');
    });
  });

  describe('minimum workers', () => {
    it('refuses a drain that would leave fewer than the minimum, and records the refusal', () => {
      const s = send(onlineWorker({ uptimeMinutes: 55, onlineWorkers: 1 }), drainRequest(0));
      expect(s.value).toBe('online');
      expect(lastRecord(s)).toMatchObject({
        from: 'online',
        to: 'online',
        event: 'drain.requested',
        code: 'MinimumReached',
        reason: 'stopping would leave 0 online worker(s), below the minimum of 1',
      });
      expect(s.context.force).toBe(false);
    });

    it('lets a forced drain go below the minimum, skipping the billing window', () => {
      const s = send(onlineWorker({ uptimeMinutes: 10, onlineWorkers: 1 }), drainRequest(0, { force: true }));
      expect(s.value).toBe('maintenance');
      expect(s.context.lastReason?.code).toBe('ForcedDrain');
    });

    it('counts other workers already stopping', () => {
      const s = send(onlineWorker({ uptimeMinutes: 55, onlineWorkers: 3 }), drainRequest(0, { otherStopsInFlight: 2 }));
      expect(s.value).toBe('online');
      expect(s.context.lastReason?.code).toBe('MinimumReached');
    });

    it('uses the minimum the request carries', () => {
      const s = send(onlineWorker({ uptimeMinutes: 55, onlineWorkers: 3 }), drainRequest(0, { minWorkers: 3 }));
      expect(s.value).toBe('online');
    });

    it('calls off a drain when the cluster shrank meanwhile, even once idle', () => {
      const s = send(drainingWorker(1, { onlineWorkers: 2 }), {
        type: 'observed',
        at: at(3),
        runningJobs: 0,
        onlineWorkers: 1,
      });
      expect(s.value).toBe('returningToService');
      expect(s.context.lastReason?.code).toBe('MinimumReached');
    });

    it('calls off a drain still waiting for the window without touching maintenance', () => {
      const waiting = send(onlineWorker({ uptimeMinutes: 10, onlineWorkers: 2 }), drainRequest(0));
      const s = send(waiting, { type: 'observed', at: at(5), onlineWorkers: 1 });
      expect(s.value).toBe('online');
    });
  });

  describe('protected workers', () => {
    const protectedInput = { ...INPUT, protected: true };

    it('are never drained, even when forced', () => {
      const worker = onlineWorker({ uptimeMinutes: 55, input: protectedInput });
      for (const force of [false, true]) {
        const s = send(worker, drainRequest(0, { force }));
        expect(s.value).toBe('online');
        expect(s.context.lastReason?.message).toBe('worker1.example is protected: it is never drained or stopped');
      }
    });

    it('leave a drain when protection is set while it runs', () => {
      const waiting = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      expect(send(waiting, { type: 'observed', at: at(1), protected: true }).value).toBe('online');
      const inMaintenance = send(onlineWorker({ uptimeMinutes: 55 }), drainRequest(0));
      expect(send(inMaintenance, { type: 'observed', at: at(1), protected: true }).value).toBe('returningToService');
      const draining = drainingWorker(1);
      expect(send(draining, { type: 'observed', at: at(3), protected: true, runningJobs: 0 }).value).toBe(
        'returningToService',
      );
    });

    it('are not stopped on request either', () => {
      const booting = send(start(protectedInput), { type: 'start.requested', at: at(0) });
      const s = send(booting, { type: 'stop.requested', at: at(1), force: true, onlineWorkers: 3 });
      expect(s.value).toBe('booting');
      expect(s.context.lastReason?.code).toBe('Protected');
    });
  });

  describe('demand returning', () => {
    it('cancels a drain still waiting for the window: back online, maintenance never touched', () => {
      const waiting = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      const s = send(waiting, { type: 'demand.returned', at: at(5) });
      expect(s.value).toBe('online');
      expect(s.context.lastReason?.code).toBe('DemandReturned');
    });

    it('cancels a drain in maintenance or draining: maintenance goes off first', () => {
      const inMaintenance = send(onlineWorker({ uptimeMinutes: 55 }), drainRequest(0));
      expect(send(inMaintenance, { type: 'demand.returned', at: at(1) }).value).toBe('returningToService');
      expect(send(drainingWorker(1), { type: 'demand.returned', at: at(3) }).value).toBe('returningToService');
    });

    it('is too late once the stop was issued', () => {
      const stopping = send(drainingWorker(1), { type: 'jobs.drained', at: at(3) });
      expect(stopping.value).toBe('stopping');
      expect(stopping.can({ type: 'demand.returned', at: at(4) })).toBe(false);
    });
  });

  describe('stop', () => {
    const stopping = () => send(drainingWorker(1), { type: 'jobs.drained', at: at(3) });

    it('ends offline once the provider confirms, forgetting the run', () => {
      const s = send(stopping(), { type: 'stop.confirmed', at: at(5) });
      expect(s.value).toBe('offline');
      expect(s.context.facts).toMatchObject({ instanceOnline: false, registered: false, runningJobs: null });
      expect(s.context.force).toBe(false);
    });

    it('records a failed stop, which can be retried or confirmed later', () => {
      const failed = send(stopping(), { type: 'stop.failed', at: at(4), error: 'IncorrectState' });
      expect(failed.value).toBe('stopFailed');
      expect(failed.context.lastReason?.message).toBe('stop failed: IncorrectState');
      expect(send(failed, { type: 'stop.requested', at: at(5), force: false }).value).toBe('stopping');
      expect(send(failed, { type: 'stop.confirmed', at: at(5) }).value).toBe('offline');
    });
  });

  describe('crash recovery', () => {
    const abandoned: WorkerLifecycleEvent = { type: 'drain.abandoned', at: at(30) };

    it('returns a worker found in maintenance with no drain in progress to service', () => {
      const inMaintenance = send(onlineWorker({ uptimeMinutes: 55 }), drainRequest(0));
      for (const s of [onlineWorker(), inMaintenance, drainingWorker(1)]) {
        const recovered = send(s, abandoned);
        expect(recovered.value).toBe('returningToService');
        expect(recovered.context.lastReason?.code).toBe('DrainAbandoned');
        expect(send(recovered, { type: 'maintenance.off', at: at(31) }).value).toBe('online');
      }
    });

    it('switches maintenance off for a drain that died while waiting for the window (it may have been switched on)', () => {
      const waiting = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(0));
      expect(send(waiting, abandoned).value).toBe('returningToService');
    });

    it('does not hand a worker whose stop may be under way back to Opencast in one step', () => {
      const stopping = send(drainingWorker(1), { type: 'jobs.drained', at: at(3) });
      const unconfirmed = send(stopping, abandoned);
      expect(unconfirmed.value).toBe('stopFailed');
      expect(unconfirmed.context.lastReason?.code).toBe('StopUnconfirmed');
      expect(send(unconfirmed, abandoned).value).toBe('returningToService');
    });

    it('notices an instance stopped outside mo-scaler', () => {
      const s = send(drainingWorker(2), { type: 'instance.stopped', at: at(5), status: 'stopped' });
      expect(s.value).toBe('offline');
      expect(s.context.lastReason?.message).toBe('instance stopped outside mo-scaler (status stopped)');
    });
  });

  describe('transition records', () => {
    it('record from, to, event, reason and time for each change', () => {
      const s = send(onlineWorker({ uptimeMinutes: 10 }), drainRequest(2));
      expect(lastRecord(s)).toEqual({
        from: 'online',
        to: 'awaitingBillingWindow',
        event: 'drain.requested',
        code: 'BelowBillingWindow',
        reason: 'waiting for the billing window: 12 of 50 min of the hour used, 2280 s to go',
        at: at(2),
      });
    });

    it('keep only the newest records', () => {
      let s = onlineWorker({ uptimeMinutes: 10 });
      for (let i = 0; i < HISTORY_LIMIT; i++) {
        s = send(s, drainRequest(i), { type: 'demand.returned', at: at(i) });
      }
      expect(s.context.history).toHaveLength(HISTORY_LIMIT);
      expect(lastRecord(s)).toMatchObject({ event: 'demand.returned', at: at(HISTORY_LIMIT - 1) });
    });

    it('are not added by observations that change nothing', () => {
      const before = drainingWorker(2);
      const after = send(before, { type: 'observed', at: at(5), runningJobs: 2 });
      expect(after.context.history).toEqual(before.context.history);
    });
  });
});
