/**
 * Switches Opencast maintenance for the worker's host: on to stop dispatch before
 * a stop, off to put it back in service. The one side effect of its step; the
 * machine is told afterwards, so a failed call leaves the state where it was.
 */
import { z } from 'zod';
import { DependencyError, ScalingError } from '../core/errors';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { drainRequestSchema } from '../core/workflow-requests';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';
import { advance, workerSlotSchema, type WorkerSlot } from '../machines/worker-slot';

const eventSchema = z.object({
  on: z.boolean(),
  worker: workerSlotSchema,
  request: drainRequestSchema.partial().passthrough().optional(),
});

export function createSetMaintenanceHandler(deps: ActivityDeps): ActivityHandler<unknown, WorkerSlot> {
  return async (event) => {
    const parsed = parseEvent(eventSchema, event, 'set-maintenance');
    const slot: WorkerSlot = parsed.worker;
    // The lifecycle says which switch its state owes (machines/worker-lifecycle.ts); a hand-made input cannot ask for another.
    const owed = parsed.on ? 'maintenance' : 'returningToService';
    if (slot.state !== owed) {
      throw new ScalingError(`refusing to switch maintenance ${parsed.on ? 'on' : 'off'} for ${slot.hostname}: its lifecycle is in ${slot.state}, not ${owed}`);
    }
    if (!slot.hostUrl) throw new DependencyError('opencast', `${slot.hostname} has no Opencast host URL`);
    const { opencast } = await observe(deps);
    if (!opencast) throw new DependencyError('opencast', 'no Opencast URL for this cluster');
    await opencast.setMaintenance(slot.hostUrl, parsed.on);
    const at = deps.now().toISOString();
    const next = advance(slot, [parsed.on ? { type: 'maintenance.on', at } : { type: 'maintenance.off', at }]);
    if (!parsed.on) return next;
    const maxDrainMinutes = parsed.request?.maxDrainMinutes ?? 60;
    return { ...next, waitSeconds: 30, deadline: new Date(deps.now().getTime() + maxDrainMinutes * 60_000).toISOString() };
  };
}

