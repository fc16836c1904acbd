/**
 * The visualizer's HTTP API over a cluster of fakes: what it answers, and what
 * it refuses (other Hosts, cross-site control requests, bad parameters).
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildClusterView } from '../../core/cluster';
import { workerExecutionName } from '../../core/execution-names';
import type { ExecutionSummary, HistoryEvent, WorkflowEngine } from '../../engine/types';
import { ExecutionIndex } from '../../ui/execution-index';
import { LiveView } from '../../ui/live-view';
import { startUiServer, type SimulationControls, type UiServer } from '../../ui/server';
import { instanceOf, viewOf } from '../helpers/views';

const DRAIN = 'drain-worker2-20261123T115900Z';

/** One drain of worker2, still running, that has switched maintenance on. */
function fakeEngine(): WorkflowEngine {
  const summary: ExecutionSummary = { ref: { workflow: 'drain-worker', name: DRAIN, executionArn: `arn:local:${DRAIN}` }, status: 'RUNNING', startedAt: '2026-11-23T11:59:00.000Z' };
  const at = '2026-11-23T11:59:00.000Z';
  const history: HistoryEvent[] = [
    { execution: DRAIN, workflow: 'drain-worker', type: 'ExecutionStarted', at, input: { hostname: 'worker2', requestedBy: 'autoscale', reason: 'load low' } },
    { execution: DRAIN, workflow: 'drain-worker', type: 'StateEntered', at, state: 'MaintenanceOn' },
    {
      execution: DRAIN,
      workflow: 'drain-worker',
      type: 'TaskSucceeded',
      state: 'MaintenanceOn',
      at,
      reason: 'MaintenanceOn: maintenance on',
      output: {
        state: 'draining',
        persisted: { snapshot: { context: { history: [{ from: 'maintenance', to: 'draining', event: 'maintenance.on', code: 'MaintenanceOn', reason: 'maintenance on', at }] } } },
      },
    },
  ];
  const unexpected = () => Promise.reject(new Error('the visualizer never starts or stops executions'));
  return { kind: 'local', start: unexpected, wait: unexpected, stop: unexpected, input: unexpected, output: unexpected, list: async () => [summary], history: async () => history };
}

let server: UiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: { controls?: SimulationControls; observe?: () => Promise<{ view: ReturnType<typeof viewOf> }> } = {}) {
  const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 30 }, { hostname: 'worker2', uptimeMinutes: 50, maintenance: true }, { hostname: 'worker3', status: 'stopped' }], { queued: 2 });
  const live = new LiveView({ mode: 'cluster', engine: 'local', observe: options.observe ?? (async () => ({ view })), index: new ExecutionIndex(fakeEngine()) });
  await live.refresh();
  server = await startUiServer({ view: live, port: 0, diagrams: { worker: '<svg data-diagram="worker"></svg>' }, ...(options.controls ? { controls: options.controls } : {}) });
  return { live, server };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: a test must be able to send a foreign Host header. */
