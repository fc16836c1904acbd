/**
 * How long a workflow's function may run: a little less than the shortest Task
 * that calls it, so that its own timeout comes first. A function cut off by
 * Lambda fails as `Sandbox.Timedout`, which the Tasks retry, and Lambda resets its
 * execution environment
 * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts);
 * without the margin both timers race to cut the same invocation. The stack
 * (infra/workflow-catalog.ts) and the simulated stack use this one rule.
 */
import { kebabCase } from './arn';
import { walkStates } from './definition';
import type { JsonValue } from './types';

export const FUNCTION_TIMEOUT_MARGIN_SECONDS = 5;

/** Lambda's own ceiling on a function's timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

export function functionTimeoutSeconds(shortestTaskTimeoutSeconds: number): number {
  return shortestTaskTimeoutSeconds - FUNCTION_TIMEOUT_MARGIN_SECONDS;
}

/** Activity (`${PlanCycleFunctionArn}` → `plan-cycle`) → its function's timeout, from the Tasks of these definitions. */
export function functionTimeouts(definitions: Iterable<JsonValue>): Record<string, number> {
  const shortest: Record<string, number> = {};
  for (const definition of definitions) {
    walkStates(definition, ({ state }) => {
      const key = state.Type === 'Task' && typeof state.Resource === 'string' ? /^\$\{([A-Z][A-Za-z0-9]*)FunctionArn\}$/.exec(state.Resource)?.[1] : undefined;
      if (!key) return;
      const activity = kebabCase(key);
      const seconds = Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : LAMBDA_MAX_TIMEOUT_SECONDS);
      shortest[activity] = Math.min(shortest[activity] ?? LAMBDA_MAX_TIMEOUT_SECONDS, seconds);
    });
  }
  return Object.fromEntries(Object.entries(shortest).map(([activity, seconds]) => [activity, functionTimeoutSeconds(seconds)]));
}
