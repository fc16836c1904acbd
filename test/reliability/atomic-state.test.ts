/**
 * The scaler's own state on disk: the pause counter (scaler/pause-store.ts) and
 * the executions with their history (engine/file-store.ts). A process killed
 * (SIGKILL) at a random moment while writing must never leave a file that
 * stops the next run: it reads a whole old or new state, or reports the debris
 * and carries on.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { autoscaleExecutionName } from '../../core/execution-names';
import { createLocalWorkflows } from '../../wiring/local-workflows';
import { FileExecutionStore } from '../../engine/file-store';
import type { StoreProblem } from '../../engine/store';
import { filePauseStore } from '../../scaler/pause-store';
import { readJson, writeJsonAtomic } from '../../scaler/state-file';
import { simWorkflows, QUEUE_CONFIG } from '../workflows/helpers';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

/** Starts the child, waits until it writes, lets it run `ms` real milliseconds, then kills it without warning. */
async function killMidWrite(mode: 'pause' | 'engine', dir: string, ms: number, start?: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir, ...(start ? [start] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'moscaler-atomic-'));
}

describe('pause state', () => {
  it('is always whole after the writer is killed mid-write, and the next run reads and writes it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    for (const ms of [40, 250]) {
      await killMidWrite('pause', dir, ms + Math.floor(Math.random() * 60));
      const warnings: string[] = [];
      const store = filePauseStore(dir, 'crash cluster', (m) => warnings.push(m));
      const state = await store.read();
      expect(state.cyclesLeft).toBeGreaterThanOrEqual(0);
      expect(warnings).toEqual([]);
      // The large file is whole too: old or new, never half.
      const big = (await readJson(join(dir, 'big.json'), (m) => warnings.push(m))) as { big: unknown[] } | undefined;
      if (big) expect(big.big).toHaveLength(20_000);
      expect(warnings).toEqual([]);
      // The next run carries on.
      await store.write({ cyclesLeft: 2 });
      expect(await store.read()).toEqual({ cyclesLeft: 2 });
    }
    // Debris of killed writes is only ever temp files next to the state, named after it.
    const debris = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(debris.every((f) => /^\.(pause-crash_cluster|big)\.json\.\d+\.\w+\.tmp$/.test(f))).toBe(true);
  });

  it('treats a corrupt or foreign pause file as no pause, says so, and writes over it', async () => {
    const dir = tempDir();
    const file = join(dir, 'pause-c.json');
    for (const text of ['{"cyclesLeft": 3', '', '<html>', '{"cyclesLeft": -4}', '[1,2]', 'null']) {
      writeFileSync(file, text);
      const warnings: string[] = [];
      const store = filePauseStore(dir, 'c', (m) => warnings.push(m));
      expect(await store.read()).toEqual({ cyclesLeft: 0 });
      expect(warnings.join('\n')).toMatch(/pause-c\.json (is not valid JSON|does not hold a pause state); ignoring it/);
      await store.write({ cyclesLeft: 1 });
      expect(await store.read()).toEqual({ cyclesLeft: 1 });
    }
  });

  it('leaves the old state whole when a write fails half-way', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    await writeJsonAtomic(file, { cyclesLeft: 1 });
    // A value JSON cannot hold fails while the temp file is written: the target must not change.
    await expect(writeJsonAtomic(file, { cyclesLeft: 2n })).rejects.toThrow();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ cyclesLeft: 1 });
  });
});

