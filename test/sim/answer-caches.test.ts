/**
 * The routers reuse each host's, job's and instance's serialised text while
 * its inputs are unchanged (sim/model/fragment-cache.ts). These tests mutate
 * the model objects in place, as the model does, and check that the next
 * answer is what a fresh serialisation gives.
 */
import { describe, expect, it } from 'vitest';
import { createAwsRouter } from '../../sim/aws/router';
import { FragmentCache } from '../../sim/model/fragment-cache';
import { createOpencastRouter } from '../../sim/opencast/router';
import type { WireRequest, WireRouter } from '../../sim/wire/types';
import { FixtureClusterState } from '../fixtures/aws-sim-state';
import { OpencastTestState, WORKER1 } from '../fixtures/opencast-state';

function get(router: WireRouter, state: OpencastTestState, path: string): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${state.opencast.user}:${state.opencast.password}`).toString('base64')}`;
  return router({ method: 'GET', path, query: new URLSearchParams(), headers: { host: 'admin1.internal', authorization }, body: '' }).then(
    (r) => r.body,
  );
}

const AUTH = 'SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef';
const auth = (service: string): string => `AWS4-HMAC-SHA256 Credential=AKID/20240304/us-east-1/${service}/aws4_request, ${AUTH}`;

function opsworks(body: unknown): WireRequest {
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'OpsWorks_20130218.DescribeInstances',
    authorization: auth('opsworks'),
  };
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers, body: JSON.stringify(body) };
}

function ec2(params: Record<string, string> = {}): WireRequest {
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth('ec2') };
  const body = new URLSearchParams({ Action: 'DescribeInstances', Version: '2016-11-15', ...params }).toString();
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers, body };
}

describe('answer caches', () => {
  describe('Opencast', () => {
    it('renders activeJobs.json afresh after a job changes in place', async () => {
      // Prepare
      const state = new OpencastTestState('15.0');
      const router = createOpencastRouter(state);
      const job = state.addJob({ status: 'QUEUED' });
      const before = JSON.parse(await get(router, state, '/services/activeJobs.json'));

      // Act
      job.status = 'RUNNING';
      job.processingHost = WORKER1;
      job.startedAt = state.clock;
      const after = await get(router, state, '/services/activeJobs.json');

      // Assess
      expect(before.jobs.job.status).toBe('QUEUED');
      expect(after).toContain('"status":"RUNNING"');
      expect(after).toContain(`"processingHost":"${WORKER1.replace(/\//g, '\\/')}"`);
      expect(JSON.parse(after).jobs.job.queueTime).toBe(60_000);
    });

    it('keeps Jettison list shapes: "" when empty, the bare item for one, an array for more', async () => {
      // Prepare
      const state = new OpencastTestState('15.0');
      const router = createOpencastRouter(state);

      // Act
      const none = await get(router, state, '/services/activeJobs.json');
      state.addJob({ status: 'QUEUED' });
      const one = await get(router, state, '/services/activeJobs.json');
      state.addJob({ status: 'QUEUED' });
      const two = await get(router, state, '/services/activeJobs.json');

      // Assess
      expect(none).toBe('{"jobs":""}');
      expect(one).toMatch(/^\{"jobs":\{"job":\{"id":100,/);
      expect(two).toMatch(/^\{"jobs":\{"job":\[\{"id":100,.*\},\{"id":101,.*\}\]\}\}$/);
    });

    it('renders hosts.json afresh after a host changes in place and after the version changes', async () => {
      // Prepare
      const state = new OpencastTestState('15.0');
      const router = createOpencastRouter(state);
      const first = await get(router, state, '/services/hosts.json');

      // Act
      const host = state.hosts.find((h) => h.baseUrl === WORKER1)!;
      const was = host.maintenance;
      host.maintenance = !was;
      const second = await get(router, state, '/services/hosts.json');
      state.opencast.version = '7.4';
      const third = await get(router, state, '/services/hosts.json');

      // Assess
      const w2 = (body: string) => JSON.parse(body).hosts.host.find((h: { base_url: string }) => h.base_url === WORKER1);
      expect(w2(first).maintenance).toBe(was);
      expect(w2(second).maintenance).toBe(!was);
      expect(w2(second).node_name).toBeDefined();
      expect(w2(third).node_name).toBeUndefined();
      expect(w2(third).max_load).toBeTypeOf('number');
    });
  });

  describe('AWS', () => {
    it('renders OpsWorks DescribeInstances afresh after an instance and its layer list change in place', async () => {
      // Prepare
      const state = new FixtureClusterState();
      const router = createAwsRouter(state);
      const instance = state.instances[0]!;
      await router(opsworks({ StackId: state.stack.id }));

      // Act
      instance.status = 'stopping';
      instance.layerIds.push('layer-extra');
      const body = (await router(opsworks({ StackId: state.stack.id }))).body;

      // Assess
      const parsed = JSON.parse(body);
      expect(parsed.Instances[0].Status).toBe('stopping');
      expect(parsed.Instances[0].LayerIds).toContain('layer-extra');
      expect(body).toBe(JSON.stringify(parsed));
    });

    it('renders EC2 DescribeInstances afresh after tags and state change in place', async () => {
      // Prepare
      const state = new FixtureClusterState();
      const router = createAwsRouter(state);
      const instance = state.instances.find((i) => i.ec2Id !== undefined)!;
      await router(ec2());

      // Act
      instance.tags['Name'] = 'a<b>&"c\'';
      instance.ec2State = 'stopping';
      const body = (await router(ec2({ 'InstanceId.1': instance.ec2Id! }))).body;

      // Assess
      expect(body).toContain('<key>Name</key><value>a&lt;b&gt;&amp;&quot;c&apos;</value>');
      expect(body).toContain('<instanceState><code>64</code><name>stopping</name></instanceState>');
    });
  });

  describe('FragmentCache', () => {
    it('renders again when a member or an array element differs, and only then', () => {
      // Prepare
      const owner = {};
      let renders = 0;
      const cache = new FragmentCache<object, { a: number; list: readonly string[] }>((v) => {
        renders += 1;
        return `${v.a}:${v.list.join(',')}`;
      });

      // Act
      const texts = [
        cache.text(owner, { a: 1, list: ['x'] }),
        cache.text(owner, { a: 1, list: ['x'] }),
        cache.text(owner, { a: 2, list: ['x'] }),
        cache.text(owner, { a: 2, list: ['x', 'y'] }),
        cache.text(owner, { a: 2, list: ['x', 'z'] }),
        cache.text(owner, { a: Number.NaN, list: [] }),
        cache.text(owner, { a: Number.NaN, list: [] }),
      ];

      // Assess
      expect(texts).toEqual(['1:x', '1:x', '2:x', '2:x,y', '2:x,z', 'NaN:', 'NaN:']);
      expect(renders).toBe(5);
    });
  });
});
