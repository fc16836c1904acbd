/**
 * Opencast registries as real clusters have them (issue 22 item 3): nodes with
 * their own max load and jobs, stale rows, every node at localhost, a node
 * outside the cluster tag, two instances with one Name tag, and the faults
 * host-moved, capture-missed and password-rotated.
 */
import { describe, expect, it } from 'vitest';
import { secretsManagerOperations, SimSecrets } from '../../../sim/aws/secrets-manager';
import { rotatedPassword } from '../../../sim/model/faults';
import { parseScenario } from '../../../sim/model/scenario';
import { statusOf } from '../../../sim/opencast/external-events';
import { buildCluster, HOUR, MIN, START } from './helpers';

const online = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, state: 'online' as const, ...extra });

describe('nodes besides the workers', () => {
  it('admin, engage and ingest nodes register with their own max load and run their own jobs', () => {
    const t = buildCluster({
      others: [
        { hostname: 'admin1', layer: 'admin', maxLoad: 4, runningJobs: 2 },
        { hostname: 'engage1', layer: 'Engage', maxLoad: 2, runningJobs: 1 },
        { hostname: 'ingest1', layer: 'ingest', maxLoad: 3, runningJobs: 1 },
      ],
      workers: [online('worker1')],
    });
    const byNode = (h: string) => t.cluster.hosts.find((x) => x.nodeName === h)!;
    expect([byNode('admin1').maxLoad, byNode('engage1').maxLoad, byNode('ingest1').maxLoad, byNode('worker1').maxLoad]).toEqual([4, 2, 3, 36]);
    const running = t.cluster.jobs.filter((j) => j.status === 'RUNNING');
    expect(running.map((j) => [j.type, j.processingHost])).toEqual([
      ['org.opencastproject.workflow', byNode('admin1').baseUrl],
      ['org.opencastproject.workflow', byNode('admin1').baseUrl],
      ['org.opencastproject.distribution.download', byNode('engage1').baseUrl],
      ['org.opencastproject.ingest', byNode('ingest1').baseUrl],
    ]);
    t.advance(31 * MIN);
    expect(t.cluster.jobs.filter((j) => j.status === 'RUNNING')).toHaveLength(1);
  });

  it('refuses jobs on a monitoring node and a worker of this cluster among the others', () => {
    expect(() => parseScenario({ cluster: 'c', start: '2025-09-08T04:00:00Z', others: [{ hostname: 'admin1', layer: 'admin' }, { hostname: 'm', layer: 'monitoring', runningJobs: 1 }] })).toThrow(/others\[1\]\.runningJobs/);
    expect(() => parseScenario({ cluster: 'c', start: '2025-09-08T04:00:00Z', others: [{ hostname: 'admin1', layer: 'admin' }, { hostname: 'w', layer: 'worker' }] })).toThrow(/others\[1\]\.layer/);
  });
});

describe('stale rows and shared base_urls', () => {
  it('lists stale rows of terminated instances, offline by default, and lets maintenance be set on them', () => {
    const t = buildCluster({ opencast: { staleHosts: [{ baseUrl: 'http://ip-10-0-9-9.ec2.internal' }, { baseUrl: 'http://crashed:8080', online: true, maxLoad: 8 }] } });
    const rows = t.cluster.hosts.filter((h) => !h.nodeName);
    expect(rows.map((h) => [h.baseUrl, h.online, h.maxLoad])).toEqual([
      ['http://ip-10-0-9-9.ec2.internal', false, 36],
      ['http://crashed:8080', true, 8],
    ]);
    expect(t.cluster.setMaintenance('http://crashed:8080', true)).toBe(true);
    expect(rows[1]!.maintenance).toBe(true);
  });

  it('every node at localhost is one host row; the last node to register holds it, and one shutdown takes it offline', () => {
    const t = buildCluster({
      others: [{ hostname: 'admin1', layer: 'admin', baseUrl: 'localhost' }],
      workers: [online('worker1', { baseUrl: 'localhost', runningJobs: 1 }), online('worker2', { baseUrl: 'localhost' })],
    });
    expect(t.cluster.hosts.map((h) => [h.baseUrl, h.nodeName, h.online])).toEqual([['http://localhost:8080', 'worker2', true]]);
    t.cluster.stopInstance(t.instance('worker2').opsworksId);
    // unregisterHost by base_url: the shared row goes offline for worker1 too, and its job restarts.
    expect(t.cluster.hosts[0]!.online).toBe(false);
    expect(t.cluster.jobs[0]!.status).toBe('RESTART');
  });

  it('a two-worker ec2 world may give both one Name tag; other forms that would share a URL are still refused', () => {
    const t = buildCluster({ provider: 'ec2', workers: [online('worker1', { runningJobs: 1 }), online('worker1')] });
    const both = t.cluster.instances.filter((i) => i.hostname === 'worker1');
    expect(both).toHaveLength(2);
    expect(new Set(both.map((i) => i.ec2Id)).size).toBe(2);
    expect(both.map((i) => i.tags.Name)).toEqual(['worker1', 'worker1']);
    expect(t.cluster.runData().workers.map((w) => w.runningJobs)).toEqual([1, 0]);
    expect(() => buildCluster({ workers: [online('worker1'), online('worker1')] })).toThrow(/only an ec2 world/);
    expect(() => buildCluster({ provider: 'ec2', workers: [online('worker1', { baseUrl: 'name-port' }), online('worker1', { baseUrl: 'name-port' })] })).toThrow(/register both as one host/);
  });

  it('a node outside the cluster tag is registered and takes work, but is not this cluster\'s worker', () => {
    const t = buildCluster({
      provider: 'ec2',
      others: [{ hostname: 'admin1', layer: 'admin' }, { hostname: 'other-worker', layer: 'worker', cluster: 'another', instanceType: 'c5.9xlarge' }],
      queue: { queued: 2 },
    });
    const other = t.instance('other-worker');
    expect(other.tags['opencast:cluster']).toBe('another');
    expect(t.cluster.hosts.find((h) => h.nodeName === 'other-worker')?.online).toBe(true);
    t.advance(MIN);
    expect(t.cluster.jobs.every((j) => j.processingHost === other.baseUrl)).toBe(true);
    expect(t.cluster.runData().workers).toEqual([]);
  });
});

