/**
 * Engine throughput on virtual time. Run: `npm run bench:engine`.
 * Not a test (timings vary by machine); the figures go in docs and reviews.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../engine/local-engine';
import { VirtualTime } from '../engine/virtual-time';
import { fixtureHandlers, fixtureWorkflows } from '../test/fixtures/engine-handlers';

type Store = 'memory' | 'file';

async function withEngine<T>(store: Store, fixture: Parameters<typeof fixtureHandlers>[0], body: (e: LocalEngine, vt: VirtualTime) => Promise<T>): Promise<T> {
  const dir = store === 'file' ? mkdtempSync(join(tmpdir(), 'moscaler-bench-')) : undefined;
  const vt = VirtualTime.install({ start: '2024-03-04T10:00:00Z' });
  try {
    const e = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers(fixture).handlers, hooks: vt.hooks, ...(dir ? { stateDir: dir } : {}) });
    e.prepare();
    return await body(e, vt);
  } finally {
    vt.uninstall();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` executions started together and run to the end on one clock. */
async function concurrent(store: Store, workflow: string, count: number, fixture = {}): Promise<number> {
  return withEngine(store, fixture, async (e, vt) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await e.start(workflow, { cluster: 'c1' }, { name: `run-${i}` });
    await vt.run({ until: () => e.activeCount === 0 });
    const ms = performance.now() - t0;
    const failed = (await e.list()).filter((s) => s.status !== 'SUCCEEDED').length;
    if (failed > 0) throw new Error(`${failed} executions did not succeed`);
    return ms;
  });
}

/** One execution at a time, each driven to its end: latency rather than throughput. */
async function sequential(store: Store, workflow: string, count: number, fixture = {}): Promise<number> {
  return withEngine(store, fixture, async (e, vt) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const result = await vt.drive(e.wait(await e.start(workflow, { cluster: 'c1' }, { name: `run-${i}` })));
      if (result.status !== 'SUCCEEDED') throw new Error(`run-${i} ${result.status}`);
    }
    return performance.now() - t0;
  });
}

const row = (label: string, ms: number, count: number) =>
  console.log(`${label.padEnd(58)} ${(ms / count).toFixed(ms / count < 1 ? 3 : 2).padStart(9)} ms/execution  (${count} in ${ms.toFixed(0)} ms)`);

await sequential('memory', 'three-state', 200); // warm-up: JIT, module caches

for (const store of ['memory', 'file'] as const) {
  row(`3-state workflow, sequential, ${store} store`, await sequential(store, 'three-state', 2000), 2000);
  row(`30-poll Wait/Choice loop, sequential, ${store} store`, await sequential(store, 'poll', 200, { drainedOnPoll: 30 }), 200);
  row(`10,000 short (3-state) executions at once, ${store} store`, await concurrent(store, 'three-state', 10_000), 10_000);
  row(`1,000 one-hour Waits at once, ${store} store`, await concurrent(store, 'wait-hour', 1000), 1000);
}
