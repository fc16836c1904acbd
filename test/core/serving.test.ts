import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../core/cluster';
import { planScaleDown } from '../../core/scale';
import { nextServingMemory, registrationReport, unprovableWorkers, unservingWorkers, whyUnprovable } from '../../core/serving';
import type { ClusterView, FleetInstance, OpencastHost } from '../../core/types';
import { NOW } from '../helpers/views';
import { opsworksInstanceState } from '../../adapters/aws/opsworks-fleet';

const MIN = 60_000;

function inst(n: number, status: string, runMinutes: number | undefined, extra: Partial<FleetInstance> = {}): FleetInstance {
  return {
    id: `ow-${n}`,
    hostname: `worker${n}`,
    status,
    state: opsworksInstanceState(status),
    provider: 'opsworks',
    ec2Id: `i-0000000${n}`,
    instanceType: 'c5.xlarge',
    privateDns: `ip-10-0-0-${n}.ec2.internal`,
    privateIp: `10.0.0.${n}`,
    layerNames: ['Workers'],
    layerIds: ['lw'],
    ...(runMinutes !== undefined ? { launchTime: new Date(NOW.getTime() - runMinutes * MIN).toISOString() } : {}),
    ...extra,
  };
}

const ADMIN: FleetInstance = { id: 'ow-a', hostname: 'admin1', status: 'online', state: 'running', provider: 'opsworks', privateDns: 'ip-10-0-9-9.ec2.internal', privateIp: '10.0.9.9', layerNames: ['Admin'], layerIds: ['la'] };
const host = (baseUrl: string, extra: Partial<OpencastHost> = {}): OpencastHost => ({ baseUrl, online: true, active: true, maintenance: false, ...extra });

function view(instances: FleetInstance[], hosts: OpencastHost[] | null, runningByHost: Record<string, number> = {}): ClusterView {
  return buildClusterView({
    cluster: { name: 'c', id: 's' },
    layers: [],
    instances: [ADMIN, ...instances],
    opencast: hosts === null ? { up: false, error: 'ECONNREFUSED' } : { up: true, hosts: [host('http://ip-10-0-9-9.ec2.internal'), ...hosts], runningByHost, queue: { queued: 0, queuedHighLoad: 0 }, running: 0 },
    now: NOW,
  });
}

describe('buildClusterView host matching', () => {
  it('gives each worker the exact base_url Opencast uses, and counts its jobs under it', () => {
    const v = view(
      [inst(1, 'online', 40), inst(2, 'online', 40), inst(3, 'online', 40)],
      [host('https://worker1.example.edu'), host('http://10.0.0.2:8080', { maintenance: true }), host('http://ip-10-0-0-3.ec2.internal:8080')],
      { 'https://worker1.example.edu': 2, 'http://10.0.0.2:8080': 1 },
    );
    expect(v.workers.map((w) => [w.hostname, w.hostUrl, w.hostMatch, w.registered, w.runningJobs, w.maintenance])).toEqual([
      ['worker1', 'https://worker1.example.edu', 'short-name', true, 2, false],
      ['worker2', 'http://10.0.0.2:8080', 'name', true, 1, true],
      ['worker3', 'http://ip-10-0-0-3.ec2.internal:8080', 'name', true, 0, false],
    ]);
    expect(v.hostMatch).toEqual({ unclaimed: [], ambiguous: [] });
  });

  it('leaves a worker registered under localhost unmatched, its host unclaimed and its jobs unknown (not 0: issue 23.2)', () => {
    const v = view([inst(1, 'online', 40)], [host('http://localhost:8080', { address: '127.0.0.1' })], { 'http://localhost:8080': 1 });
    expect(v.workers[0]).toMatchObject({ registered: false, runningJobs: null, idle: null, unsureHosts: ['http://localhost:8080'] });
    expect(v.workers[0]?.hostUrl).toBeUndefined();
    expect(v.hostMatch?.unclaimed).toEqual(['http://localhost:8080']);
  });

  it('counts 0 jobs for an unlisted worker only when no unowned host may be it', () => {
    // worker1 has its own host; worker2 is not listed; the stray host's address is none of theirs.
    const v = view([inst(1, 'online', 40), inst(2, 'online', 40)], [host('http://10.0.0.1:8080'), host('http://old.example.edu', { address: '10.0.5.5' })], { 'http://old.example.edu': 3 });
    expect(v.workers.map((w) => [w.hostname, w.runningJobs, w.unsureHosts])).toEqual([
      ['worker1', 0, undefined],
      ['worker2', 0, undefined],
    ]);
  });

  it('keeps the jobs of workers claiming one host equally unknown', () => {
    const v = view([inst(1, 'online', 40), inst(2, 'online', 40, { hostname: 'worker1', id: 'ow-2b' })], [host('https://worker1.example.edu')], { 'https://worker1.example.edu': 2 });
    expect(v.workers.map((w) => [w.id, w.runningJobs, w.idle])).toEqual([
      ['ow-1', null, null],
      ['ow-2b', null, null],
    ]);
  });

  it('matches by the explicit settings map when nothing else can', () => {
    const v = buildClusterView({
      cluster: { name: 'c', id: 's' },
      layers: [],
      instances: [inst(1, 'online', 40)],
      opencast: { up: true, hosts: [host('https://lb.example.org/oc1')], runningByHost: {}, queue: { queued: 0, queuedHighLoad: 0 }, running: 0 },
      now: NOW,
      hostMatch: { hostUrls: { worker1: 'https://lb.example.org/oc1' } },
    });
    expect(v.workers[0]).toMatchObject({ hostUrl: 'https://lb.example.org/oc1', hostMatch: 'setting', registered: true });
  });
});

