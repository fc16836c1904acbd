/** The state a drain-worker execution carries between its Tasks. */
import { z } from 'zod';
import { drainRequestSchema } from '../../core/workflow-requests';
import { parseEvent } from './parse-event';
import { workerSlotSchema, type WorkerSlot } from '../../machines/worker-slot';

const drainStateSchema = z.object({ request: drainRequestSchema, worker: workerSlotSchema }).passthrough();

export function parseDrainState(event: unknown, activity: string): { request: z.infer<typeof drainRequestSchema>; worker: WorkerSlot } {
  const parsed = parseEvent(drainStateSchema, event, activity);
  return { request: parsed.request, worker: parsed.worker };
}
