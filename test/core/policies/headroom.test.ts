import { describe, expect, it } from 'vitest';
import { decidePolicy } from '../../../core/policies';
import { chosen, configOf, inputOf, minutesLater, NOW, reasonOf } from './helpers';

// Pinned spares, so the rules are tested apart from the tuned defaults.
const headroom = (settings: Record<string, unknown> = {}) => configOf({ name: 'headroom', spare_workers: 1, hourly_spare_workers: 2, ...settings });

describe('headroom policy', () => {
  describe('scale out', () => {
    it('starts the whole shortfall at once: load plus one spare worker of slots', () => {
      // 2 x 36 slots in service; 60 running + 40 queued load + 36 spare = 136 slots = 4 workers.
      const input = inputOf(headroom(), {
        workers: [
          { hostname: 'worker1', uptimeMinutes: 90, load: 30 },
          { hostname: 'worker2', uptimeMinutes: 90, load: 30 },
          { hostname: 'worker3', status: 'stopped' },
          { hostname: 'worker4', status: 'stopped' },
          { hostname: 'worker5', status: 'stopped' },
        ],
        queued: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
      });

      const decision = decidePolicy(input);

      expect(decision.action).toBe('start');
      expect(decision.target).toMatchObject({ workers: 4, current: 2 });
      expect(chosen(decision)).toHaveLength(2);
      expect(decision.reasons[0]).toMatch(/target 4 worker\(s\)/);
    });

    it('counts starting workers as capacity already on its way', () => {
      // 38 load + 36 spare: 3 workers, one in service and two booting.
      const input = inputOf(headroom(), {
        workers: [
          { hostname: 'worker1', uptimeMinutes: 90, load: 30 },
          { hostname: 'worker2', status: 'booting', registered: false },
          { hostname: 'worker3', status: 'online', registered: false, uptimeMinutes: 4 },
          { hostname: 'worker4', status: 'stopped' },
        ],
        queued: [4, 4],
      });

      expect(decidePolicy(input)).toMatchObject({ action: 'none', target: { workers: 3, current: 3 } });
    });

    it('keeps no whole spare worker for a small load', () => {
      const input = inputOf(headroom(), {
        workers: [{ hostname: 'worker1', uptimeMinutes: 90, load: 3 }, { hostname: 'worker2', status: 'stopped' }],
      });

      expect(decidePolicy(input)).toMatchObject({ action: 'none', target: { workers: 1 } });
    });

    it('reserves the load growth of the last minutes over a boot when it exceeds the spare', () => {
      // Load grew from 40 to 100 in 5 minutes: 12/min x 6 min = 72 free slots, more than the 36 spare.
      const five = minutesLater(-5).toISOString();
      const workers = [
        { hostname: 'worker1', uptimeMinutes: 90, load: 50 },
        { hostname: 'worker2', uptimeMinutes: 90, load: 50 },
        ...[3, 4, 5, 6].map((n) => ({ hostname: `worker${n}`, status: 'stopped' })),
      ];
      const memory = { recent: { [five]: 40 } };

      const perSecond = decidePolicy(inputOf(headroom(), { workers, memory }));
      const hourlyOff = decidePolicy(inputOf(headroom({ hourly_predict_minutes: 0, hourly_spare_workers: 1 }), { workers, memory, billing: 'hourly' }));

      expect(perSecond.target?.workers).toBe(5);
      expect(perSecond.reasons[0]).toMatch(/growth 12\/min over 6 min/);
      // Hourly billing has its own horizon (a speculative start bills an hour): off here, so the spare alone.
      expect(hourlyOff.target?.workers).toBe(4);
      expect(hourlyOff.reasons[0]).toMatch(/spare/);
    });
  });

  describe('scale in', () => {
    const quiet = [
      { hostname: 'worker1', uptimeMinutes: 200, load: 2 },
      { hostname: 'worker2', uptimeMinutes: 100, load: 10 },
      { hostname: 'worker3', uptimeMinutes: 30, load: 1 },
      { hostname: 'worker4', uptimeMinutes: 170 },
    ];

    it('holds a surplus for a few minutes before draining, with the flapping guard on', () => {
      const decision = decidePolicy(inputOf(headroom({ scale_in_after_minutes: 3 }), { workers: quiet }));

      expect(decision).toMatchObject({ action: 'none', outcome: 'HoldingDrain' });
      expect(decision.reasons.join(' ')).toMatch(/surplus for 0.0 min, drains after 3 min/);
      expect(decision.memory?.surplusSince).toBe(NOW.toISOString());
    });

    it('under per-second billing drains the least-loaded workers once the surplus has lasted', () => {
      const memory = { surplusSince: minutesLater(-4).toISOString() };

      const decision = decidePolicy(inputOf(headroom({ scale_in_after_minutes: 3 }), { workers: quiet, memory }));

      // 13 load at 0.9 utilisation + 13 reserve (never more than the load): 1 worker needed of 4.
      expect(decision.action).toBe('stop');
      expect(chosen(decision)).toEqual(['worker4', 'worker3', 'worker1']);
      expect(decision.drain).toEqual({ respectBillingWindow: false });
    });

    it('under hourly billing drains only workers near their hour boundary, the closest first', () => {
      const memory = { surplusSince: minutesLater(-4).toISOString() };
      const workers = [
        { hostname: 'worker1', uptimeMinutes: 118, load: 2 }, // 2 min to its boundary, busy
        { hostname: 'worker2', uptimeMinutes: 110, load: 10 }, // 10 min to go
        { hostname: 'worker3', uptimeMinutes: 30, load: 1 }, // 30 min to go
        { hostname: 'worker4', uptimeMinutes: 20 }, // idle but 40 min of its hour left
      ];

      const decision = decidePolicy(inputOf(headroom(), { workers, memory, billing: 'hourly' }));

      expect(chosen(decision)).toEqual(['worker1', 'worker2']);
      expect(reasonOf(decision, 'worker4')).toBe('BelowBillingWindow');
      expect(decision.drain).toEqual({ respectBillingWindow: false, maxDrainMinutes: 15 });
    });

    it('never drains a protected worker, and says so', () => {
      const memory = { surplusSince: minutesLater(-4).toISOString() };

      const decision = decidePolicy(inputOf(headroom(), { workers: quiet, memory, protectedHostnames: ['worker4', 'worker3'] }));

      expect(chosen(decision)).not.toContain('worker4');
      expect(chosen(decision)).not.toContain('worker3');
      expect(reasonOf(decision, 'worker4')).toBe('Protected');
      expect(decision.rejected.find((r) => r.hostname === 'worker4')?.detail).toMatch(/never drained/);
    });

    it('keeps the floor', () => {
      const memory = { surplusSince: minutesLater(-4).toISOString() };

      const decision = decidePolicy(inputOf(headroom(), { workers: quiet, memory, minWorkers: 3 }));

      expect(chosen(decision)).toEqual(['worker4']);
      expect(decision.target?.workers).toBe(3);
    });

    it('does nothing inside the hysteresis band', () => {
      // 60 load + 36 spare: 3 workers at full utilisation, 3 at 0.9: keep 3.
      const decision = decidePolicy(
        inputOf(headroom(), { workers: [1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 90, load: 20 })) }),
      );

      expect(decision).toMatchObject({ action: 'none', outcome: 'AtTarget' });
      expect(decision.reasons[0]).toMatch(/target 3/);
    });
  });

  it('fails closed when Opencast does not answer: no drain, no boot beyond the floor', () => {
    const input = inputOf(headroom(), {
      workers: [...[1, 2, 3].map((n) => ({ hostname: `worker${n}`, uptimeMinutes: 90 })), { hostname: 'worker4', status: 'stopped' }],
      memory: { surplusSince: minutesLater(-30).toISOString() },
    });
    input.view.opencast = { up: false, error: 'connect ECONNREFUSED' };
    for (const w of input.view.workers) w.runningJobs = null;
    delete input.jobs;

    const decision = decidePolicy(input);

    expect(decision.action).toBe('none');
    expect(reasonOf(decision, 'worker1')).toBe('OpencastUnavailable');
  });

  it('raises the fleet to a time-of-day floor before it begins (pre-warming)', () => {
    const floors = [{ days: ['MON'], start: '07:05', end: '09:00', workers: 3 }];
    const workers = [{ hostname: 'worker1', uptimeMinutes: 90 }, ...[2, 3, 4].map((n) => ({ hostname: `worker${n}`, status: 'stopped' }))];

    // NOW is Monday 07:00 in New York: the 07:05 floor is within the boot lead.
    const decision = decidePolicy(inputOf(headroom({ floors, time_zone: 'America/New_York' }), { workers }));

    expect(decision.action).toBe('start');
    expect(decision.target?.workers).toBe(3);
  });
});
