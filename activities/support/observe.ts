/** An activity's one look at the cluster: the shared observation of its process when there is one. */
import { observeCluster, type Observation } from '../../scaler/observe';
import type { ActivityDeps } from './deps';

export async function observe(deps: ActivityDeps): Promise<Observation> {
  if (deps.observe) return deps.observe();
  return observeCluster({
    fleet: deps.fleet,
    opencastAt: deps.opencastAt,
    now: deps.now,
    settings: deps.settings,
    ...(deps.cache ? { cache: deps.cache } : {}),
  });
}
