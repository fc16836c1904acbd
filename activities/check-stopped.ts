/** Confirms the stop: the provider reports the instance stopped. No side effect. */
import { DependencyError } from '../core/errors';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { parseDrainState } from './support/drain-state';
import { findWorker } from '../core/cluster';
import { observe } from './support/observe';
import { advance, type WorkerSlot } from '../machines/worker-slot';

export function createCheckStoppedHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const { worker: slot } = parseDrainState(event, 'check-stopped');
    const now = deps.now();
    const { view } = await observe(deps);
    const worker = findWorker(view, slot.hostname, slot.id);
    if (worker.statusClass === 'stopped') return advance(slot, [{ type: 'stop.confirmed', at: now.toISOString() }]);
    if (slot.deadline !== undefined && Date.parse(slot.deadline) <= now.getTime()) {
      return advance(slot, [{ type: 'stop.failed', at: now.toISOString(), error: `still ${worker.state} at the deadline` }]);
    }
    if (worker.instanceState === 'start-failed' || worker.instanceState === 'terminated') {
      throw new DependencyError(worker.provider, `${slot.hostname} went to ${worker.state} while stopping`);
    }
    return slot;
  };
}

