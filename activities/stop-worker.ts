/**
 * Stops the worker's instance (OpsWorks StopInstance or EC2 StopInstances, never
 * terminate). Runs only when the machine is in `stopping`, which it enters only
 * with no running job (or forced, saying so). The one side effect of its step.
 */
import { ScalingError } from '../core/errors';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import type { WorkerSlot } from '../machines/worker-slot';

/** How long a stop may take to be confirmed (EC2 stops in about a minute; OpsWorks runs shutdown recipes first). */
export const STOP_CONFIRM_SECONDS = 15 * 60;

export function createStopWorkerHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { worker: slot } = parseDrainState(event, 'stop-worker');
    if (slot.state !== 'stopping') {
      throw new ScalingError(`refusing to stop ${slot.hostname}: its lifecycle is in ${slot.state}, not stopping`);
    }
    await deps.fleet.stopInstance(slot.id);
    return { ...slot, deadline: new Date(deps.now().getTime() + STOP_CONFIRM_SECONDS * 1000).toISOString() };
  };
}

