/**
 * A simulated cluster with the local engine on virtual time: the real ASL,
 * activities, adapters and wire protocols, with hours of waiting in milliseconds.
 */
import { parseAutoscaleConfig, type AutoscaleConfig } from '../../core/autoscale-config';
import { resolveSettings } from '../../core/settings';
import { VirtualTime } from '../../engine/virtual-time';
import { createLocalWorkflows } from '../../wiring/local-workflows';
import { runtimeOnCluster, scenarioEnv, simLambda } from '../../wiring/sim-runtime';
import { fromFakeTimers } from '../../sim/model/clock';
import { createSimCluster, parseScenario, type ScenarioInput } from '../../sim/model/scenario';

export const QUEUE_CONFIG = parseAutoscaleConfig(
  { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }], up_increment: 1, down_increment: 1, pause_cycles: 1 },
  'test',
);

export function simWorkflows(input: ScenarioInput, env: Record<string, string> = {}, config: AutoscaleConfig = QUEUE_CONFIG) {
  const scenario = parseScenario({ opencast: { version: '15.0' }, ...input });
  const vt = VirtualTime.install({ start: scenario.start });
  const clock = fromFakeTimers(vt.clock);
  const cluster = createSimCluster(scenario, clock);
  const settings = resolveSettings({}, { ...scenarioEnv(scenario), ...env });
  const runtime = runtimeOnCluster(cluster, settings, clock);
  const engine = createLocalWorkflows({ runtime, settings, autoscaleConfig: config, hooks: vt.hooks, lambda: simLambda(scenario, cluster) });
  const done = async () => {
    vt.uninstall();
    await runtime.close();
  };
  return { vt, cluster, engine, settings, runtime, done };
}
