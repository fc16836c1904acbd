/**
 * What the autoscale cycles saw of serving (core/types.ts `ServingMemory`), read
 * back from the newest finished cycle's output beside the policy's memory
 * (policy-memory.ts): it rides in `$.plan.memory.serving`. It is a workflow
 * input in effect, so it is validated on read: a bad shape is ignored with its
 * reason, never a crash, and a missing, unreadable or stale one makes the cycles
 * start watching afresh (core/serving.ts then stops nothing it has not watched
 * go without serving for the whole timeout).
 */
import { z } from 'zod';
import type { ServingMemory } from '../../core/types';
import type { JsonValue } from '../../engine/types';
import { isRecent, objectOf } from './policy-memory';

const isoTime = z.iso.datetime({ offset: true });

/** As core/serving.ts bounds it on write, with room to spare: a larger one is not ours. */
const MAX_ENTRIES = 5000;

const servingSchema = z
  .object({
    watchedSince: isoTime,
    lastServed: z.record(z.string().min(1).max(100), isoTime).refine((m) => Object.keys(m).length <= MAX_ENTRIES, `more than ${MAX_ENTRIES} workers`),
  })
  .strict();

/**
 * The serving memory in a finished cycle's output, when recent enough to continue (undefined: watching
 * starts afresh); `ignored` says why one that is there was not used.
 */
export function servingMemoryOfOutput(output: JsonValue | undefined, now: Date, everySeconds: number): { memory?: ServingMemory; ignored?: string } {
  const memory = objectOf(objectOf(objectOf(output)?.plan)?.memory);
  // None yet: the first cycle, or the output of a version before this memory.
  if (memory?.serving === undefined) return {};
  const parsed = servingSchema.safeParse(memory.serving);
  if (!parsed.success) return { ignored: `the last cycle's serving memory has a bad shape (${z.prettifyError(parsed.error).replaceAll('\n', ' ')})` };
  // A gap in the watching (a stopped schedule, a dead scaler): a worker may have served in it unseen.
  if (typeof memory.at !== 'string' || !isRecent(memory.at, now, everySeconds)) return {};
  return { memory: parsed.data };
}
