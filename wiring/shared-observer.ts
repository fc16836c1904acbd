/**
 * Activities of one process that run at the same instant see the same cluster:
 * in a simulation, a cycle's Plan and a drain's poll often fall on the same
 * virtual second. This coalesces their observations into one, and drops it the
 * moment any activity changes the cluster (a start, stop or maintenance switch),
 * so no decision is ever made on a state older than the last side effect.
 */
import type { FleetPort, OpencastPort } from '../core/ports';
import type { Observation } from '../scaler/observe';
import type { ActivityDeps } from '../activities/support/deps';

/**
 * How a shared observation is handed out: by default the promise itself. The
 * local engine on virtual time passes `shareable` (engine/activity.ts), so an
 * activity waiting on another's observation counts as idle: when that one
 * waits on a virtual timer (a slow Opencast), the clock must be free to move.
 */
export type Share = <T>(work: Promise<T>) => () => Promise<T>;

export function withSharedObservations(
  deps: ActivityDeps,
  observe: (deps: ActivityDeps) => Promise<Observation>,
  share: Share = (work) => () => work,
): ActivityDeps {
  let version = 0;
  let shared: { key: string; value: Promise<Observation>; get: () => Promise<Observation> } | undefined;
  const changed = () => {
    version += 1;
    shared = undefined;
  };
  const fleet: FleetPort = {
    findCluster: (name) => deps.fleet.findCluster(name),
    listLayers: (cluster) => deps.fleet.listLayers(cluster),
    listInstances: (cluster, layers, options) => deps.fleet.listInstances(cluster, layers, options),
    startInstance: async (id) => {
      changed();
      await deps.fleet.startInstance(id);
    },
    stopInstance: async (id) => {
      changed();
      await deps.fleet.stopInstance(id);
    },
  };
  const opencastAt = (baseUrl: string): OpencastPort => {
    const client = deps.opencastAt(baseUrl);
    return {
      checkCredentials: () => client.checkCredentials(),
      listHosts: () => client.listHosts(),
      activeJobs: () => client.activeJobs(),
      queuedJobCount: (operations) => client.queuedJobCount(operations),
      setMaintenance: async (url, on) => {
        changed();
        await client.setMaintenance(url, on);
      },
      ...(client.scheduledEvents ? { scheduledEvents: (from: Date, to: Date) => client.scheduledEvents!(from, to) } : {}),
    };
  };
  const wrapped: ActivityDeps = { ...deps, fleet, opencastAt };
  wrapped.observe = () => {
    const key = `${deps.now().getTime()}:${version}`;
    if (shared?.key !== key) {
      const value = observe({ ...wrapped, observe: undefined });
      // A failed observation is not shared: the next activity tries again.
      value.catch(() => {
        if (shared?.value === value) shared = undefined;
      });
      shared = { key, value, get: share(value) };
    }
    return shared.get();
  };
  return wrapped;
}
