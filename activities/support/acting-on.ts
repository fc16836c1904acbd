/**
 * Which worker a running boot or drain execution acts on. Our own executions
 * are named by core/execution-names.ts and read back by an exact parse; one
 * started by hand (the console names executions freely) is asked for its input.
 */
import { parseWorkerExecutionName, workerOfExecution } from '../../core/execution-names';
import type { ExecutionRef, ExecutionSummary, JsonValue } from '../../engine/types';

export interface ExecutionInputs {
  /** The input an execution was started with; without it, executions we did not name are not attributed. */
  input?(ref: ExecutionRef): Promise<JsonValue>;
  /** The output of a finished execution (the plan step reads its policy's memory from the last cycle's). */
  output?(ref: ExecutionRef): Promise<JsonValue | undefined>;
}

/** The hostname (of those given) each execution acts on, in order; undefined where none. */
export async function workersActedOn(port: ExecutionInputs, executions: readonly ExecutionSummary[], hostnames: readonly string[]): Promise<(string | undefined)[]> {
  return Promise.all(
    executions.map(async (e) => {
      // One of ours names its worker exactly: asked of the input only when the name is not ours.
      if (parseWorkerExecutionName(e.ref.name) || !port.input) return workerOfExecution(e.ref.name, hostnames);
      const input = await port.input(e.ref);
      const hostname = input !== null && typeof input === 'object' && !Array.isArray(input) ? input.hostname : undefined;
      return typeof hostname === 'string' && hostnames.includes(hostname) ? hostname : undefined;
    }),
  );
}

/** The executions of those given that act on this worker. */
export async function actingOn(port: ExecutionInputs, executions: readonly ExecutionSummary[], hostname: string): Promise<ExecutionSummary[]> {
  const workers = await workersActedOn(port, executions, [hostname]);
  return executions.filter((_, i) => workers[i] === hostname);
}
