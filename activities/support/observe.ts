/** An activity's one look at the cluster: the shared observation of its process when there is one. */
import { observeCluster, refuseWithoutCredentials, type Observation } from '../../scaler/observe';
import type { ActivityDeps } from './deps';

/** For the votes an activity collects: what they say is in its output, not its log. */
export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Opencast refusing our credentials is thrown (a ConfigError caused by the AuthError), never taken as an outage:
 * deployed, that is what makes the function read the rotated secret again (wiring/lambda-runtime.ts). An activity
 * that went on as "Opencast unavailable" kept the old password in its environment for good (soak: releases that
 * never released after a password-rotated fault).
 */
export async function observe(deps: ActivityDeps): Promise<Observation> {
  const observation = deps.observe
    ? await deps.observe()
    : await observeCluster({
        fleet: deps.fleet,
        opencastAt: deps.opencastAt,
        now: deps.now,
        settings: deps.settings,
        ...(deps.cache ? { cache: deps.cache } : {}),
      });
  refuseWithoutCredentials(observation, deps.settings.opencast.user);
  return observation;
}
