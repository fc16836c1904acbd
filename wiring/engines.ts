/**
 * The workflow engine a command uses: `local` runs the ASL in this process
 * (history under the state directory), `aws` starts executions of the deployed
 * state machines. `direct` (no engine) is handled by the caller.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AutoscaleConfig } from '../core/autoscale-config';
import { ConfigError } from '../core/errors';
import type { Settings } from '../core/settings';
import { AwsEngine } from '../engine/aws-engine';
import type { HistoryEvent, WorkflowEngine } from '../engine/types';
import type { VirtualTime } from '../engine/virtual-time';
import { createLocalWorkflows } from './local-workflows';
import { stateDirFor } from './state-dirs';
import type { Runtime } from './runtime';
import { WORKFLOW_ARN_VARIABLES, workflowArnsFrom } from './workflow-arns';
import type { SimCluster } from '../sim/model/cluster';
import type { Scenario } from '../sim/model/scenario';
import { createSimDeployment } from './sim-deployment';
import { simLambda, simListLag } from './sim-runtime';

export type EngineName = 'local' | 'aws' | 'direct';


export interface OpenedEngine {
  engine: WorkflowEngine;
  /** Waits for a promise, driving virtual time when the simulator runs on it. */
  drive<T>(promise: Promise<T>): Promise<T>;
  /** Resolves when no execution of this process is running any more. */
  settle(): Promise<void>;
  consoleUrl?: (executionArn: string) => string;
}

export interface EngineContext {
  engine: EngineName;
  runtime: Runtime;
  settings: Settings;
  env: Record<string, string | undefined>;
  autoscaleConfig?: AutoscaleConfig;
  vt?: VirtualTime;
  /** Where this cluster's executions are kept locally (a simulated cluster gets its own). */
  simulated?: string;
  /**
   * The simulated cluster of a `--sim` command: the local engine runs its activities as Lambda does (cold
   * starts of its scenario), and `aws` runs against its simulated stack (Step Functions, Lambda, Secrets Manager).
   */
  sim?: { cluster: SimCluster; scenario: Scenario };
  onEvent?: (event: HistoryEvent) => void;
  /**
   * Start this simulated cluster's history afresh: each `--sim` command starts the
   * scenario anew at its start time, so old execution names would collide.
   */
  freshSimulation?: boolean;
}


export function openEngine(ctx: EngineContext): OpenedEngine {
  if (ctx.engine === 'aws' && ctx.sim) return openSimulatedStack(ctx, ctx.sim);
  if (ctx.engine === 'aws') {
    const arns = workflowArnsFrom(ctx.env);
    if (Object.keys(arns).length === 0) {
      throw new ConfigError('--engine', `aws needs the deployed state machines: set ${Object.values(WORKFLOW_ARN_VARIABLES).join(', ')}`);
    }
    const engine = new AwsEngine({ client: ctx.runtime.aws.sfn, stateMachines: { arns } });
    return {
      engine,
      drive: (p) => p,
      settle: async () => {},
      consoleUrl: (executionArn) => engine.consoleUrl({ workflow: '', name: '', executionArn }),
    };
  }
  if (ctx.simulated && ctx.freshSimulation) rmSync(join(stateDirFor(ctx.settings, ctx.simulated), 'executions'), { recursive: true, force: true });
  const engine = createLocalWorkflows({
    runtime: ctx.runtime,
    settings: ctx.settings,
    stateDir: stateDirFor(ctx.settings, ctx.simulated),
    ...(ctx.autoscaleConfig ? { autoscaleConfig: ctx.autoscaleConfig } : {}),
    ...(ctx.vt ? { hooks: ctx.vt.hooks } : {}),
    ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
    ...(ctx.sim ? { lambda: simLambda(ctx.sim.scenario, ctx.sim.cluster), listLagMs: simListLag(ctx.sim.cluster) } : {}),
  });
  const vt = ctx.vt;
  return {
    engine,
    drive: (p) => (vt ? vt.drive(p) : p),
    settle: async () => {
      if (vt) {
        await vt.run({ until: () => engine.activeCount === 0 });
        return;
      }
      while (engine.activeCount > 0) await new Promise((r) => setTimeout(r, 500));
    },
  };
}

/**
 * `--engine aws --sim`: the deployed path, simulated. The AWS engine's real Step Functions client talks to
 * the simulated stack, which runs the shipped ASL and each function's Lambda handler against the cluster.
 * The stack lives as long as the command's runtime.
 */
function openSimulatedStack(ctx: EngineContext, sim: NonNullable<EngineContext['sim']>): OpenedEngine {
  const vt = ctx.vt;
  if (!vt) throw new ConfigError('--engine', 'aws with --sim runs on virtual time');
  const deployment = createSimDeployment({
    cluster: sim.cluster,
    scenario: sim.scenario,
    settings: ctx.settings,
    ...(ctx.autoscaleConfig ? { autoscaleConfig: ctx.autoscaleConfig } : {}),
    hooks: vt.hooks,
  });
  const close = ctx.runtime.close.bind(ctx.runtime);
  ctx.runtime.close = async () => {
    await deployment.close();
    await close();
  };
  const engine = new AwsEngine({ client: deployment.runtime.aws.sfn, stateMachines: { arns: deployment.arns }, pollIntervalMs: 1000 });
  return {
    engine,
    drive: (p) => vt.drive(p),
    settle: async () => {
      await vt.run({ until: () => deployment.service.activeCount === 0 });
    },
    consoleUrl: (executionArn) => engine.consoleUrl({ workflow: '', name: '', executionArn }),
  };
}
