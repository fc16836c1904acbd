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
import type { ServingMemory } from '../../core/types';
import type { JsonValue } from '../../engine/types';
import type { ActivityDeps } from './deps';

/** What the plan step returns and the next one reads: the memory, which policy wrote it, and when. */
export interface RecordedMemory {
  at: string;
  policy: string;
  value: PolicyMemory;
  /** What the cycles saw of serving, whatever the policy (activities/support/serving-memory.ts reads it back). */
  serving?: ServingMemory;
}

/** Memory at most this many cycles old is used; older, the policy starts afresh. */
const MAX_AGE_CYCLES = 10;
/** ... and never less than this (a short schedule still tolerates a few minutes without a cycle). */
export const MIN_MAX_AGE_MS = 10 * 60_000;
/** Finished cycles looked at: the newest few by their end, of which the one begun last is read first. */
const CYCLES_LOOKED_AT = 3;

export function recordMemory(policy: string, now: Date, value: PolicyMemory | undefined, serving?: ServingMemory): RecordedMemory {
  return { at: now.toISOString(), policy, value: value ?? {}, ...(serving ? { serving } : {}) };
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
  return recentMemory(await lastCycleOutput(executions), policy, now, everySeconds);
}

/** The policy's memory in a finished cycle's output, when this policy wrote it recently enough to trust. */
export function recentMemory(output: JsonValue | undefined, policy: string, now: Date, everySeconds: number): RecordedMemory | undefined {
  const recorded = memoryOfOutput(output, policy);
  return recorded && isRecent(recorded.at, now, everySeconds) ? recorded : undefined;
}

/** Memory written at `at` is young enough to use: the cluster was watched until then (a stopped schedule, a dead scaler: it was not). */
export function isRecent(at: string, now: Date, everySeconds: number): boolean {
  const age = now.getTime() - Date.parse(at);
  return age >= 0 && age <= Math.max(MIN_MAX_AGE_MS, MAX_AGE_CYCLES * everySeconds * 1000);
}

/** The output of the newest finished autoscale cycle; undefined when none has finished (or the port reads no output). */
export async function lastCycleOutput(executions: ActivityDeps['executions']): Promise<JsonValue | undefined> {
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
  return output;
}

export function objectOf(value: JsonValue | undefined): { [key: string]: JsonValue } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
