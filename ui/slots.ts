/**
 * A scenario's worker slots: each worker's Opencast max load (its own, else its
 * type's vCPU count, as the simulator registers it: sim/model/cluster.ts), the
 * unit the demand chart draws capacity in. Workers of one type are the rule; a
 * mixed fleet is drawn at its median worker.
 */
import { vcpuOf } from '../sim/model/instance-types';
import type { Scenario } from '../sim/model/scenario';

export function slotsPerWorker(scenario: Pick<Scenario, 'workers'>): number {
  const each = scenario.workers.flatMap((w) => Array.from({ length: w.count ?? 1 }, () => w.maxLoad ?? vcpuOf(w.instanceType))).sort((a, b) => a - b);
  return each.length ? each[Math.floor(each.length / 2)]! : 36;
}
