/**
 * A simulated cluster with a workflow engine on virtual time: the real ASL,
 * activities, adapters and wire protocols, with hours of waiting in milliseconds.
 *
 * Two engines, one interface (`ENGINES`, for `describe.each`):
 * - `local`: the local engine runs the ASL in-process and calls the activities;
 * - `aws`: the deployed path. The AWS engine's real Step Functions client talks to
 *   the simulated Step Functions, which runs the same ASL and invokes each
 *   function's Lambda handler (wiring/sim-deployment.ts).
 */
import { onTestFinished } from 'vitest';
import { parseAutoscaleConfig, type AutoscaleConfig } from '../../core/autoscale-config';
import { resolveSettings, type Settings } from '../../core/settings';
import { AwsEngine } from '../../engine/aws-engine';
import type { WorkflowEngine } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import type { SimCluster } from '../../sim/model/cluster';
import { createLocalWorkflows } from '../../wiring/local-workflows';
import type { Runtime } from '../../wiring/runtime';
import { createSimDeployment, type SimDeployment } from '../../wiring/sim-deployment';
import { runtimeOnCluster, scenarioEnv, simLambda, simListLag } from '../../wiring/sim-runtime';
import { fromFakeTimers } from '../../sim/model/clock';
import { parseScenario, type ScenarioInput } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { DEFAULT_LAGS } from '../../sim/model/consistency';

export const QUEUE_CONFIG = parseAutoscaleConfig(
  { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }], up_increment: 1, down_increment: 1, pause_cycles: 1 },
  'test',
);

/** Past this after a change, every read of a default world shows it (AWS reads are eventually consistent: sim/model/consistency.ts). */
export const SETTLE_MS = Math.max(DEFAULT_LAGS.stepFunctions.maxMs, DEFAULT_LAGS.ec2.maxMs);

export type EngineKind = 'local' | 'aws';
export const ENGINES: readonly EngineKind[] = ['local', 'aws'];

export interface SimWorkflows {
  vt: VirtualTime;
  cluster: SimCluster;
  engine: WorkflowEngine;
  settings: Settings;
  runtime: Runtime;
  /** The simulated stack (engine `aws` only). */
  deployment?: SimDeployment;
  /** No execution is running. */
  idle(): boolean;
  /** Closes the simulation (again is a no-op); the test that made it closes it when it finishes anyway. */
  done(): Promise<void>;
}

/** Closed once, at the latest when the test that created it finishes (call it inside a test). */
function closedAfterTest(sim: SimWorkflows): SimWorkflows {
  let closing: Promise<void> | undefined;
  const close = sim.done;
  const done = () => (closing ??= close());
  onTestFinished(done);
  return { ...sim, done };
}

export function simWorkflows(input: ScenarioInput, env: Record<string, string> = {}, config: AutoscaleConfig = QUEUE_CONFIG, kind: EngineKind = 'local'): SimWorkflows {
  return closedAfterTest(openSimWorkflows(input, env, config, kind));
}

function openSimWorkflows(input: ScenarioInput, env: Record<string, string>, config: AutoscaleConfig, kind: EngineKind): SimWorkflows {
  // The workflow tests were written on an OpsWorks cluster; an input that names its provider keeps it.
  const scenario = parseScenario({ provider: 'opsworks', opencast: { version: '15.0' }, ...input });
  const vt = VirtualTime.install({ start: scenario.start });
  const clock = fromFakeTimers(vt.clock);
  const cluster = createSimCluster(scenario, clock);
  const settings = resolveSettings({}, { ...scenarioEnv(scenario), ...env });
  if (kind === 'aws') {
    const deployment = createSimDeployment({ cluster, scenario, settings, autoscaleConfig: config, hooks: vt.hooks });
    const engine = new AwsEngine({ client: deployment.runtime.aws.sfn, stateMachines: { arns: deployment.arns }, pollIntervalMs: 1000 });
    return {
      vt,
      cluster,
      engine,
      settings,
      runtime: deployment.runtime,
      deployment,
      idle: () => deployment.service.activeCount === 0,
      done: async () => {
        await deployment.close();
        vt.uninstall();
        // The shipped stack's roles must allow every call its functions made (a denial an activity caught shows only here).
        const denials = (await deployment.iam)?.denials ?? [];
        if (denials.length > 0) throw new Error(`IAM denied ${denials.map((d) => `${d.caller} ${d.action} on ${d.resource}`).join('; ')}`);
      },
    };
  }
  const runtime = runtimeOnCluster(cluster, settings, clock);
  const engine = createLocalWorkflows({ runtime, settings, autoscaleConfig: config, hooks: vt.hooks, lambda: simLambda(scenario, cluster), listLagMs: simListLag(cluster) });
  return {
    vt,
    cluster,
    engine,
    settings,
    runtime,
    idle: () => engine.activeCount === 0,
    done: async () => {
      vt.uninstall();
      await runtime.close();
    },
  };
}
