import { describe, expect, it } from 'vitest';
import { BillingLedger, chargedHours, summarizeBilling, type BillingRun } from '../../../sim/model/billing';
import { ANCHOR_PRICES } from '../../../sim/model/instance-types';
import { buildCluster, HOUR, MIN, SEC, START } from './helpers';

const run = (start: number, end: number | undefined, instanceType = 'c5.9xlarge'): BillingRun => ({
  instanceId: `id-${start}`,
  hostname: 'worker1',
  instanceType,
  role: 'worker',
  start,
  ...(end !== undefined ? { end } : {}),
});

describe('chargedHours', () => {
  it.each([
    ['61 min', 61 * MIN, 2, 61 / 60],
    ['exactly 1 h', HOUR, 1, 1],
    ['30 s', 30 * SEC, 1, 1 / 60],
    ['90.5 s', 90.5 * SEC, 1, 91 / 3600],
  ])('charges a run of %s as whole hours (hourly) or seconds with a 60 s minimum (per-second)', (_, ms, hourly, perSecond) => {
    const r = run(0, ms);
    expect(chargedHours(r, ms, 'hourly')).toBe(hourly);
    expect(chargedHours(r, ms, 'per-second')).toBeCloseTo(perSecond, 10);
  });

  it('counts an open run up to now', () => {
    expect(chargedHours(run(0, undefined), 2.5 * HOUR, 'hourly')).toBe(3);
  });
});

describe('summarizeBilling', () => {
  it('totals both modes and prices them, naming unpriced types', () => {
    const runs = [run(0, 10 * MIN), run(HOUR, HOUR + 10 * MIN), run(0, 2 * HOUR, 't3.medium')];

    const s = summarizeBilling(runs, 3 * HOUR, ANCHOR_PRICES);

    expect(s.hourly.instanceHours).toBe(4);
    expect(s.perSecond.instanceHours).toBeCloseTo(20 / 60 + 2, 10);
    expect(s.hourly.cost).toBeCloseTo(2 * 1.53, 10);
    expect(s.perSecond.cost).toBeCloseTo((20 / 60) * 1.53, 10);
    expect(s.unpricedTypes).toEqual(['t3.medium']);
    expect(s.byType['c5.9xlarge']).toMatchObject({ runs: 2, hourly: { instanceHours: 2 } });
  });

  it('has no cost without a price table', () => {
    expect(summarizeBilling([run(0, HOUR)], HOUR).hourly).toEqual({ instanceHours: 1 });
  });
});

describe('BillingLedger', () => {
  it('ignores a second open and a close without an open run', () => {
    const ledger = new BillingLedger();
    ledger.openRun(run(0, undefined));
    ledger.openRun(run(0, undefined));
    ledger.closeRun('id-0', 100);
    ledger.closeRun('id-0', 200);
    expect(ledger.runs()).toEqual([expect.objectContaining({ start: 0, end: 100 })]);
  });

  it('records every run of a simulated worker from EC2 running to EC2 stopping', () => {
    const t = buildCluster({ workers: [{ hostname: 'worker1', state: 'stopped' }] });
    const id = t.instance('worker1').opsworksId;

    for (let i = 0; i < 2; i++) {
      t.cluster.startInstance(id);
      t.advance(20 * MIN);
      t.cluster.stopInstance(id);
      t.advance(5 * MIN);
    }

    const runs = t.cluster.billing.runs().filter((r) => r.role === 'worker');
    expect(runs).toEqual([
      expect.objectContaining({ start: START + 32 * SEC, end: START + 20 * MIN + 30 * SEC }),
      expect.objectContaining({ start: START + 25 * MIN + 32 * SEC, end: START + 45 * MIN + 30 * SEC }),
    ]);
    const s = summarizeBilling(runs, t.cluster.now());
    expect(s.hourly.instanceHours).toBe(2);
    expect(s.perSecond.instanceHours).toBeCloseTo((2 * (20 * 60 - 2)) / 3600, 10);
  });
});