describe('executions and history on disk', () => {
  /** The local engine on a fresh simulated cluster, over a state directory a killed process used. */
  function engineOn(stateDir: string, problems: StoreProblem[]) {
    const sim = simWorkflows({
      cluster: 'crash',
      start: '2025-10-14T10:00:00Z',
      billing: 'per-second',
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 30, instanceType: 'c5.xlarge' },
        { hostname: 'worker2', state: 'online', uptimeMinutes: 30, instanceType: 'c5.xlarge', maintenance: true },
      ],
      others: [{ hostname: 'admin1', layer: 'admin' }],
    } as never);
    const engine = createLocalWorkflows({ runtime: sim.runtime, settings: sim.settings, autoscaleConfig: QUEUE_CONFIG, stateDir, hooks: sim.vt.hooks });
    const store = new FileExecutionStore(stateDir, { onProblem: (p) => problems.push(p) });
    return { sim, engine, store };
  }

  it('reads back what a process killed mid-run left, and the next cycle runs', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    for (const [i, ms] of [250, 600].entries()) {
      // Each restart is a later run of the same scaler on the same state directory.
      await killMidWrite('engine', dir, ms + Math.floor(Math.random() * 100), new Date(Date.UTC(2025, 9, 13 + i, 10)).toISOString());
      const problems: StoreProblem[] = [];
      const { sim, engine, store } = engineOn(dir, problems);
      const records = store.list();
      expect(records.length).toBeGreaterThan(0);
      // Nothing is left RUNNING by a dead process: it reads as aborted, with the reason.
      for (const r of records) {
        if (r.owner.pid !== process.pid) expect(r.status).not.toBe('RUNNING');
        if (r.status === 'ABORTED') expect(r.error).toBe('Local.OwnerDied');
        // Every history reads (a torn last line is reported, not thrown).
        expect(() => store.history(r.workflow, r.name)).not.toThrow();
      }
      for (const p of problems) expect(p.problem).toMatch(/torn|half-written|corrupt|not an execution record/);
      // The restarted scaler's next cycle runs on the same state directory.
      const t = sim.vt.clock.now + ms * 60_000;
      const ref = await engine.start('autoscale', {}, { name: autoscaleExecutionName(new Date(t)) });
      const result = await sim.vt.drive(engine.wait(ref));
      expect(result.status).toBe('SUCCEEDED');
      await sim.vt.run({ until: () => engine.activeCount === 0 });
      await sim.done();
    }
  });

  it('reports and skips crash debris of every kind, and the name of a broken record stays used', async () => {
    const dir = tempDir();
    const problems: StoreProblem[] = [];
    const { sim, engine, store } = engineOn(dir, problems);
    const autoscale = join(dir, 'executions', 'autoscale');
    mkdirSync(autoscale, { recursive: true });
    // A final record cut short (disk trouble), a temp file from a killed write, a torn lock (killed while
    // creating it), a lock of a dead process, and a history whose last line was cut short.
    writeFileSync(join(autoscale, 'autoscale-torn-record.json'), '{"version":1,"workflow":"autosc');
    writeFileSync(join(autoscale, 'autoscale-tmp.json.999.0.tmp'), '{"version"');
    const torn = join(autoscale, 'autoscale-torn-lock.lock');
    writeFileSync(torn, '{"version":1,');
    utimesSync(torn, new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2020, 0, 1)));
    const dead = { version: 1, workflow: 'autoscale', name: 'autoscale-dead', executionArn: 'arn:aws:states:local:000000000000:execution:autoscale:autoscale-dead', status: 'RUNNING', startedAt: '2025-10-14T09:00:00.000Z', input: {}, owner: { pid: 2 ** 22 + 17, host: (await import('node:os')).hostname() } };
    writeFileSync(join(autoscale, 'autoscale-dead.lock'), JSON.stringify(dead));
    writeFileSync(join(autoscale, 'autoscale-dead.history.jsonl'), `${JSON.stringify({ execution: 'autoscale-dead', workflow: 'autoscale', type: 'ExecutionStarted', at: dead.startedAt })}\n{"execution":"autosc`);

    const records = store.list();
    expect(records.map((r) => [r.name, r.status, r.error])).toEqual([['autoscale-dead', 'ABORTED', 'Local.OwnerDied']]);
    expect(store.history('autoscale', 'autoscale-dead')).toHaveLength(1);
    const reported = problems.map((p) => p.problem).join('\n');
    expect(reported).toMatch(/corrupt or unreadable/);
    expect(reported).toMatch(/half-written record/);
    expect(reported).toMatch(/torn lock/);
    expect(reported).toMatch(/line 2 is not JSON/);

    // The next run: new cycles run, a torn lock's name is free again, a broken or dead one's is used.
    const cycle = await engine.start('autoscale', {}, { name: 'autoscale-next' });
    expect((await sim.vt.drive(engine.wait(cycle))).status).toBe('SUCCEEDED');
    const again = await engine.start('autoscale', {}, { name: 'autoscale-torn-lock' });
    expect((await sim.vt.drive(engine.wait(again))).status).toBe('SUCCEEDED');
    await expect(engine.start('autoscale', {}, { name: 'autoscale-torn-record' })).rejects.toThrow(/unreadable record/);
    await expect(engine.start('autoscale', {}, { name: 'autoscale-dead' })).rejects.toThrow(/already/);
    // The cycle reconciled the worker left in maintenance: the state on disk did not stop the scaler.
    await sim.vt.run({ until: () => engine.activeCount === 0 });
    expect(sim.cluster.hosts.filter((h) => h.online && h.maintenance)).toEqual([]);
  });
});
