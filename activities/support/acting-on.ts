/**
 * Which worker a running boot or drain execution acts on. Our own executions
 * are named by core/execution-names.ts and read back by an exact parse; one
 * started by hand (the console names executions freely) is asked for its input.
 */
import { wentFirst, type StartedExecution } from '../../core/claim';
import { parseWorkerExecutionName, workerOfExecution, type WorkerIdentity } from '../../core/execution-names';
import type { ExecutionRef, ExecutionSummary, JsonValue } from '../../engine/types';

export interface ExecutionInputs {
  /** The input an execution was started with; without it, executions we did not name are not attributed. */
  input?(ref: ExecutionRef): Promise<JsonValue>;
  /** The output of a finished execution (the plan step reads its policy's memory from the last cycle's). */
  output?(ref: ExecutionRef): Promise<JsonValue | undefined>;
}

/**
 * The hostname (of those given) each execution acts on, in order; undefined where none. Workers given with
 * their instance id also own executions keyed by instance (two instances of one name, core/execution-names.ts).
 */
export async function workersActedOn(
  port: ExecutionInputs,
  executions: readonly ExecutionSummary[],
  workers: readonly (string | WorkerIdentity)[],
): Promise<(string | undefined)[]> {
  return Promise.all(
    executions.map(async (e) => {
      // One of ours names its worker exactly: asked of the input only when the name is not ours.
      if (parseWorkerExecutionName(e.ref.name) || !port.input) return workerOfExecution(e.ref.name, workers);
      const input = await port.input(e.ref);
      const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
      const { hostname, instanceId } = fields as { hostname?: unknown; instanceId?: unknown };
      // An input naming another instance of the hostname does not act on this one.
      const match = workers.find((w) => (typeof w === 'string' ? w === hostname : w.hostname === hostname && (typeof instanceId !== 'string' || instanceId === w.id)));
      return match === undefined ? undefined : typeof match === 'string' ? match : match.hostname;
    }),
  );
}

/** The executions of those given that act on this worker (this instance, when its id is given). */
export async function actingOn(port: ExecutionInputs, executions: readonly ExecutionSummary[], worker: string | WorkerIdentity): Promise<ExecutionSummary[]> {
  const hostname = typeof worker === 'string' ? worker : worker.hostname;
  const acted = await workersActedOn(port, executions, [worker]);
  return executions.filter((_, i) => acted[i] === hostname);
}

/** Those of the executions given that went before `me` (core/claim.ts): the ones it yields to. */
export function startedBefore(executions: readonly ExecutionSummary[], me: StartedExecution): ExecutionSummary[] {
  return executions.filter((e) => e.ref.name !== me.name && wentFirst({ name: e.ref.name, startedAt: e.startedAt }, me));
}

/**
 * This execution as the claim orders it (core/claim.ts): started at `startedAt` ($$.Execution.StartTime), else as
 * `listed` shows it; without either it takes itself for the latest (`now`), so it yields to every other one.
 */
export function claimant(name: string, startedAt: string | undefined, listed: readonly ExecutionSummary[], now: string): StartedExecution {
  return { name, startedAt: startedAt ?? listed.find((e) => e.ref.name === name)?.startedAt ?? now };
}
