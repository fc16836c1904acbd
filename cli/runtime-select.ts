/**
 * Picks the runtime for a command: the real AWS and Opencast, or the simulated
 * cluster when `--sim` is given.
 */
import { resolveSettings, type Settings } from '../core/settings';
import type { GlobalOptions } from './main';
import { createRuntime, type Runtime } from './wiring';

export async function runtimeForGlobals(
  globals: GlobalOptions,
  env: Record<string, string | undefined>,
): Promise<{ runtime: Runtime; settings: Settings }> {
  if (globals.sim) {
    const { simRuntime } = await import('./sim-wiring');
    return simRuntime(globals.sim, globals, env);
  }
  const settings = resolveSettings(globals, env);
  return { runtime: createRuntime(settings), settings };
}
