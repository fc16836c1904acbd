import { describe, expect, it } from 'vitest';
import { ScalingError } from '../../core/errors';
import { planScaleDown, planScaleTo, planScaleUp, type ScaleDownOptions } from '../../core/scale';
import { viewOf } from '../helpers/views';

const down = (o: Partial<ScaleDownOptions> = {}): ScaleDownOptions => ({
  force: false,
  scaleAvailable: false,
  checkUptime: false,
  minWorkers: 1,
  idleUptimeThreshold: 50,
  billing: 'hourly',
  ...o,
});
const names = (d: { chosen: Array<{ hostname: string }> }) => d.chosen.map((c) => c.hostname);

describe('planScaleUp', () => {
  const view = viewOf([
    { hostname: 'worker1', uptimeMinutes: 30 },
    { hostname: 'worker2', status: 'stopped', hasEc2: false, type: 'c4.8xlarge' },
    { hostname: 'worker3', status: 'stopped', hasEc2: true, type: 'c4.xlarge' },
  ]);

  it('starts the best-ranked stopped workers', () => {
    const decision = planScaleUp(view, 1, { scaleAvailable: false });
    expect(decision.action).toBe('start');
    expect(names(decision)).toEqual(['worker3']);
    expect(decision.rejected.find((r) => r.hostname === 'worker1')?.reason).toBe('NotStopped');
  });

  it('refuses when fewer stopped workers than asked', () => {
    expect(() => planScaleUp(view, 3, { scaleAvailable: false })).toThrow(/does not have 3 stopped workers/);
  });

  it('starts what there is with --scale-available, and warns', () => {
    const decision = planScaleUp(view, 3, { scaleAvailable: true });
    expect(names(decision)).toEqual(['worker3', 'worker2']);
    expect(decision.warnings[0]).toMatch(/Starting the available ones/);
  });

  it('does nothing (no error) with --scale-available when nothing is stopped', () => {
    const decision = planScaleUp(viewOf([{ hostname: 'worker1' }]), 2, { scaleAvailable: true });
    expect(decision.action).toBe('none');
  });
});