describe('registrationReport', () => {
  it('reports a running worker Opencast does not know, with minutes since its start', () => {
    const v = view([inst(1, 'online', 40), inst(2, 'online', 12), inst(3, 'stopped', undefined)], [host('http://10.0.0.1:8080')]);
    const report = registrationReport(v);
    expect(report.unregistered).toEqual([{ hostname: 'worker2', minutes: 12 }]);
    expect(report.warnings).toEqual(['worker2 is running but not registered in Opencast for 12 min']);
  });

  it('warns, naming both lists, when no running worker matches any Opencast host', () => {
    const v = view([inst(1, 'online', 40), inst(2, 'setup_failed', 35)], [host('http://localhost:8080', { address: '127.0.0.1' })]);
    const warning = registrationReport(v).warnings.at(-1)!;
    expect(warning).toMatch(/^no running worker matches any Opencast host/);
    expect(warning).toContain('worker1 (ip-10-0-0-1.ec2.internal, 10.0.0.1)');
    expect(warning).toContain('worker2 (ip-10-0-0-2.ec2.internal, 10.0.0.2)');
    expect(warning).toContain('http://localhost:8080 (127.0.0.1)');
    expect(warning).toContain('http://ip-10-0-9-9.ec2.internal');
    expect(warning).toContain('default http://localhost:8080');
  });

  it('does not call boots under way a mismatch: the warning waits until one has run 10 minutes', () => {
    const v = view([inst(1, 'online', 3), inst(2, 'booting', 2)], []);
    expect(registrationReport(v).warnings.filter((w) => w.startsWith('no running worker'))).toEqual([]);
  });

  it('says nothing when Opencast did not answer', () => {
    expect(registrationReport(view([inst(1, 'online', 40)], null))).toEqual({ unregistered: [], warnings: [] });
  });
});

