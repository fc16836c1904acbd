import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOpencastRouter, type OpencastRouterOptions } from '../../sim/opencast/router';
import { isNoAnswer } from '../../sim/wire/no-answer';
import type { WireResponse, WireRouter } from '../../sim/wire/types';
import { ADMIN_URL, OpencastTestState, WORKER1, WORKER2 } from '../fixtures/opencast-state';

interface Init {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

function send(router: WireRouter, init: Init): Promise<WireResponse> {
  return router({
    method: init.method ?? 'GET',
    path: init.path,
    query: new URLSearchParams(init.query ?? {}),
    headers: { host: 'admin1.internal', ...init.headers },
    body: init.body ?? '',
  });
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** An independent RFC 2617 client step, so the router is not checked against the adapter's own code. */
function answer(challenge: string, user: string, password: string, method: string, uri: string, nc = '00000001'): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const cnonce = 'abcdef12';
  const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

async function digestGet(router: WireRouter, state: OpencastTestState, path: string, query?: Record<string, string>): Promise<WireResponse> {
  const challenge = await send(router, { path, query, headers: { 'x-requested-auth': 'Digest' } });
  expect(challenge.status).toBe(401);
  const uri = query ? `${path}?${new URLSearchParams(query)}` : path;
  const authorization = answer(challenge.headers['www-authenticate']!, state.opencast.user, state.opencast.password, 'GET', uri);
  return send(router, { path, query, headers: { 'x-requested-auth': 'Digest', authorization } });
}

const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('createOpencastRouter', () => {
  let state: OpencastTestState;
  let router: WireRouter;
  const make = (version: string, options: OpencastRouterOptions = {}): void => {
    state = new OpencastTestState(version);
    router = createOpencastRouter(state, options);
  };
  const admin = (): Record<string, string> => basic(state.opencast.user, state.opencast.password);

  beforeEach(() => make('15.0'));

  describe('security', () => {
    it('redirects protected paths to /login.html without the auth header', async () => {
      const res = await send(router, { path: '/services/hosts.json' });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('http://admin1.internal/login.html');
    });

    it('serves /info/me.json anonymously without the header but challenges with it', async () => {
      const anonymous = await send(router, { path: '/info/me.json' });
      expect(anonymous.status).toBe(200);
      expect(JSON.parse(anonymous.body).roles).toEqual(['ROLE_ANONYMOUS']);
      const challenged = await send(router, { path: '/info/me.json', headers: { 'x-requested-auth': 'Digest' } });
      expect(challenged.status).toBe(401);
    });

    it.each([
      ['1.6', 'Opencast Matterhorn'],
      ['2.0', 'Opencast Matterhorn'],
      ['2.1', 'Opencast'],
      ['15.0', 'Opencast'],
    ])('challenges %s with realm "%s", qop auth and no opaque or algorithm', async (version, realm) => {
      make(version);
      const res = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest' } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(new RegExp(`^Digest realm="${realm}", qop="auth", nonce="[A-Za-z0-9+/=]+"$`));
    });

    it('signs the nonce as base64(expiry:md5(expiry:key)), valid 300 s of virtual time', async () => {
      make('15.0', { nonceKey: 'k' });
      const res = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest' } });
      const nonce = /nonce="([^"]+)"/.exec(res.headers['www-authenticate']!)![1]!;
      const expiry = String(state.clock + 300_000);
      expect(Buffer.from(nonce, 'base64').toString()).toBe(`${expiry}:${md5(`${expiry}:k`)}`);
    });

    it('accepts a correct digest and reuses the nonce until it expires, then says stale', async () => {
      const first = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest' } });
      const challenge = first.headers['www-authenticate']!;
      const { user, password } = state.opencast;
      const auth = (nc: string) => ({ 'x-requested-auth': 'Digest', authorization: answer(challenge, user, password, 'GET', '/services/hosts.json', nc) });
      expect((await send(router, { path: '/services/hosts.json', headers: auth('00000001') })).status).toBe(200);
      state.clock += 299_000;
      expect((await send(router, { path: '/services/hosts.json', headers: auth('00000002') })).status).toBe(200);
      state.clock += 2_000;
      const stale = await send(router, { path: '/services/hosts.json', headers: auth('00000003') });
      expect(stale.status).toBe(401);
      expect(stale.headers['www-authenticate']).toMatch(/, stale="true"$/);
    });

    it('rejects a wrong password with a fresh, non-stale challenge even when the nonce expired', async () => {
      const first = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest' } });
      state.clock += 400_000;
      const authorization = answer(first.headers['www-authenticate']!, state.opencast.user, 'wrong', 'GET', '/services/hosts.json');
      const res = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest', authorization } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).not.toContain('stale');
    });

    it('rejects a nonce signed with another key (a restarted server)', async () => {
      const other = createOpencastRouter(state, { nonceKey: 'other' });
      const first = await send(other, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest' } });
      const authorization = answer(first.headers['www-authenticate']!, state.opencast.user, state.opencast.password, 'GET', '/services/hosts.json');
      const res = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Digest', authorization } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).not.toContain('stale');
    });

    it('ignores Basic before 5.0 and checks it from 5.0', async () => {
      make('4.0');
      expect((await send(router, { path: '/services/hosts.json', headers: admin() })).status).toBe(302);
      make('5.0');
      expect((await send(router, { path: '/services/hosts.json', headers: admin() })).status).toBe(200);
      const wrong = await send(router, { path: '/services/hosts.json', headers: basic(state.opencast.user, 'nope') });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toBe('Basic realm="Opencast"');
    });

    it('answers X-Requested-Auth: Basic with a Basic challenge only from 13.0', async () => {
      make('12.0');
      expect((await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Basic' } })).status).toBe(302);
      make('13.0');
      const res = await send(router, { path: '/services/hosts.json', headers: { 'x-requested-auth': 'Basic' } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Opencast"');
    });

    it('lets database users in by Basic only, and forbids them admin paths without ROLE_ADMIN', async () => {
      make('15.0', { extraUsers: [{ username: 'viewer', password: 'v', roles: ['ROLE_USER'], inMemory: false }] });
      const me = await send(router, { path: '/info/me.json', headers: basic('viewer', 'v') });
      expect(JSON.parse(me.body)).toMatchObject({ user: { username: 'viewer' }, roles: ['ROLE_USER'] });
      expect((await send(router, { path: '/services/hosts.json', headers: basic('viewer', 'v') })).status).toBe(403);
      const challenge = await send(router, { path: '/info/me.json', headers: { 'x-requested-auth': 'Digest' } });
      const authorization = answer(challenge.headers['www-authenticate']!, 'viewer', 'v', 'GET', '/info/me.json');
      expect((await send(router, { path: '/info/me.json', headers: { 'x-requested-auth': 'Digest', authorization } })).status).toBe(401);
    });

    it('answers unknown paths 302 when anonymous and 404 when authenticated', async () => {
      expect((await send(router, { path: '/nope.json' })).status).toBe(302);
      const res = await send(router, { path: '/nope.json', headers: admin() });
      expect(res.status).toBe(404);
      expect(res.body).toContain('HTTP ERROR 404');
    });
  });

  describe('hosts.json', () => {
    it('renders max_jobs and no cores in 1.6, max_load and cores from 2.2, node_name from 8.0', async () => {
      make('1.6');
      const old = JSON.parse((await digestGet(router, state, '/services/hosts.json')).body).hosts.host;
      expect(old[1]).toEqual({ base_url: WORKER1, max_jobs: 8, online: true, active: true, maintenance: false });
      make('7.4');
      const mid = JSON.parse((await digestGet(router, state, '/services/hosts.json')).body).hosts.host;
      expect(mid[1]).toMatchObject({ max_load: 8, cores: 8, address: '10.0.1.11' });
      expect(mid[1]).not.toHaveProperty('node_name');
      make('15.0');
      const now = JSON.parse((await send(router, { path: '/services/hosts.json', headers: admin() })).body).hosts.host;
      expect(now[1]).toMatchObject({ node_name: 'worker1', max_load: 8 });
      expect(now[2]).not.toHaveProperty('node_name');
    });

    it('returns 404 in 1.3, which has no hosts endpoint', async () => {
      make('1.3');
      expect((await digestGet(router, state, '/services/hosts.json')).status).toBe(404);
    });

    it('renders one host as a bare object, none as "", hides inactive hosts and escapes slashes', async () => {
      state.hosts = state.hosts.slice(0, 2);
      state.hosts[0]!.active = false;
      const one = await send(router, { path: '/services/hosts.json', headers: admin() });
      expect(one.body).toContain('"hosts":{"host":{"base_url":"http:\\/\\/ip-10-0-1-11.ec2.internal"');
      state.hosts[1]!.active = false;
      expect((await send(router, { path: '/services/hosts.json', headers: admin() })).body).toBe('{"hosts":""}');
    });
  });

  describe('activeJobs.json', () => {
    beforeEach(() => {
      state.addJob({ status: 'RUNNING', processingHost: WORKER1, startedAt: state.clock - 10_000 });
      state.addJob({ status: 'QUEUED' });
      state.addJob({ status: 'FINISHED', processingHost: WORKER1 });
    });

    it('lists non-terminal jobs only, with typed attributes from 8.0', async () => {
      const jobs = JSON.parse((await send(router, { path: '/services/activeJobs.json', headers: admin() })).body).jobs.job;
      expect(jobs.map((j: { id: number }) => j.id)).toEqual([100, 101]);
      expect(jobs[0]).toMatchObject({ status: 'RUNNING', processingHost: WORKER1, createdHost: ADMIN_URL, jobLoad: 1.5, version: 1 });
      expect(jobs[1]).not.toHaveProperty('processingHost');
    });

    it('renders attribute-backed fields as strings in 7.x', async () => {
      state.opencast.version = '7.4';
      const res = await digestGet(router, state, '/services/activeJobs.json');
      expect(res.body).toContain('"id":"100"');
      expect(res.body).toContain('"version":"1"');
      expect(res.body).toContain('"jobLoad":1.5');
    });

    it('is absent (404) before 2.2', async () => {
      state.opencast.version = '2.1';
      expect((await digestGet(router, state, '/services/activeJobs.json')).status).toBe(404);
    });
  });

  describe('statistics.json', () => {
    beforeEach(() => {
      state.addJob({ status: 'RUNNING', processingHost: WORKER1, startedAt: state.clock });
      state.addJob({ status: 'QUEUED' });
    });
    const composerOn = (body: string, host: string) =>
      JSON.parse(body).statistics.service.find(
        (s: { serviceRegistration: { host: string; type: string } }) =>
          s.serviceRegistration.host === host && s.serviceRegistration.type === 'org.opencastproject.composer',
      );

    it('is zeroed from 13.5 unless jobstats.collect is set', async () => {
      expect(composerOn((await send(router, { path: '/services/statistics.json', headers: admin() })).body, WORKER1).running).toBe(0);
      make('15.0', { jobstatsCollect: true });
      state.addJob({ status: 'RUNNING', processingHost: WORKER1, startedAt: state.clock });
      expect(composerOn((await send(router, { path: '/services/statistics.json', headers: admin() })).body, WORKER1).running).toBe(1);
    });

    it('counts by processing host with string counts in 7.x; an unprocessed QUEUED job is not "queued"', async () => {
      state.opencast.version = '7.4';
      const body = (await digestGet(router, state, '/services/statistics.json')).body;
      expect(composerOn(body, WORKER1)).toMatchObject({ running: '1', queued: '0', finished: '0' });
      expect(composerOn(body, ADMIN_URL)).toMatchObject({ running: '0', queued: '0' });
    });
  });

  describe('count', () => {
    beforeEach(() => {
      state.addJob({ status: 'QUEUED' });
      state.addJob({ status: 'QUEUED', type: 'org.opencastproject.inspection', operation: 'Inspect' });
      state.addJob({ status: 'RUNNING', processingHost: WORKER1 });
    });
    const count = (query: Record<string, string>) => send(router, { path: '/services/count', query, headers: admin() });

    it('counts by status, type and operation as text/plain', async () => {
      const all = await count({ status: 'QUEUED' });
      expect(all).toMatchObject({ status: 200, body: '2', headers: { 'content-type': 'text/plain' } });
      expect((await count({ serviceType: 'org.opencastproject.composer', status: 'QUEUED', operation: 'Encode' })).body).toBe('1');
    });

    it('keeps upstream failures: 500 for host+operation and host without status, 404 for a bad enum', async () => {
      expect((await count({ serviceType: 'x', host: ADMIN_URL, operation: 'Encode', status: 'QUEUED' })).status).toBe(500);
      expect((await count({ serviceType: 'x', host: ADMIN_URL })).status).toBe(500);
      expect((await count({ status: 'CANCELED' })).status).toBe(404);
      expect((await count({ status: 'CANCELLED' })).status).toBe(200);
    });

    it('requires serviceType in 1.x', async () => {
      state.opencast.version = '1.6';
      const challenge = await send(router, { path: '/services/count', query: { status: 'QUEUED' }, headers: { 'x-requested-auth': 'Digest' } });
      const authorization = answer(challenge.headers['www-authenticate']!, state.opencast.user, state.opencast.password, 'GET', '/services/count?status=QUEUED');
      const res = await send(router, { path: '/services/count', query: { status: 'QUEUED' }, headers: { 'x-requested-auth': 'Digest', authorization } });
      expect(res.status).toBe(400);
    });
  });

  describe('maintenance', () => {
    const post = (body: string) =>
      send(router, { method: 'POST', path: '/services/maintenance', body, headers: { ...admin(), 'content-type': 'application/x-www-form-urlencoded' } });

    it('switches the exact base_url with 204 and answers 404 for anything else', async () => {
      expect((await post(`host=${encodeURIComponent(WORKER1)}&maintenance=true`)).status).toBe(204);
      expect(state.hosts[1]!.maintenance).toBe(true);
      expect((await post(`host=${encodeURIComponent(`${WORKER1}/`)}&maintenance=false`)).status).toBe(404);
      expect(state.hosts[1]!.maintenance).toBe(true);
    });

    it('parses the flag leniently: "1" means off', async () => {
      expect((await post(`host=${encodeURIComponent(WORKER2)}&maintenance=1`)).status).toBe(204);
      expect(state.hosts[2]!.maintenance).toBe(false);
    });

    it('answers 405 to GET', async () => {
      expect((await send(router, { path: '/services/maintenance', headers: admin() })).status).toBe(405);
    });
  });

  describe('load XML', () => {
    beforeEach(() => {
      state.addJob({ status: 'RUNNING', processingHost: WORKER1, load: 1.5 });
      state.addJob({ status: 'RUNNING', processingHost: WORKER2, load: 2 });
      state.addJob({ status: 'DISPATCHING', processingHost: WORKER1, load: 0.5 });
    });

    it('uses currentLoad/maxLoad from 7.0 and counts RUNNING only from 5.0; maintenance hosts read 0', async () => {
      const res = await send(router, { path: '/services/currentload', headers: admin() });
      expect(res.headers['content-type']).toBe('text/xml');
      expect(res.body).toContain('<load xmlns="http://serviceregistry.opencastproject.org"><nodes>');
      expect(res.body).toContain(`<node host="${WORKER1}" currentLoad="1.5" maxLoad="8"/>`);
      expect(res.body).toContain(`<node host="${WORKER2}" currentLoad="0" maxLoad="8"/>`);
    });

    it('uses loadFactor before 7.0, counting DISPATCHING too before 5.0', async () => {
      state.opencast.version = '2.3';
      const current = (await digestGet(router, state, '/services/currentload')).body;
      expect(current).toContain(`<node host="${WORKER1}" loadFactor="2"/>`);
      const max = (await digestGet(router, state, '/services/maxload', { host: WORKER1 })).body;
      expect(max).toContain(`<node host="${WORKER1}" loadFactor="8"/>`);
      expect(max).not.toContain(WORKER2);
    });
  });

  describe('servers.json', () => {
    it('returns nothing without limit and RUNNING per host with it, whatever jobstats says', async () => {
      state.addJob({ status: 'RUNNING', processingHost: WORKER1 });
      const none = JSON.parse((await send(router, { path: '/admin-ng/server/servers.json', headers: admin() })).body);
      expect(none).toEqual({ total: 3, offset: 0, count: 0, limit: 0, results: [] });
      const page = JSON.parse((await send(router, { path: '/admin-ng/server/servers.json', query: { limit: '100' }, headers: admin() })).body);
      const worker = page.results.find((r: { hostname: string }) => r.hostname === WORKER1);
      expect(worker).toMatchObject({ running: 1, queued: 0, nodeName: 'worker1', cores: 8, online: true, maintenance: false });
    });
  });

  describe('queuedJobCount', () => {
    it('counts QUEUED non-workflow jobs of the given workflow operations', async () => {
      state.addJob({ status: 'QUEUED', workflowOperation: 'encode' });
      state.addJob({ status: 'QUEUED', workflowOperation: 'publish-engage', type: 'org.opencastproject.distribution' });
      state.addJob({ status: 'QUEUED', workflowOperation: 'encode', type: 'org.opencastproject.workflow' });
      state.addJob({ status: 'RUNNING', workflowOperation: 'encode', processingHost: WORKER1 });
      const some = await send(router, { path: '/workflow/queuedJobCount', query: { operations: 'encode,composite' }, headers: admin() });
      expect(some).toMatchObject({ status: 200, body: '1' });
      expect((await send(router, { path: '/workflow/queuedJobCount', headers: admin() })).body).toBe('2');
    });

    it('is 404 without the DCE fork', async () => {
      state.opencast.queuedJobCountEndpoint = false;
      expect((await send(router, { path: '/workflow/queuedJobCount', headers: admin() })).status).toBe(404);
    });
  });

  describe('faults', () => {
    it('opencast-down gives no answer at all', async () => {
      state.faults.add('opencast-down');
      expect(isNoAnswer(await send(router, { path: '/services/hosts.json', headers: admin() }))).toBe(true);
    });

    it('opencast-slow delays the normal answer', async () => {
      make('15.0', { slowDelayMs: 30_000 });
      state.faults.add('opencast-slow');
      const res = await send(router, { path: '/services/hosts.json', headers: admin() });
      expect(res).toMatchObject({ status: 200, delayMs: 30_000 });
    });

    it('opencast-garbage alternates an HTML 200 page and truncated JSON, and changes nothing', async () => {
      state.faults.add('opencast-garbage');
      const html = await send(router, { path: '/services/hosts.json', headers: admin() });
      expect(html.status).toBe(200);
      expect(html.body).toMatch(/^<!DOCTYPE html>/);
      const cut = await send(router, { path: '/services/hosts.json', headers: admin() });
      expect(cut.body.startsWith('{"hosts":{"host":[')).toBe(true);
      expect(() => JSON.parse(cut.body)).toThrow(SyntaxError);
      await send(router, { method: 'POST', path: '/services/maintenance', body: `host=${encodeURIComponent(WORKER1)}&maintenance=true`, headers: admin() });
      expect(state.maintenanceCalls).toEqual([]);
    });
  });
});
