/**
 * Runs benchmark specs on a few child processes (one per core by default),
 * each result cached (bench/runs.ts): a second bench run only simulates what
 * changed. Results come back in the order of the specs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cached, remember, type RunResult, type RunSpec } from './runs';

export interface PoolOptions {
  workers?: number;
  useCache?: boolean;
  onResult?: (r: RunResult, done: number, total: number, fromCache: boolean) => void;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function runAll(specs: readonly RunSpec[], options: PoolOptions = {}): Promise<RunResult[]> {
  const results: Array<RunResult | undefined> = specs.map((s) => (options.useCache === false ? undefined : cached(s)));
  let done = 0;
  results.forEach((r) => {
    if (r) options.onResult?.(r, ++done, specs.length, true);
  });
  const todo = specs.map((s, i) => ({ s, i })).filter(({ i }) => !results[i]);
  if (todo.length === 0) return results as RunResult[];
  const n = Math.max(1, Math.min(options.workers ?? availableParallelism(), todo.length));
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const child = fork(WORKER, [], { execArgv: ['--import', 'tsx', '--max-semi-space-size=64'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        for (;;) {
          const next = todo.shift();
          if (!next) break;
          const result = await new Promise<RunResult>((resolve, reject) => {
            const onMessage = (m: { id: number; result?: RunResult; error?: string }) => {
              if (m.id !== next.i) return;
              child.off('message', onMessage);
              child.off('exit', onExit);
              if (m.error) reject(new Error(`run ${JSON.stringify(next.s)} failed: ${m.error}`));
              else resolve(m.result!);
            };
            const onExit = (code: number | null) => reject(new Error(`bench worker exited (${code}) during ${JSON.stringify(next.s)}`));
            child.on('message', onMessage);
            child.once('exit', onExit);
            child.send({ id: next.i, spec: next.s });
          });
          results[next.i] = result;
          remember(result);
          options.onResult?.(result, ++done, specs.length, false);
        }
        child.disconnect();
      }),
    );
  } finally {
    for (const c of children) if (c.connected) c.kill();
  }
  return results as RunResult[];
}
