/** Runs `moscaler` in-process with captured output and, optionally, a runtime of fakes. */
import type { Context } from '../../cli/context';
import { main } from '../../cli/main';
import type { Runtime } from '../../wiring/runtime';
import { resolveSettings } from '../../core/settings';
import { FakeFleet, FakeMetrics, FakeOpencast } from './fakes';
import type { WorkerSpec } from './views';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, runtimeFor?: Context['runtimeFor']): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, isTty: false };
  const code = await main(argv, { MOSCALER_ENV_FILE: '/nonexistent/.env', ...env }, io, runtimeFor ? { runtimeFor } : {});
  return { code, stdout, stderr };
}

/** A runtime whose ports are recording fakes, to prove that bad input causes no side effect. */
export function fakeRuntime(specs: WorkerSpec[], now: Date) {
  const fleet = new FakeFleet(specs);
  const opencast = new FakeOpencast(specs);
  const metrics = new FakeMetrics();
  let built = 0;
  const runtimeFor: Context['runtimeFor'] = async (globals, env) => {
    const settings = resolveSettings(globals, env);
    built += 1;
    const runtime = { fleet, metrics, opencastAt: () => opencast, now: () => now, aws: undefined as never, close: async () => {} } satisfies Runtime;
    return { runtime, settings };
  };
  return { fleet, opencast, metrics, runtimeFor, builtCount: () => built };
}
