/**
 * A policy's memory between cycles (idle timers, recent load), kept where it
 * survives Lambda: in the autoscale execution's own output. The plan step
 * returns it as `memory`, the autoscale ASL carries it to the execution output
 * (`$.plan.memory`), and the next plan step reads it back from the newest
 * SUCCEEDED autoscale execution (the one begun last among the last few to end
 * in ListExecutions, then DescribeExecution). Nothing lives in the handler, so a cold start or two
 * execution environments taking turns decide exactly as one warm one would.
 * docs/workflows.md explains the choice.
 *
 * ListExecutions is eventually consistent: the newest cycle may be missing for
 * a few seconds after it ends, and the one before is read instead. That memory
 * is one cycle older (a timer starts a cycle later, one load sample is missing);
 * memory older than MAX_AGE is not used at all, since the cluster was not
 * watched in between (a stopped schedule, a dead scaler).
 */
import { AUTOSCALE_WORKFLOW } from '../../core/execution-names';
import type { PolicyMemory } from '../../core/policies';
import type { JsonValue } from '../../engine/types';
import type { ActivityDeps } from './deps';

/** What the plan step returns and the next one reads: the memory, which policy wrote it, and when. */
export interface RecordedMemory {
  at: string;
  policy: string;
  value: PolicyMemory;
}

/** Memory at most this many cycles old is used; older, the policy starts afresh. */
const MAX_AGE_CYCLES = 10;
/** ... and never less than this (a short schedule still tolerates a few minutes without a cycle). */
export const MIN_MAX_AGE_MS = 10 * 60_000;
/** Finished cycles looked at: the newest few by their end, of which the one begun last is read first. */
const CYCLES_LOOKED_AT = 3;

export function recordMemory(policy: string, now: Date, value: PolicyMemory | undefined): RecordedMemory {
  return { at: now.toISOString(), policy, value: value ?? {} };
}

/** The memory a finished autoscale execution's output carries, if it is one this policy wrote. */
export function memoryOfOutput(output: JsonValue | undefined, policy: string): RecordedMemory | undefined {
  const plan = objectOf(objectOf(output)?.plan);
  const memory = objectOf(plan?.memory);
  if (!memory || typeof memory.at !== 'string' || memory.policy !== policy || Number.isNaN(Date.parse(memory.at))) return undefined;
  const value = objectOf(memory.value);
  return value ? { at: memory.at, policy, value: value as PolicyMemory } : undefined;
}

/** The memory of the newest finished cycle, when it is recent enough to trust; undefined otherwise. */
export async function lastCycleMemory(
  executions: ActivityDeps['executions'],
  policy: string,
  now: Date,
  everySeconds: number,
): Promise<RecordedMemory | undefined> {
  if (!executions.output) return undefined;
  // ListExecutions lists finished cycles by their end (API_ListExecutions): a slow cycle that ended last may have
  // planned before the one begun after it, so the one begun last is read first. DescribeExecution may not show a
  // cycle's end yet (eventually consistent): with no output there, the one before it is read.
  const finished = await executions.list({ workflow: AUTOSCALE_WORKFLOW, status: 'SUCCEEDED', maxResults: CYCLES_LOOKED_AT });
  let output: JsonValue | undefined;
  for (const cycle of [...finished].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))) {
    output = await executions.output(cycle.ref);
    if (output !== undefined) break;
  }
  const recorded = memoryOfOutput(output, policy);
  if (!recorded) return undefined;
  const age = now.getTime() - Date.parse(recorded.at);
  return age >= 0 && age <= Math.max(MIN_MAX_AGE_MS, MAX_AGE_CYCLES * everySeconds * 1000) ? recorded : undefined;
}

function objectOf(value: JsonValue | undefined): { [key: string]: JsonValue } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