describe('planScaleDown', () => {
  const cluster = () =>
    viewOf([
      { hostname: 'worker1', uptimeMinutes: 55 },
      { hostname: 'worker2', uptimeMinutes: 115, running: 1 },
      { hostname: 'worker3', uptimeMinutes: 20 },
      { hostname: 'worker4', status: 'booting', registered: false },
      { hostname: 'worker5', status: 'stopped' },
    ]);

  it('stops idle and pending workers, longest uptime first, never a busy one', () => {
    const decision = planScaleDown(cluster(), 2, down());
    expect(names(decision)).toEqual(['worker1', 'worker3']);
    expect(decision.rejected.find((r) => r.hostname === 'worker2')).toMatchObject({ reason: 'Busy', detail: '1 running job(s)' });
    expect(decision.rejected.find((r) => r.hostname === 'worker4')?.reason).toBe('NotNeeded');
    expect(decision.rejected.find((r) => r.hostname === 'worker5')?.reason).toBe('NotActive');
  });

  it('respects the billing window when checking uptime', () => {
    const decision = planScaleDown(cluster(), 1, down({ checkUptime: true }));
    expect(names(decision)).toEqual(['worker1']);
    expect(decision.rejected.find((r) => r.hostname === 'worker3')).toMatchObject({
      reason: 'BelowBillingWindow',
      detail: 'minute 20 of its billing hour, threshold 50',
    });
  });

  it('refuses to go below the minimum', () => {
    expect(() => planScaleDown(cluster(), 3, down({ minWorkers: 1 }))).toThrow(/violates MIN_WORKERS 1/);
  });

  it('tries fewer workers with --scale-available when the minimum would be broken', () => {
    const decision = planScaleDown(cluster(), 3, down({ minWorkers: 1, scaleAvailable: true }));
    expect(decision.requested).toBe(2);
    expect(decision.warnings[0]).toMatch(/Trying with fewer workers/);
  });

  it('goes below the minimum with --force and says so', () => {
    const decision = planScaleDown(cluster(), 3, down({ force: true }));
    expect(names(decision)).toEqual(['worker2', 'worker1', 'worker3']);
    expect(decision.warnings[0]).toMatch(/Continuing because --force/);
    expect(decision.chosen[0]?.detail).toMatch(/1 running job\(s\) \(--force\)/);
  });

  it('refuses when fewer online or pending workers than asked', () => {
    expect(() => planScaleDown(cluster(), 5, down())).toThrow(/does not have 5 online or pending workers/);
  });

  it('refuses when fewer candidates than asked, unless --scale-available finds at least one', () => {
    expect(() => planScaleDown(cluster(), 1, down({ checkUptime: true, minWorkers: 0 }))).not.toThrow();
    const onlyBusy = viewOf([{ hostname: 'worker1', running: 3 }, { hostname: 'worker2', running: 1 }]);
    expect(() => planScaleDown(onlyBusy, 1, down())).toThrow(/does not have 1 workers available to stop/);
    expect(() => planScaleDown(onlyBusy, 1, down({ scaleAvailable: true }))).toThrow(ScalingError);
  });

  it('fails closed when Opencast is down: no online worker is a candidate, even forced', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 58 }], { opencastUp: false });
    expect(() => planScaleDown(view, 1, down())).toThrow(ScalingError);
    expect(() => planScaleDown(view, 1, down({ force: true }))).toThrow(ScalingError);
  });

  it('never chooses a protected worker', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 500 }, { hostname: 'worker2', uptimeMinutes: 20 }, { hostname: 'worker3' }], {
      protectedHostnames: ['worker1'],
    });
    const decision = planScaleDown(view, 1, down({ force: true }));
    expect(names(decision)).toEqual(['worker2']);
    expect(decision.rejected.find((r) => r.hostname === 'worker1')?.reason).toBe('Protected');
  });

  it('uses per-second billing: no hour window, only the first minute', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 20 }, { hostname: 'worker2', uptimeMinutes: 0 }, { hostname: 'worker3', uptimeMinutes: 5 }]);
    const decision = planScaleDown(view, 1, down({ checkUptime: true, billing: 'per-second' }));
    expect(names(decision)).toEqual(['worker1']);
  });
});

describe('planScaleTo', () => {
  const view = viewOf([
    { hostname: 'worker1', uptimeMinutes: 55 },
    { hostname: 'worker2', uptimeMinutes: 30 },
    { hostname: 'worker3', status: 'stopped' },
  ]);

  it('errors when already at the target', () => {
    expect(() => planScaleTo(view, 2, down())).toThrow(/already at 2 online or pending workers/);
  });

  it('scales up to a larger target', () => {
    const decision = planScaleTo(view, 3, down());
    expect(decision).toMatchObject({ command: 'to', action: 'start' });
    expect(names(decision)).toEqual(['worker3']);
  });

  it('scales down to a smaller target', () => {
    const decision = planScaleTo(view, 1, down());
    expect(decision).toMatchObject({ command: 'to', action: 'stop' });
    expect(names(decision)).toEqual(['worker1']);
  });

  it('refuses an unreachable target without --scale-available', () => {
    expect(() => planScaleTo(view, 5, down())).toThrow(/does not have 3 stopped workers/);
  });
});

describe('planScaleDown with drains under way', () => {
  it('never picks a worker already draining and counts it as leaving', () => {
    const view = viewOf([
      { hostname: 'worker1', uptimeMinutes: 300 },
      { hostname: 'worker2', uptimeMinutes: 100 },
      { hostname: 'worker3', uptimeMinutes: 50 },
    ]);
    const decision = planScaleDown(view, 1, down({ draining: ['worker1'] }));
    expect(names(decision)).toEqual(['worker2']);
    expect(decision.rejected.find((r) => r.hostname === 'worker1')?.reason).toBe('Draining');
    expect(() => planScaleDown(view, 2, down({ draining: ['worker1'] }))).toThrow(/violates MIN_WORKERS/);
  });
});
