/**
 * `moscaler ui` against a cluster (here of fakes): it only watches, observing
 * every --poll, and its page follows the cluster as it changes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../wiring/engines';
import type { CommandScope } from '../../cli/context';
import { runUiCommand, type UiCommandOptions } from '../../cli/ui-command';
import { observeCluster } from '../../scaler/observe';
import type { ScalerDeps } from '../../scaler/scale';
import { fakeRuntime, runCli } from '../helpers/cli';
import { NOW } from '../helpers/views';

const OPTIONS: UiCommandOptions = { port: '0', poll: '1s', speed: '60', every: '60s' };

async function clusterScope(dir: string) {
  const fakes = fakeRuntime([{ hostname: 'worker1', uptimeMinutes: 30 }, { hostname: 'worker2', uptimeMinutes: 40 }], NOW);
  const { runtime, settings } = await fakes.runtimeFor({ cluster: 'test-cluster' }, { MOSCALER_STATE_DIR: dir, MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' });
  const scope = {
    runtime,
    settings,
    globals: { engine: 'local' },
    deps: { observe: () => observeCluster({ fleet: runtime.fleet, opencastAt: runtime.opencastAt, now: runtime.now, settings }) } as ScalerDeps,
    openEngine: (_config, reading) => openEngine({ engine: 'local', runtime, settings, env: {}, freshSimulation: !reading }),
  } satisfies CommandScope;
  return { scope, fakes };
}

describe('moscaler ui against a cluster', () => {
  it('serves the observed cluster on loopback and follows it as it changes, starting nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-ui-cluster-'));
    const { scope, fakes } = await clusterScope(dir);
    let stdout = '';
    const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, isTty: false };
    const stop = new AbortController();
    const running = runUiCommand({ io, env: {} }, scope, OPTIONS, stop.signal);
    try {
      await expect.poll(() => /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0]).toBeDefined();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)![0];
      expect(stdout).toContain('cluster test-cluster, engine local');
      const first = (await (await fetch(`${url}api/state`)).json()) as Record<string, unknown>;
      expect(first).toMatchObject({ mode: 'cluster', engine: 'local', counts: { online: 2 } });
      expect(first.simulation).toBeUndefined();

      // Someone stops worker2 outside mo-scaler: the next poll shows it.
      Object.assign(fakes.fleet.instances.find((i) => i.hostname === 'worker2')!, { status: 'stopped', state: 'stopped' });
      fakes.opencast.hosts = fakes.opencast.hosts.filter((h) => !h.baseUrl.includes('worker2'));
      const lifecycles = async () => ((await (await fetch(`${url}api/state`)).json()) as { workers: Array<{ lifecycle: string }> }).workers.map((w) => w.lifecycle);
      await expect.poll(lifecycles, { timeout: 5000 }).toEqual(['online', 'offline']);
      expect((await fetch(`${url}api/simulation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"pause"}' })).status).toBe(404);
    } finally {
      stop.abort();
      await running;
    }
    expect(fakes.fleet.calls).toEqual([]);
  });

  it('refuses a bad port, --sim without the local engine, and simulation options for a cluster, with exit 2', async () => {
    const scenario = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-ui-bad-'));
    const badPort = await runCli(['--sim', scenario, 'ui', '--port', 'http'], { MOSCALER_STATE_DIR: dir });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port/);
    const direct = await runCli(['--sim', scenario, '--engine', 'direct', 'ui'], { MOSCALER_STATE_DIR: dir });
    expect(direct.code).toBe(2);
    expect(direct.stderr).toMatch(/local engine/);
    const { runtimeFor } = fakeRuntime([], NOW);
    const paused = await runCli(['-c', 'test-cluster', 'ui', '--paused'], { MOSCALER_STATE_DIR: dir, MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' }, runtimeFor);
    expect(paused.code).toBe(2);
    expect(paused.stderr).toMatch(/--paused: only with --sim/);
  });
});