describe('faults of the registry', () => {
  it('host-moved: the old row goes offline with its jobs restarted, the node registers under another URL, then moves back to its old row', () => {
    const t = buildCluster({ workers: [online('worker1', { runningJobs: 1 })], faults: [{ at: '+10m', kind: 'host-moved', forMinutes: 30, target: 'worker1' }] });
    const home = `http://${t.instance('worker1').privateDns}`;
    t.cluster.setMaintenance(home, true);
    t.advance(10 * MIN);
    expect(t.cluster.hosts.find((h) => h.baseUrl === home)?.online).toBe(false);
    expect(t.cluster.jobs[0]!.status).not.toBe('RUNNING');
    // The fault restarted it, not a scale-down: not an interruption the invariants count.
    expect(t.cluster.counters().interruptions).toBe(0);
    t.advance(2 * MIN);
    const moved = `http://${t.instance('worker1').privateIp}:8080`;
    expect(t.cluster.hosts.find((h) => h.baseUrl === moved)).toMatchObject({ online: true, maintenance: false, nodeName: 'worker1' });
    // The old row is still the node's (what a maintenance call on it reaches, for the soak's audit).
    expect(t.cluster.nodeOfRow(home)?.hostname).toBe('worker1');
    t.advance(30 * MIN);
    // registerHost finds the old row: its maintenance flag is back too.
    expect(t.cluster.hosts.find((h) => h.baseUrl === home)).toMatchObject({ online: true, maintenance: true });
    expect(t.cluster.hosts.find((h) => h.baseUrl === moved)?.online).toBe(false);
  });

  it('capture-missed: a capture in the window never arrives and its event stays SCHEDULED after its end', () => {
    const t = buildCluster({
      trace: { generator: { name: 'lecture-week', rooms: 3, seed: 4, utcOffsetMinutes: 0 } },
      faults: [{ at: '+0m', kind: 'capture-missed', forMinutes: 24 * 60 }],
    });
    t.advance(12 * HOUR);
    const events = t.cluster.scheduledEvents(START, START + 12 * HOUR);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.missed && e.ingestedAt === undefined)).toBe(true);
    expect(events.map((e) => statusOf(e, t.cluster.now())).every((s) => s === 'EVENTS.EVENTS.STATUS.SCHEDULED')).toBe(true);
    expect(t.cluster.counters().jobsCreated).toBe(0);
  });

  it('password-rotated: Opencast\'s password and the secret\'s current version change at the same instant', () => {
    const t = buildCluster({ opencast: { password: 'old' }, faults: [{ at: '+30m', kind: 'password-rotated', forMinutes: 1 }] });
    const secrets = new SimSecrets('us-east-1');
    const arn = secrets.put('s', 'old', START);
    secrets.rotate(arn, rotatedPassword('old', 1), START + 30 * MIN);
    const read = () => secretsManagerOperations(secrets).GetSecretValue!(t.cluster, { SecretId: arn }) as { SecretString: string };
    expect([t.cluster.opencast.password, read().SecretString]).toEqual(['old', 'old']);
    t.advance(30 * MIN);
    expect([t.cluster.opencast.password, read().SecretString]).toEqual(['old-rotated-1', 'old-rotated-1']);
  });
});
