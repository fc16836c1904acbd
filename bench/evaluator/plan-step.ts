/**
 * The autoscale cycle's Plan step as deployed: the real plan-cycle handler
 * (activities/plan-cycle.ts), run in simulated Lambda execution environments.
 * The handler keeps nothing between invocations: a policy's memory is read
 * back from the previous cycle's recorded output (activities/support/policy-memory.ts),
 * so a cold start (`durable`, as deployed) decides exactly as a warm one. `lost`
 * shows what a cold start cost before the memory was made durable: the fresh
 * environment cannot read the previous output, and the policy starts afresh.
 */
import { createPlanCycleHandler } from '../../activities/plan-cycle';
import type { ActivityDeps } from '../../activities/support/deps';
import type { JsonValue } from '../../engine/types';
import type { Random } from '../../sim/model/prng';

export type MemoryMode = 'durable' | 'lost';

export interface LambdaLifecycle {
  /** Share of cycles that run in a fresh execution environment (0: always warm). */
  coldStartRate: number;
  /** What a cold start finds: the previous cycle's recorded memory, or nothing. */
  memory: MemoryMode;
  rng: Random;
}

export interface PlanStepStats {
  cycles: number;
  coldStarts: number;
  /** Largest recorded memory, JSON bytes (it rides in the execution history: 256 KB per state). */
  maxMemoryBytes: number;
}

export function createPlanStep(deps: ActivityDeps, lifecycle: LambdaLifecycle, stats: PlanStepStats): (event: JsonValue) => Promise<JsonValue> {
  const warm = createPlanCycleHandler(deps);
  // A fresh environment that cannot read the previous cycle's output: the memory is lost.
  const { output: _unread, ...forgetful } = deps.executions;
  const amnesiac = createPlanCycleHandler({ ...deps, executions: forgetful });
  return async (event) => {
    stats.cycles += 1;
    const cold = lifecycle.coldStartRate > 0 && lifecycle.rng() < lifecycle.coldStartRate;
    if (cold) stats.coldStarts += 1;
    // A fresh handler per cold start is the same as the warm one: plan-cycle keeps no state of its own.
    const handler = cold ? (lifecycle.memory === 'durable' ? createPlanCycleHandler(deps) : amnesiac) : warm;
    const plan = await handler(event);
    stats.maxMemoryBytes = Math.max(stats.maxMemoryBytes, JSON.stringify(plan.memory?.value ?? {}).length);
    return plan as unknown as JsonValue;
  };
}
