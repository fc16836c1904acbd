/**
 * Builds small simulated clusters from scenario objects for the model tests,
 * with a hand-moved clock. Dispatch is immediate unless a test asks for the
 * 2 s beat, so expectations read in whole steps.
 */
import { ManualClock } from '../../../sim/model/clock';
import type { SimCluster } from '../../../sim/model/cluster';
import { parseScenario, type ScenarioInput } from '../../../sim/model/scenario';
import { createSimCluster } from '../../../sim/model/create';

export const START = Date.parse('2025-09-08T04:00:00Z');
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

export interface TestCluster {
  cluster: SimCluster;
  clock: ManualClock;
  /** Move the clock by `ms` and let the model catch up. */
  advance(ms: number): void;
  instance(hostname: string): SimCluster['instances'][number];
  host(hostname: string): SimCluster['hosts'][number] | undefined;
}

export function buildCluster(overrides: Partial<ScenarioInput> = {}): TestCluster {
  const scenario = parseScenario({
    // These tests were written on the OpsWorks lifecycle (instances created at first start, setup steps).
    provider: 'opsworks',
    cluster: 'test-cluster',
    start: new Date(START).toISOString(),
    timings: { dispatchIntervalMs: 0 },
    others: [{ hostname: 'admin1', layer: 'admin' }],
    ...overrides,
  });
  const clock = new ManualClock(START);
  const cluster = createSimCluster(scenario, clock);
  const instance = (hostname: string) => {
    const found = cluster.instances.find((i) => i.hostname === hostname);
    if (!found) throw new Error(`no instance ${hostname}`);
    return found;
  };
  return {
    cluster,
    clock,
    advance: (ms) => {
      clock.advance(ms);
      cluster.sync();
    },
    instance,
    host: (hostname) => cluster.hosts.find((h) => h.baseUrl === `http://${instance(hostname).privateDns}`),
  };
}

/** Jobs of the cluster in a given status. */
export function jobsIn(cluster: SimCluster, status: string): SimCluster['jobs'][number][] {
  return cluster.jobs.filter((j) => j.status === status);
}