describe('unservingWorkers', () => {
  const options = { now: NOW, timeoutSeconds: 30 * 60 };

  it('finds workers that ran past the timeout without Opencast listing them, in any running OpsWorks state', () => {
    const v = view(
      [inst(1, 'online', 40), inst(2, 'online', 31), inst(3, 'setup_failed', 45), inst(4, 'connection_lost', 50), inst(5, 'online', 20), inst(6, 'stopped', undefined)],
      [host('http://10.0.0.1:8080'), host('http://10.0.0.2:8080', { online: false })],
    );
    expect(unservingWorkers(v, options).map((u) => [u.worker.hostname, Math.round(u.unservedSeconds / 60)])).toEqual([
      ['worker2', 31],
      ['worker3', 45],
      ['worker4', 50],
    ]);
    expect(unservingWorkers(v, options)[0]?.detail).toBe('worker2 has not served in the 31 min since its launch at 2026-11-23T11:29:00Z and its host http://10.0.0.2:8080 is offline in Opencast');
    expect(unservingWorkers(v, options)[1]?.detail).toMatch(/^worker3 \(OpsWorks setup_failed\) has not served in the 45 min since its launch at \S+ and Opencast lists no host of it$/);
  });

  it('leaves out protected workers and those a workflow acts on', () => {
    const v = view([inst(1, 'online', 40, { tags: { p: 'y' } }), inst(2, 'online', 40)], []);
    const withTag = buildClusterView({ ...{ cluster: { name: 'c', id: 's' }, layers: [], now: NOW }, instances: [ADMIN, ...v.instances.slice(1)], opencast: v.opencast, protectTag: { key: 'p', value: 'y' } });
    expect(unservingWorkers(withTag, { ...options, exclude: new Set(['worker2']) })).toEqual([]);
  });

  it('proves nothing (fails closed) when Opencast is down or lists a host no instance matches that may be the worker', () => {
    const down = view([inst(1, 'online', 40)], null);
    expect(unservingWorkers(down, options)).toEqual([]);
    expect(whyUnprovable(down, down.workers[0]!)).toMatch(/Opencast did not answer/);
    const stranger = view([inst(1, 'online', 40)], [host('http://localhost:8080', { address: '127.0.0.1' })]);
    expect(unservingWorkers(stranger, options)).toEqual([]);
    expect(whyUnprovable(stranger, stranger.workers[0]!)).toMatch(/no single instance matches \(http:\/\/localhost:8080\) that may be worker1: map it with MOSCALER_HOST_URLS or the host URL tag/);
    expect(unprovableWorkers(stranger, options)).toEqual([expect.stringMatching(/^worker1 has been without a host of its own in Opencast for 40 min; not stopped/)]);
    expect(registrationReport(stranger).warnings).toContainEqual(expect.stringMatching(/^Opencast host http:\/\/localhost:8080 matches no instance and may be worker1: .*MOSCALER_HOST_URLS/));
    // A stranger that is offline cannot be this running worker.
    const gone = view([inst(1, 'online', 40)], [host('http://localhost:8080', { online: false })]);
    expect(unservingWorkers(gone, options).map((u) => u.worker.hostname)).toEqual(['worker1']);
  });

  it('decides per worker: one stray host does not hold back the stop of a worker it cannot be (issue 23.5)', () => {
    // A stale row of a gone node (its address is none of ours) and a row at an IP only worker3 (addresses unknown) may have.
    const v = view(
      [inst(1, 'online', 40), inst(2, 'online', 40), inst(3, 'online', 40, { privateIp: undefined, privateDns: undefined })],
      [host('http://10.0.0.1:8080'), host('http://old-7.example.edu', { address: '10.0.7.7' }), host('http://10.0.8.8:8080')],
    );
    expect(unservingWorkers(v, options).map((u) => u.worker.hostname)).toEqual(['worker2']);
    expect(whyUnprovable(v, v.workers[1]!)).toBeUndefined();
    expect(whyUnprovable(v, v.workers[2]!)).toMatch(/10.0.8.8:8080\) that may be worker3/);
    // Only worker3, whose addresses are unknown, may be the stale row.
    expect(registrationReport(v).warnings).toContainEqual(expect.stringMatching(/^Opencast host http:\/\/old-7.example.edu matches no instance and may be worker3: /));
    const known = view([inst(1, 'online', 40), inst(2, 'online', 40)], [host('http://10.0.0.1:8080'), host('http://old-7.example.edu', { address: '10.0.7.7' })]);
    expect(registrationReport(known).warnings).toContainEqual(expect.stringMatching(/^Opencast host http:\/\/old-7.example.edu matches no instance, and its address is none of the workers'/));
  });

  it('never drains a worker whose jobs are unknown, even forced, and says which host holds it back', () => {
    const v = view([inst(1, 'online', 40), inst(2, 'online', 40)], [host('http://10.0.0.1:8080'), host('http://localhost:8080', { address: '127.0.0.1' })]);
    const options = { force: true, scaleAvailable: true, checkUptime: false, minWorkers: 0, idleUptimeThreshold: 50, billing: 'per-second' as const };
    const decision = planScaleDown(v, 2, options);
    expect(decision.chosen.map((c) => c.hostname)).toEqual(['worker1']);
    expect(decision.rejected.find((r) => r.hostname === 'worker2')).toMatchObject({ reason: 'OpencastUnavailable', detail: expect.stringMatching(/\(http:\/\/localhost:8080\) may be it; map it with MOSCALER_HOST_URLS/) });
  });

  it('warns in status when two instances share one name', () => {
    const v = view([inst(1, 'online', 40), inst(2, 'online', 40, { hostname: 'worker1', id: 'ow-2b', ec2Id: 'i-0000000b' })], [host('http://10.0.0.1:8080'), host('http://10.0.0.2:8080')]);
    expect(registrationReport(v).warnings).toContainEqual('2 instances share the name worker1 (i-00000001, i-0000000b): executions are keyed by instance id for them; give each its own Name tag');
  });
});

describe('unservingWorkers with the cycles\' serving memory (issue 23: measured from the last time seen serving)', () => {
  const options = { now: NOW, timeoutSeconds: 30 * 60 };
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MIN).toISOString();
  // worker1 up five hours, its host offline since its Opencast restarted; worker2 a boot of 40 min that never registered.
  const v = view([inst(1, 'online', 300), inst(2, 'online', 40)], [host('http://10.0.0.1:8080', { online: false })]);

  it('measures a worker seen serving from then, not from its launch', () => {
    const memory = { watchedSince: ago(600), lastServed: { 'ow-1': ago(2) } };
    expect(unservingWorkers(v, { ...options, memory }).map((u) => u.worker.hostname)).toEqual(['worker2']);
    const later = { watchedSince: ago(600), lastServed: { 'ow-1': ago(31) } };
    const [stop] = unservingWorkers(v, { ...options, memory: later });
    expect(stop).toMatchObject({ unservedSeconds: 31 * 60, since: ago(31) });
    expect(stop?.detail).toBe(`worker1 has not served in the 31 min since a cycle last saw it serving at ${ago(31).replace('.000Z', 'Z')} (up 300 min) and its host http://10.0.0.1:8080 is offline in Opencast`);
  });

  it('measures a worker never seen serving from its launch when watched since, and from when watching began otherwise (nothing stopped on missing data)', () => {
    const watched = { watchedSince: ago(600), lastServed: {} };
    expect(unservingWorkers(v, { ...options, memory: watched }).map((u) => u.worker.hostname)).toEqual(['worker1', 'worker2']);
    // The first cycle, or the memory lost: worker1 may have served a minute ago, unseen.
    const fresh = { watchedSince: ago(0), lastServed: {} };
    expect(unservingWorkers(v, { ...options, memory: fresh })).toEqual([]);
    const lately = { watchedSince: ago(35), lastServed: {} };
    expect(unservingWorkers(v, { ...options, memory: lately }).map((u) => [u.worker.hostname, u.unservedSeconds / 60])).toEqual([
      ['worker1', 35],
      ['worker2', 35],
    ]);
  });

  it('measures from the plan\'s moment when begin-drain re-checks a stop (since), and from the launch with nothing (a manual drain)', () => {
    expect(unservingWorkers(v, { ...options, since: ago(5) })).toEqual([]);
    expect(unservingWorkers(v, { ...options, since: ago(31) }).map((u) => u.worker.hostname)).toEqual(['worker1', 'worker2']);
    expect(unservingWorkers(v, options).map((u) => u.worker.hostname)).toEqual(['worker1', 'worker2']);
  });

  it('remembers running workers seen serving now, keeps the others\' last sight, forgets stopped ones', () => {
    const cluster = view([inst(1, 'online', 300), inst(2, 'online', 40), inst(3, 'online', 60), inst(4, 'stopped', undefined)], [host('http://10.0.0.1:8080', { online: false }), host('http://10.0.0.3:8080')]);
    const previous = { watchedSince: ago(600), lastServed: { 'ow-1': ago(3), 'ow-3': ago(1), 'ow-4': ago(90) } };
    expect(nextServingMemory(cluster, previous, NOW)).toEqual({ watchedSince: ago(600), lastServed: { 'ow-3': NOW.toISOString(), 'ow-1': ago(3) } });
    expect(nextServingMemory(cluster, undefined, NOW)).toEqual({ watchedSince: NOW.toISOString(), lastServed: { 'ow-3': NOW.toISOString() } });
    // Opencast did not answer: nothing was seen, and the outage must not count as time without serving.
    const down = view([inst(1, 'online', 300), inst(3, 'online', 60)], null);
    expect(nextServingMemory(down, previous, NOW)).toEqual({ watchedSince: NOW.toISOString(), lastServed: {} });
  });
});
