/**
 * Picks the runtime for a command: the real AWS and Opencast, or the simulated
 * cluster when `--sim` is given (on virtual time unless the engine is `direct`).
 */
import { resolveSettings, type Settings } from '../core/settings';
import type { SimCluster } from '../sim/model/cluster';
import type { Scenario } from '../sim/model/scenario';
import type { VirtualTime } from '../engine/virtual-time';
import type { GlobalOptions } from './options';
import { createRuntime, type Runtime } from '../wiring/runtime';

export interface CommandRuntime {
  runtime: Runtime;
  settings: Settings;
  sim?: { cluster: SimCluster; scenario: Scenario; vt?: VirtualTime };
}

export async function runtimeForGlobals(globals: GlobalOptions, env: Record<string, string | undefined>): Promise<CommandRuntime> {
  if (globals.sim) {
    const { simRuntime } = await import('../wiring/sim-runtime');
    // Workflows (local, or the simulated stack of --engine aws) wait minutes to hours: on virtual time.
    const sim = await simRuntime(globals.sim, globals, env, { virtualTime: (globals.engine ?? 'local') !== 'direct' });
    return { runtime: sim.runtime, settings: sim.settings, sim: { cluster: sim.cluster, scenario: sim.scenario, ...(sim.vt ? { vt: sim.vt } : {}) } };
  }
  const settings = resolveSettings(globals, env);
  return { runtime: createRuntime(settings), settings };
}
