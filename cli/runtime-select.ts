/**
 * Picks the runtime for a command: the real AWS and Opencast, or the simulated
 * cluster when `--sim` is given (on virtual time unless the engine is `direct`).
 */
import { ConfigError } from '../core/errors';
import { resolveSettings, type Settings } from '../core/settings';
import type { SimCluster } from '../sim/model/cluster';
import type { Scenario } from '../sim/model/scenario';
import type { VirtualTime } from '../engine/virtual-time';
import type { GlobalOptions } from './options';
import { checkAwsSetup, createRuntime, type Runtime } from '../wiring/runtime';

export interface CommandRuntime {
  runtime: Runtime;
  settings: Settings;
  sim?: {
    cluster: SimCluster;
    scenario: Scenario;
    vt?: VirtualTime;
    /** `--sim-keep`: where the cluster is kept, and whether it continues or starts afresh. */
    kept?: { dir: string; continuedAt?: Date; changes: number; reset?: string };
    /** The scenario's start, where a cluster that is not kept starts each command. */
    start: Date;
  };
}

export async function runtimeForGlobals(globals: GlobalOptions, env: Record<string, string | undefined>): Promise<CommandRuntime> {
  if (globals.simKeep && !globals.sim) throw new ConfigError('--sim-keep', 'only with --sim FILE');
  if (globals.sim) {
    const { simRuntime } = await import('../wiring/sim-runtime');
    // Workflows (local, or the simulated stack of --engine aws) wait minutes to hours: on virtual time.
    const sim = await simRuntime(globals.sim, globals, env, { virtualTime: (globals.engine ?? 'local') !== 'direct', keep: Boolean(globals.simKeep) });
    const kept = sim.kept
      ? { dir: sim.kept.dir, changes: sim.kept.actions.length, ...(sim.kept.at !== undefined ? { continuedAt: new Date(sim.kept.at) } : {}), ...(sim.kept.reset ? { reset: sim.kept.reset } : {}) }
      : undefined;
    return {
      runtime: sim.runtime,
      settings: sim.settings,
      sim: { cluster: sim.cluster, scenario: sim.scenario, start: new Date(sim.scenario.start), ...(sim.vt ? { vt: sim.vt } : {}), ...(kept ? { kept } : {}) },
    };
  }
  const settings = resolveSettings(globals, env);
  const runtime = createRuntime(settings);
  try {
    await checkAwsSetup(runtime, settings);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return { runtime, settings };
}
