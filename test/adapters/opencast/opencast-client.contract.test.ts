import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, DependencyError, ProtocolError } from '../../../core/errors';
import { OpencastClient } from '../../../adapters/opencast/opencast-client';
import type { AuthMode } from '../../../adapters/opencast/digest-auth';
import { createOpencastRouter, type OpencastRouterOptions } from '../../../sim/opencast/router';
import type { WireRouter } from '../../../sim/wire/types';
import { ADMIN_URL, OpencastTestState, WORKER1, WORKER2 } from '../../fixtures/opencast-state';
import { deadUrl, errorText, inProcess, loopback, recording, type Exchange, type Mounted } from './mounts';

describe.each([loopback, inProcess])('OpencastClient against the simulated Opencast over $name', (mount) => {
  let mounted: Mounted | undefined;
  let state: OpencastTestState;
  let log: Exchange[];
  /** The server behind the mount; a test may replace it (a restarted Opencast). */
  let server: WireRouter;

  afterEach(async () => {
    await mounted?.close();
    mounted = undefined;
  });

  async function setup(
    version: string,
    opts: { auth?: AuthMode; password?: string; user?: string; timeoutMs?: number; router?: OpencastRouterOptions } = {},
  ): Promise<OpencastClient> {
    state ??= new OpencastTestState(version);
    state.opencast.version = version;
    server = createOpencastRouter(state, opts.router);
    const recorded = recording((request) => server(request));
    log = recorded.log;
    mounted = await mount.mount(recorded.router);
    return mounted.client({
      user: opts.user ?? state.opencast.user,
      password: opts.password ?? state.opencast.password,
      auth: opts.auth ?? 'digest',
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }

  const fresh = (version = '15.0'): void => {
    state = new OpencastTestState(version);
  };

  describe('digest', () => {
    it('does the handshake once, then reuses the nonce with a growing nc', async () => {
      fresh();
      const client = await setup('15.0');
      await client.checkCredentials();
      expect(log.map((e) => e.response.status)).toEqual([401, 200]);
      expect(log[0]!.request.headers['x-requested-auth']).toBe('Digest');
      expect(log[0]!.request.headers.authorization).toBeUndefined();
      await client.listHosts();
      await client.listHosts();
      expect(log.map((e) => e.response.status)).toEqual([401, 200, 200, 200]);
      const ncs = log.slice(1).map((e) => /nc=(\w+)/.exec(e.request.headers.authorization!)![1]);
      expect(ncs).toEqual(['00000001', '00000002', '00000003']);
      const nonces = new Set(log.slice(1).map((e) => /nonce="([^"]+)"/.exec(e.request.headers.authorization!)![1]));
      expect(nonces.size).toBe(1);
    });

    it('re-challenges when the nonce went stale after 300 s of virtual time', async () => {
      fresh();
      const client = await setup('15.0');
      await client.listHosts();
      state.clock += 301_000;
      const hosts = await client.listHosts();
      expect(hosts).toHaveLength(3);
      expect(log.map((e) => e.response.status)).toEqual([401, 200, 401, 200]);
      expect(log[2]!.response.headers['www-authenticate']).toContain('stale="true"');
      expect(log[3]!.request.headers.authorization).toContain('nc=00000001');
    });

    it('recovers with one fresh challenge when the server forgot its nonces (restart)', async () => {
      fresh();
      const client = await setup('15.0', { router: { nonceKey: 'before' } });
      await client.listHosts();
      server = createOpencastRouter(state, { nonceKey: 'after' });
      expect(await client.listHosts()).toHaveLength(3);
      expect(log.map((e) => e.response.status)).toEqual([401, 200, 401, 200]);
      expect(log[2]!.response.headers['www-authenticate']).not.toContain('stale');
    });

    it('turns a wrong password into an AuthError that never shows the password or the digest', async () => {
      fresh();
      const client = await setup('15.0', { password: 'Wr0ng-Pa55word!' });
      const error = await client.listHosts().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).message).toContain('refused the credentials');
      expect(log.map((e) => e.response.status)).toEqual([401, 401]);
      const text = errorText(error);
      expect(text).not.toContain('Wr0ng-Pa55word!');
      expect(text).not.toContain(/response="([^"]+)"/.exec(log[1]!.request.headers.authorization!)![1]);
      expect(text).not.toContain('Digest username');
    });

    it('speaks the 1.6 realm "Opencast Matterhorn"', async () => {
      fresh('1.6');
      const client = await setup('1.6');
      await client.checkCredentials();
      expect(log[1]!.request.headers.authorization).toContain('realm="Opencast Matterhorn"');
    });

    it('cannot authenticate a database user (AuthError)', async () => {
      fresh();
      const client = await setup('15.0', {
        user: 'dbadmin',
        password: 'db-pass-123',
        router: { extraUsers: [{ username: 'dbadmin', password: 'db-pass-123', roles: ['ROLE_ADMIN'], inMemory: false }] },
      });
      await expect(client.checkCredentials()).rejects.toBeInstanceOf(AuthError);
    });
  });

  describe('basic', () => {
    it('is preemptive from 5.0 and works for database users', async () => {
      fresh();
      const client = await setup('15.0', {
        auth: 'basic',
        user: 'dbadmin',
        password: 'db-pass-123',
        router: { extraUsers: [{ username: 'dbadmin', password: 'db-pass-123', roles: ['ROLE_ADMIN'], inMemory: false }] },
      });
      await client.checkCredentials();
      expect(await client.listHosts()).toHaveLength(3);
      expect(log.map((e) => e.response.status)).toEqual([200, 200]);
      expect(log[0]!.request.headers['x-requested-auth']).toBeUndefined();
    });

    it('is ignored before 5.0: me.json answers as anonymous and protected paths redirect to login', async () => {
      fresh('4.0');
      const client = await setup('4.0', { auth: 'basic' });
      await expect(client.checkCredentials()).rejects.toThrow(/"anonymous", which lacks ROLE_ADMIN/);
      const error = await client.listHosts().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/login page/);
    });

    it('rejects a wrong password with an AuthError free of the password and the token', async () => {
      fresh();
      const password = 'Wr0ng-Pa55word!';
      const client = await setup('15.0', { auth: 'basic', password });
      const error = await client.checkCredentials().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      const text = errorText(error);
      expect(text).not.toContain(password);
      expect(text).not.toContain(Buffer.from(`${state.opencast.user}:${password}`).toString('base64'));
    });

    it('refuses a user without ROLE_ADMIN', async () => {
      fresh();
      const client = await setup('15.0', {
        auth: 'basic',
        user: 'viewer',
        password: 'view-pass',
        router: { extraUsers: [{ username: 'viewer', password: 'view-pass', roles: ['ROLE_USER'], inMemory: false }] },
      });
      await expect(client.checkCredentials()).rejects.toThrow(/"viewer", which lacks ROLE_ADMIN/);
      await expect(client.listHosts()).rejects.toThrow(/not allowed.*403/);
    });
  });

  describe('version matrix', () => {
    it.each([
      ['1.6', { maxLoad: 8 }, false],
      ['2.3', { maxLoad: 8, cores: 8 }, true],
      ['7.4', { maxLoad: 8, cores: 8 }, true],
      ['15.0', { maxLoad: 8, cores: 8, nodeName: 'worker1' }, true],
    ] as const)('reads hosts and jobs of Opencast %s', async (version, worker1Extras, hasActiveJobs) => {
      fresh(version);
      state.addJob({ status: 'RUNNING', processingHost: WORKER1, startedAt: state.clock });
      state.addJob({ status: 'QUEUED', type: 'org.opencastproject.inspection', operation: 'Inspect', load: 0.2 });
      const client = await setup(version);
      await client.checkCredentials();
      const hosts = await client.listHosts();
      expect(hosts.map((h) => h.baseUrl)).toEqual([ADMIN_URL, WORKER1, WORKER2]);
      expect(hosts[1]).toEqual({ baseUrl: WORKER1, online: true, active: true, maintenance: false, ...worker1Extras });
      expect(hosts[2]!.maintenance).toBe(true);
      if (!hasActiveJobs) {
        await expect(client.activeJobs()).rejects.toThrow(/activeJobs\.json: not found \(the endpoint exists from Opencast 2\.2\)/);
        return;
      }
      const jobs = await client.activeJobs();
      expect(jobs).toEqual([
        { id: '100', type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'Encode', processingHost: WORKER1, createdHost: ADMIN_URL, jobLoad: 1.5 },
        { id: '101', type: 'org.opencastproject.inspection', status: 'QUEUED', operation: 'Inspect', createdHost: ADMIN_URL, jobLoad: 0.2 },
      ]);
      // The quirk really was on the wire: ids are strings through 7.x, numbers from 8.0.
      const body = log.find((e) => e.request.path === '/services/activeJobs.json' && e.response.status === 200)!.response.body;
      expect(body).toContain(version === '15.0' ? '"id":100' : '"id":"100"');
    });
  });

  describe('JSON quirks', () => {
    it('reads one host sent as a bare object and one job likewise', async () => {
      fresh('7.4');
      state.hosts = state.hosts.slice(1, 2);
      state.addJob({ status: 'RUNNING', processingHost: WORKER1 });
      const client = await setup('7.4');
      expect(await client.listHosts()).toEqual([{ baseUrl: WORKER1, online: true, active: true, maintenance: false, maxLoad: 8, cores: 8 }]);
      expect(log.at(-1)!.response.body).toContain('"host":{');
      expect((await client.activeJobs()).map((j) => j.id)).toEqual(['100']);
      expect(log.at(-1)!.response.body).toContain('"job":{');
    });

    it('reads empty lists sent as ""', async () => {
      fresh();
      state.hosts.forEach((h) => (h.active = false));
      const client = await setup('15.0');
      expect(await client.listHosts()).toEqual([]);
      expect(await client.activeJobs()).toEqual([]);
      expect(log.at(-1)!.response.body).toBe('{"jobs":""}');
    });
  });

  describe('maintenance', () => {
    it('switches the exact base_url on and off with form fields', async () => {
      fresh();
      const client = await setup('15.0');
      await client.setMaintenance(WORKER1, true);
      expect(state.hosts[1]!.maintenance).toBe(true);
      await client.setMaintenance(WORKER1, false);
      expect(state.hosts[1]!.maintenance).toBe(false);
      expect(state.maintenanceCalls).toEqual([
        { baseUrl: WORKER1, on: true },
        { baseUrl: WORKER1, on: false },
      ]);
      const post = log.find((e) => e.request.method === 'POST' && e.response.status === 204)!.request;
      expect(post.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.fromEntries(new URLSearchParams(post.body))).toEqual({ host: WORKER1, maintenance: 'true' });
    });

    it('fails with DependencyError on an unknown host (404) and changes nothing', async () => {
      fresh();
      const client = await setup('15.0');
      const error = await client.setMaintenance(`${WORKER1}/`, true).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyError);
      expect(error).not.toBeInstanceOf(AuthError);
      expect((error as Error).message).toContain(`no host with base_url ${WORKER1}/`);
      expect(state.hosts[1]!.maintenance).toBe(false);
    });
  });

  describe('queuedJobCount', () => {
    it('sends the operations list and reads the plain integer', async () => {
      fresh();
      state.addJob({ status: 'QUEUED', workflowOperation: 'encode' });
      state.addJob({ status: 'QUEUED', workflowOperation: 'composite', operation: 'Composite' });
      state.addJob({ status: 'QUEUED', workflowOperation: 'publish-engage', type: 'org.opencastproject.distribution' });
      const client = await setup('15.0');
      expect(await client.queuedJobCount(['encode', 'composite'])).toBe(2);
      expect(log.at(-1)!.request.query.get('operations')).toBe('encode,composite');
      expect(await client.queuedJobCount()).toBe(3);
    });

    it('is an error, not 0, when the endpoint is missing', async () => {
      fresh();
      state.opencast.queuedJobCountEndpoint = false;
      const client = await setup('15.0');
      await expect(client.queuedJobCount(['encode'])).rejects.toThrow(/only Harvard DCE's Opencast fork/);
    });
  });

  describe('faults', () => {
    it('maps a slow Opencast to a DependencyError timeout', async () => {
      fresh();
      state.faults.add('opencast-slow');
      const client = await setup('15.0', { timeoutMs: 150, router: { slowDelayMs: 1_000 } });
      const error = await client.listHosts().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as Error).message).toBe('opencast: GET /services/hosts.json: no answer within 150 ms');
    });

    it.each(['html', 'truncated'] as const)('maps garbage (%s) to a ProtocolError', async (garbage) => {
      fresh();
      const client = await setup('15.0', { router: { garbage } });
      await client.checkCredentials();
      state.faults.add('opencast-garbage');
      const error = await client.listHosts().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(garbage === 'html' ? /services\/hosts\.json: expected JSON, got an HTML/ : /not valid JSON/);
    });

    it('maps garbage on maintenance and queuedJobCount to ProtocolErrors, nothing changed', async () => {
      fresh();
      const client = await setup('15.0', { router: { garbage: 'html' } });
      state.faults.add('opencast-garbage');
      await expect(client.setMaintenance(WORKER1, true)).rejects.toThrow(/unexpected status 200, expected 204/);
      await expect(client.queuedJobCount()).rejects.toBeInstanceOf(ProtocolError);
      expect(state.hosts[1]!.maintenance).toBe(false);
    });

    it('maps a dead server to a DependencyError caused by ECONNREFUSED', async () => {
      fresh();
      let client: OpencastClient;
      if (mount === inProcess) {
        client = await setup('15.0');
        state.faults.add('opencast-down');
      } else {
        // A real closed port: what the down sentinel stands for on a socket.
        await setup('15.0');
        client = new OpencastClient({ baseUrl: await deadUrl(), user: 'u', password: 'secret-pw', auth: 'basic' });
      }
      const error = await client.listHosts().catch((e: unknown) => e);
      await client.close();
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as Error).message).toBe('opencast: GET /services/hosts.json: request failed (ECONNREFUSED)');
      expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    });
  });
});
