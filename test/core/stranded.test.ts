import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../core/cluster';
import { strandedSharedRows } from '../../core/stranded';
import type { FleetInstance, OpencastHost } from '../../core/types';
import { NOW } from '../helpers/views';

/** Two EC2 instances named worker1, both running (the second one booting, no row of its own yet). */
const twin = (n: number, extra: Partial<FleetInstance> = {}): FleetInstance => ({
  id: `i-${n}`,
  hostname: 'worker1',
  status: 'running',
  state: 'running',
  provider: 'ec2',
  ec2Id: `i-${n}`,
  privateDns: `ip-10-0-0-${n}.ec2.internal`,
  privateIp: `10.0.0.${n}`,
  layerNames: ['worker'],
  layerIds: ['worker'],
  role: 'worker',
  launchTime: new Date(NOW.getTime() - 60 * 60_000).toISOString(),
  ...extra,
});
const ROW = 'http://worker1:8080';
const row = (extra: Partial<OpencastHost> = {}): OpencastHost => ({ baseUrl: ROW, address: '10.0.0.1', online: true, active: true, maintenance: true, ...extra });

function view(instances: FleetInstance[], hosts: OpencastHost[], protectedHostnames: string[] = []) {
  return buildClusterView({
    cluster: { name: 'c', id: 's' },
    layers: [],
    instances,
    opencast: { up: true, hosts, runningByHost: {}, queue: { queued: 0, queuedHighLoad: 0 }, running: 0 },
    now: NOW,
    protectedHostnames,
  });
}

describe('strandedSharedRows', () => {
  it('releases a row two running twins claim equally once neither has a boot or drain under way', () => {
    const v = view([twin(1), twin(2)], [row()]);
    expect(v.hostMatch?.ambiguous).toEqual([ROW]);
    expect(strandedSharedRows(v, new Set()).map((r) => [r.baseUrl, r.workers.map((w) => w.id)])).toEqual([[ROW, ['i-1', 'i-2']]]);
  });

  it('leaves it while a workflow acts on either twin, a twin is protected or not online, or the row is not in maintenance', () => {
    expect(strandedSharedRows(view([twin(1), twin(2)], [row()]), new Set(['worker1']))).toEqual([]);
    expect(strandedSharedRows(view([twin(1), twin(2)], [row()], ['worker1']), new Set())).toEqual([]);
    expect(strandedSharedRows(view([twin(1), twin(2)], [row({ maintenance: false })]), new Set())).toEqual([]);
    expect(strandedSharedRows(view([twin(1), twin(2)], [row({ online: false })]), new Set())).toEqual([]);
    expect(strandedSharedRows(view([twin(1), twin(2, { status: 'stopping', state: 'stopping' })], [row()]), new Set())).toEqual([]);
  });

  it('leaves rows no instance claims (every node at localhost: the row may be a node outside the workers)', () => {
    const v = view([twin(1), twin(2, { hostname: 'worker2' })], [row({ baseUrl: 'http://localhost:8080', address: '127.0.0.1' })]);
    expect(v.hostMatch?.unclaimed).toEqual(['http://localhost:8080']);
    expect(strandedSharedRows(v, new Set())).toEqual([]);
  });
});
