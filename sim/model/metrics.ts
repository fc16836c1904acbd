/**
 * CloudWatch as the model publishes it: series keyed by namespace, metric and
 * one dimension, datapoints kept sorted by timestamp (scenario-given history
 * first, then the model's minute samples, appended in time order).
 */
import type { SimDatapoint, SimMetricSeries } from './types';

export interface Dimension {
  name: string;
  value: string;
}

function keyOf(namespace: string, metric: string, dimension: Dimension): string {
  return `${namespace}\u0000${metric}\u0000${dimension.name}\u0000${dimension.value}`;
}

export class MetricStore {
  private readonly series = new Map<string, SimMetricSeries>();

  /** Add one datapoint, keeping the series sorted. */
  put(namespace: string, metric: string, dimension: Dimension, point: SimDatapoint): void {
    const key = keyOf(namespace, metric, dimension);
    let s = this.series.get(key);
    if (!s) {
      s = { namespace, metric, dimension: { ...dimension }, datapoints: [] };
      this.series.set(key, s);
    }
    const list = s.datapoints;
    let i = list.length;
    while (i > 0 && list[i - 1]!.timestamp > point.timestamp) i--;
    // Samples arrive in time order: appending is the common case, and push is far cheaper than splice.
    if (i === list.length) list.push(point);
    else list.splice(i, 0, point);
  }

  /**
   * The series with datapoints in [from, until] (until inclusive); undefined when CloudWatch has never
   * seen it. Both ends by binary search: a week of minute samples is not copied for a 5-minute query.
   */
  get(namespace: string, metric: string, dimension: Dimension, until: number, from = -Infinity): SimMetricSeries | undefined {
    const s = this.series.get(keyOf(namespace, metric, dimension));
    if (!s) return undefined;
    const list = s.datapoints;
    const lo = firstIndex(list, (t) => t >= from);
    const hi = firstIndex(list, (t) => t > until);
    const slice = list.slice(lo, Math.max(lo, hi));
    // A datapoint still in CloudWatch's publishing delay is not answered yet.
    const ready = slice.some((p) => p.availableAt !== undefined && p.availableAt > until) ? slice.filter((p) => p.availableAt === undefined || p.availableAt <= until) : slice;
    return { namespace: s.namespace, metric: s.metric, dimension: { ...s.dimension }, datapoints: ready };
  }

  /** Every series (for export and tests). */
  all(): SimMetricSeries[] {
    return [...this.series.values()];
  }
}

/** The first index whose timestamp satisfies a predicate that is false then true along the sorted list. */
function firstIndex(list: readonly SimDatapoint[], past: (timestamp: number) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (past(list[mid]!.timestamp)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
