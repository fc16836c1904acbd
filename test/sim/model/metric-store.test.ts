import { describe, expect, it } from 'vitest';
import { MetricStore } from '../../../sim/model/metrics';

const dim = { name: 'LayerId', value: 'workers' };
const stamps = (store: MetricStore, until: number, from?: number) =>
  store.get('AWS/OpsWorks', 'load_1', dim, until, from)?.datapoints.map((p) => p.timestamp);

describe('MetricStore', () => {
  const store = new MetricStore();
  for (const t of [0, 60, 120, 180, 240]) store.put('AWS/OpsWorks', 'load_1', dim, { timestamp: t, value: t / 60 });
  // A late scenario-given point lands in order.
  store.put('AWS/OpsWorks', 'load_1', dim, { timestamp: 90, value: 9 });

  it('answers the points up to now, inclusive, in time order', () => {
    expect(stamps(store, 120)).toEqual([0, 60, 90, 120]);
    expect(stamps(store, 10_000)).toEqual([0, 60, 90, 120, 180, 240]);
  });

  it('narrows to a window from its start, inclusive, without the older points', () => {
    expect(stamps(store, 240, 90)).toEqual([90, 120, 180, 240]);
    expect(stamps(store, 180, 91)).toEqual([120, 180]);
    expect(stamps(store, 60, 120)).toEqual([]);
    expect(stamps(store, 240, 1_000)).toEqual([]);
  });

  it('knows no series it was never given', () => {
    expect(store.get('AWS/OpsWorks', 'cpu_idle', dim, 240)).toBeUndefined();
  });
});
