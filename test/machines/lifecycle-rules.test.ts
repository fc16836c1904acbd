import { describe, expect, it } from 'vitest';
import {
  canStopWithoutBreachingMinimum,
  describeReason,
  hasReachedBillingWindow,
  isBusy,
  isJobCountUnknown,
  remainingOnlineWorkers,
  stopBlocker,
  UNKNOWN_FACTS,
  uptimeAt,
  type DrainPolicy,
  type WorkerFacts,
} from '../../core/lifecycle-rules';

const HOURLY: DrainPolicy = { minWorkers: 1, billingMode: 'hourly', thresholdMinutes: 50 };
const PER_SECOND: DrainPolicy = { ...HOURLY, billingMode: 'per-second' };
const NOW = '2024-03-04T09:00:00.000Z';

function facts(over: Partial<WorkerFacts> = {}): WorkerFacts {
  return {
    ...UNKNOWN_FACTS,
    instanceOnline: true,
    registered: true,
    runningJobs: 0,
    onlineWorkers: 3,
    uptimeSeconds: 0,
    uptimeObservedAt: NOW,
    ...over,
  };
}

describe('isBusy', () => {
  it('is false for a registered host with no running job', () => {
    expect(isBusy(facts({ runningJobs: 0 }))).toBe(false);
  });

  it('is true for a registered host with running jobs', () => {
    expect(isBusy(facts({ runningJobs: 2 }))).toBe(true);
  });

  it('counts an unknown job count as busy: idleness must be proven', () => {
    expect(isBusy(facts({ runningJobs: null }))).toBe(true);
    expect(isJobCountUnknown(facts({ runningJobs: null }))).toBe(true);
  });

  it('is false for a host Opencast never registered (it cannot have been given work)', () => {
    expect(isBusy(facts({ registered: false, runningJobs: null }))).toBe(false);
    expect(isJobCountUnknown(facts({ registered: false, runningJobs: null }))).toBe(false);
  });
});

describe('uptimeAt', () => {
  it('extrapolates the observed uptime to the event time', () => {
    expect(uptimeAt(facts({ uptimeSeconds: 600 }), '2024-03-04T09:05:00.000Z')).toBe(900);
  });

  it('does not shrink the uptime for an event older than the observation', () => {
    expect(uptimeAt(facts({ uptimeSeconds: 600 }), '2024-03-04T08:55:00.000Z')).toBe(600);
  });

  it('is null when the uptime was never observed', () => {
    expect(uptimeAt(facts({ uptimeSeconds: null, uptimeObservedAt: null }), NOW)).toBeNull();
  });
});

describe('hasReachedBillingWindow', () => {
  it.each([
    [49 * 60, false],
    [50 * 60, true],
    [59 * 60 + 59, true],
    [60 * 60 + 5 * 60, false],
    [2 * 3600 + 55 * 60, true],
  ])('hourly, threshold 50: uptime %i s → %s', (uptime, expected) => {
    expect(hasReachedBillingWindow(facts({ uptimeSeconds: uptime }), HOURLY, NOW)).toBe(expected);
  });

  it('hourly: judges the window at the event time, not at the observation', () => {
    const observedAt40 = facts({ uptimeSeconds: 40 * 60 });
    expect(hasReachedBillingWindow(observedAt40, HOURLY, '2024-03-04T09:10:00.000Z')).toBe(true);
  });

  it('per-second: open as soon as the 60 s minimum charge is used, whatever the minute', () => {
    expect(hasReachedBillingWindow(facts({ uptimeSeconds: 59 }), PER_SECOND, NOW)).toBe(false);
    expect(hasReachedBillingWindow(facts({ uptimeSeconds: 60 }), PER_SECOND, NOW)).toBe(true);
    expect(hasReachedBillingWindow(facts({ uptimeSeconds: 10 * 60 }), PER_SECOND, NOW)).toBe(true);
  });

  it('is not reached when the uptime is unknown', () => {
    expect(hasReachedBillingWindow(facts({ uptimeSeconds: null }), PER_SECOND, NOW)).toBe(false);
  });
});

describe('canStopWithoutBreachingMinimum', () => {
  it('counts this worker among the online ones when its instance is online', () => {
    expect(remainingOnlineWorkers(facts({ onlineWorkers: 2 }))).toBe(1);
    expect(canStopWithoutBreachingMinimum(facts({ onlineWorkers: 2 }), HOURLY)).toBe(true);
    expect(canStopWithoutBreachingMinimum(facts({ onlineWorkers: 1 }), HOURLY)).toBe(false);
  });

  it('subtracts other workers already on their way out', () => {
    expect(canStopWithoutBreachingMinimum(facts({ onlineWorkers: 3, otherStopsInFlight: 2 }), HOURLY)).toBe(false);
  });

  it('does not count a worker whose instance is not online (stopping it removes no capacity)', () => {
    expect(canStopWithoutBreachingMinimum(facts({ instanceOnline: false, onlineWorkers: 1 }), HOURLY)).toBe(true);
  });

  it('proves nothing when the online count was never observed', () => {
    expect(canStopWithoutBreachingMinimum(facts({ onlineWorkers: null }), { ...HOURLY, minWorkers: 0 })).toBe(false);
  });
});

describe('stopBlocker', () => {
  it('refuses a protected worker even when forced', () => {
    expect(stopBlocker(facts({ protected: true }), HOURLY, true)).toBe('Protected');
  });

  it('reports busy, unknown and minimum in that order', () => {
    expect(stopBlocker(facts({ runningJobs: null, onlineWorkers: 1 }), HOURLY, false)).toBe('OpencastUnavailable');
    expect(stopBlocker(facts({ runningJobs: 1, onlineWorkers: 1 }), HOURLY, false)).toBe('Busy');
    expect(stopBlocker(facts({ onlineWorkers: 1 }), HOURLY, false)).toBe('MinimumReached');
    expect(stopBlocker(facts(), HOURLY, false)).toBeNull();
  });

  it('lets force override busy and the minimum, as the original --force did', () => {
    expect(stopBlocker(facts({ runningJobs: 4, onlineWorkers: 1 }), HOURLY, true)).toBeNull();
  });
});

describe('describeReason', () => {
  const detail = { hostname: 'worker1', policy: HOURLY, force: true, at: NOW };

  it('says a forced stop interrupts running jobs, with their number', () => {
    expect(describeReason('ForcedStop', { ...detail, facts: facts({ runningJobs: 3 }) })).toBe(
      'forced stop with 3 running jobs',
    );
  });

  it('says how long is left before the billing window', () => {
    const message = describeReason('BelowBillingWindow', { ...detail, facts: facts({ uptimeSeconds: 10 * 60 }) });
    expect(message).toBe('waiting for the billing window: 10 of 50 min of the hour used, 2400 s to go');
  });

  it('says how many workers would be left below the minimum', () => {
    const message = describeReason('MinimumReached', { ...detail, facts: facts({ onlineWorkers: 1 }) });
    expect(message).toBe('stopping would leave 0 online worker(s), below the minimum of 1');
  });
});
