/**
 * Stops the worker's instance (OpsWorks StopInstance or EC2 StopInstances, never
 * terminate). Runs only when the machine is in `stopping`, which it enters only
 * with no running job (or forced, saying so). The one side effect of its step.
 */
import { ScalingError } from '../core/errors';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import type { WorkerSlot } from '../machines/worker-slot';

export function createStopWorkerHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { worker: slot } = parseDrainState(event, 'stop-worker');
    if (slot.state !== 'stopping') {
      throw new ScalingError(`refusing to stop ${slot.hostname}: its lifecycle is in ${slot.state}, not stopping`);
    }
    await deps.fleet.stopInstance(slot.id);
    return { ...slot, deadline: new Date(deps.now().getTime() + 15 * 60_000).toISOString() };
  };
}