function call(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('ui server', () => {
  it('listens on 127.0.0.1 and serves the page and its assets itself, under a CSP that allows only its own scripts', async () => {
    const { server } = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await call(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toContain('<script src="/app.js"');
    for (const asset of ['/app.js', '/style.css']) {
      const reply = await call(server.port, asset);
      expect(reply.status).toBe(200);
      // No CDN and no outside asset: nothing in the page's files points off this server (the SVG namespace is a name, not a fetch).
      expect(reply.body.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    }
    expect((await call(server.port, '/../server.ts')).status).toBe(404);
  });

  it('answers the state: workers with their lifecycle, the cluster at a glance', async () => {
    const { server } = await serve();
    const reply = await call(server.port, '/api/state');
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const state = JSON.parse(reply.body);
    expect(state.workers.map((w: { hostname: string; lifecycle: string }) => `${w.hostname}:${w.lifecycle}`)).toEqual(['worker1:online', 'worker2:draining', 'worker3:offline']);
    expect(state.counts).toMatchObject({ workers: 3, online: 2, inService: 1, maintenance: 1 });
    expect(state.jobs).toMatchObject({ queued: 2 });
  });

  it("answers a worker's history and the timeline", async () => {
    const { server } = await serve();
    const history = JSON.parse((await call(server.port, '/api/history?worker=worker2')).body);
    expect(history.transitions).toEqual([expect.objectContaining({ from: 'maintenance', to: 'draining', code: 'MaintenanceOn', execution: DRAIN })]);
    expect(history.executions[0]).toMatchObject({ name: DRAIN, requestReason: 'load low', workerState: 'draining' });
    const timeline = JSON.parse((await call(server.port, '/api/timeline')).body);
    expect(timeline.items.map((i: { title: string }) => i.title)).toEqual(['worker2: maintenance → draining', `${DRAIN}: in MaintenanceOn`]);
    // Any Name tag is a name (`../etc` too): it is only compared, never a path.
    expect(JSON.parse((await call(server.port, '/api/history?worker=../etc')).body)).toMatchObject({ hostname: '../etc', transitions: [], executions: [] });
  });

  it("answers the history of a worker named by any EC2 Name tag: long, spaced, non-ASCII (scenarios/lecture-week-ec2.json's styles)", async () => {
    // A Name tag is up to 256 characters of anything (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
    const names = ['opencast transcode worker 21', 'ip-10-0-7-36.opencast-processing.us-east-1.compute.internal.media.example.edu', 'Transkodierer für Vorlesungen № 3', 'x'.repeat(256)];
    const at = '2026-11-23T11:59:00.000Z';
    const summaries: ExecutionSummary[] = names.map((hostname) => {
      const name = workerExecutionName('drain', hostname, new Date(at));
      return { ref: { workflow: 'drain-worker', name, executionArn: `arn:local:${name}` }, status: 'SUCCEEDED', startedAt: at };
    });
    const engine: WorkflowEngine = {
      ...fakeEngine(),
      list: async () => summaries,
      history: async (target) => {
        const summary = summaries.find((s) => 'executionArn' in target && s.ref.executionArn === target.executionArn)!;
        const hostname = names[summaries.indexOf(summary)]!;
        return [{ execution: summary.ref.name, workflow: 'drain-worker', type: 'ExecutionStarted', at, input: { hostname, requestedBy: 'autoscale', reason: 'load low' } }];
      },
    };
    // As the ec2 provider reports them: its role tag, not the name, says which instances are workers.
    const view = buildClusterView({
      cluster: { name: 'lecture-week-ec2', id: 'ec2' },
      layers: [],
      instances: names.map((hostname, i) => ({ ...instanceOf({ hostname, uptimeMinutes: 30 }, i), layerNames: [], layerIds: [], role: 'worker' as const })),
      opencast: { up: false, error: 'not asked' },
      now: new Date(at),
      protectedHostnames: [],
      protectTag: { key: 'opencast:protected', value: 'true' },
    });
    const live = new LiveView({ mode: 'cluster', engine: 'local', observe: async () => ({ view }), index: new ExecutionIndex(engine) });
    await live.refresh();
    server = await startUiServer({ view: live, port: 0, diagrams: {} });
    for (const [i, hostname] of names.entries()) {
      const reply = await call(server.port, `/api/history?worker=${encodeURIComponent(hostname)}`);
      expect(reply.status).toBe(200);
      const history = JSON.parse(reply.body);
      expect(history.hostname).toBe(hostname);
      expect(history.worker).toMatchObject({ hostname });
      expect(history.executions.map((e: { name: string }) => e.name)).toEqual([summaries[i]!.ref.name]);
    }
    // Not a Name tag: empty, longer than 256 characters, or with control characters.
    for (const bad of ['', 'x'.repeat(257), 'worker\n1']) {
      const reply = await call(server.port, `/api/history?worker=${encodeURIComponent(bad)}`);
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body).error).toMatch(/worker must be a Name tag: 1 to 256 characters, no control characters/);
    }
  });

  it('serves the diagrams, and no chart for a real cluster', async () => {
    const { server } = await serve();
    const svg = await call(server.port, '/api/diagram/worker.svg');
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(svg.body).toContain('data-diagram="worker"');
    expect((await call(server.port, '/api/diagram/nope.svg')).status).toBe(404);
    expect((await call(server.port, '/api/chart.svg')).status).toBe(404);
  });

  it('refuses a request whose Host is not this server (DNS rebinding)', async () => {
    const { server } = await serve();
    const reply = await call(server.port, '/api/state', { headers: { host: `attacker.example:${server.port}` } });
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('worker1');
    expect((await call(server.port, '/api/state', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('takes simulation controls only as same-origin JSON, and none for a real cluster', async () => {
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ action: 'pause' });
    const watching = await serve();
    expect((await call(watching.server.port, '/api/simulation', { method: 'POST', headers: json, body })).status).toBe(404);
    await watching.server.close();

    const calls: string[] = [];
    const controls: SimulationControls = {
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
      setSpeed: (s) => calls.push(`speed ${s}`),
      setSkipQuiet: (on) => calls.push(`skipQuiet ${on}`),
    };
    const { server } = await serve({ controls });
    const origin = `http://127.0.0.1:${server.port}`;
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status).toBe(415);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: { ...json, origin: 'https://attacker.example' }, body })).status).toBe(403);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: { ...json, origin }, body: JSON.stringify({ action: 'warp' }) })).status).toBe(400);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: { ...json, origin }, body })).status).toBe(200);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: json, body: JSON.stringify({ action: 'speed', speed: 600 }) })).status).toBe(200);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: json, body: JSON.stringify({ action: 'skipQuiet', on: false }) })).status).toBe(200);
    expect((await call(server.port, '/api/simulation', { method: 'POST', headers: json, body: JSON.stringify({ action: 'skipQuiet', on: 'no' }) })).status).toBe(400);
    expect(calls).toEqual(['pause', 'speed 600', 'skipQuiet false']);
    expect((await call(server.port, '/api/state', { method: 'DELETE' })).status).toBe(405);
  });

  it('keeps the last good state when a refresh fails, and says why', async () => {
    let fail = false;
    const view = viewOf([{ hostname: 'worker1' }]);
    const { live, server } = await serve({ observe: async () => (fail ? Promise.reject(new Error('OpsWorks throttled')) : { view }) });
    fail = true;
    await live.refresh();
    const state = JSON.parse((await call(server.port, '/api/state')).body);
    expect(state.error).toBe('OpsWorks throttled');
    expect(state.workers).toHaveLength(1);
    expect(state.version).toBe(2);
  });

  it('ships the page as plain files in the package', () => {
    for (const file of ['index.html', 'app.js', 'style.css']) {
      expect(readFileSync(fileURLToPath(new URL(`../../ui/page/${file}`, import.meta.url)), 'utf8').length).toBeGreaterThan(100);
    }
  });
});
