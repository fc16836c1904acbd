/**
 * Child process for the cross-process lock test: waits for a shared start
 * instant, tries to claim one execution name in a FileExecutionStore, holds it
 * briefly, and prints `claimed` or the refusal's error name.
 */
import { hostname } from 'node:os';
import { FileExecutionStore } from '../../engine/file-store';

const [stateDir, goAt] = process.argv.slice(2) as [string, string];
const store = new FileExecutionStore(stateDir);
const record = {
  version: 1 as const,
  workflow: 'drain-worker',
  name: 'drain-w1',
  executionArn: 'arn:aws:states:local:000000000000:execution:drain-worker:drain-w1',
  status: 'RUNNING' as const,
  startedAt: new Date().toISOString(),
  input: {},
  owner: { pid: process.pid, host: hostname() },
};

// Sleep until just before the shared instant, then spin so the processes collide within microseconds.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now() - 50)));
while (Date.now() < Number(goAt));
try {
  store.begin(record);
  await new Promise((resolve) => setTimeout(resolve, 300));
  store.finish({ ...record, status: 'SUCCEEDED', stoppedAt: new Date().toISOString() });
  console.log('claimed');
} catch (error) {
  console.log((error as Error).name);
}
