/** Builds ClusterViews for rule tests from short worker descriptions. */
import { buildClusterView } from '../../core/cluster';
import type { ClusterView, FleetInstance, OpencastObservation } from '../../core/types';
import { opsworksInstanceState } from '../../adapters/aws/opsworks-fleet';

export const NOW = new Date('2026-11-23T12:00:00Z');

export interface WorkerSpec {
  hostname: string;
  status?: string;
  type?: string;
  hasEc2?: boolean;
  uptimeMinutes?: number;
  running?: number;
  maintenance?: boolean;
  registered?: boolean;
  tags?: Record<string, string>;
}

export function instanceOf(spec: WorkerSpec, i: number): FleetInstance {
  const status = spec.status ?? 'online';
  const hasEc2 = spec.hasEc2 ?? status !== 'stopped';
  return {
    id: `ow-${spec.hostname}`,
    hostname: spec.hostname,
    // OpsWorks-shaped: its status words, translated as the OpsWorks adapter translates them.
    status,
    state: opsworksInstanceState(status),
    provider: 'opsworks',
    ...(hasEc2 ? { ec2Id: `i-${String(i).padStart(8, '0')}` } : {}),
    instanceType: spec.type ?? 'c5.xlarge',
    privateDns: `${spec.hostname}.internal`,
    layerNames: ['Workers'],
    layerIds: ['layer-workers'],
    ...(spec.uptimeMinutes !== undefined
      ? { launchTime: new Date(NOW.getTime() - spec.uptimeMinutes * 60_000).toISOString() }
      : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
  };
}

export function viewOf(
  specs: WorkerSpec[],
  options: { opencastUp?: boolean; queued?: number; queuedHighLoad?: number; protectedHostnames?: string[] } = {},
): ClusterView {
  const admin: FleetInstance = {
    id: 'ow-admin1',
    hostname: 'admin1',
    status: 'online',
    state: 'running',
    provider: 'opsworks',
    ec2Id: 'i-admin',
    instanceType: 'm5.xlarge',
    privateDns: 'admin1.internal',
    publicDns: 'admin1.example.org',
    layerNames: ['Admin'],
    layerIds: ['layer-admin'],
  };
  const instances = [admin, ...specs.map(instanceOf)];
  const opencast: OpencastObservation =
    options.opencastUp === false
      ? { up: false, error: 'connect ECONNREFUSED' }
      : {
          up: true,
          hosts: specs
            .filter((s) => (s.registered ?? (s.status ?? 'online') === 'online'))
            .map((s) => ({ baseUrl: `http://${s.hostname}.internal`, online: true, active: true, maintenance: Boolean(s.maintenance) })),
          runningByHost: Object.fromEntries(specs.filter((s) => s.running).map((s) => [`http://${s.hostname}.internal`, s.running ?? 0])),
          queue: { queued: options.queued ?? 0, queuedHighLoad: options.queuedHighLoad ?? 0 },
          running: specs.reduce((sum, s) => sum + (s.running ?? 0), 0),
        };
  return buildClusterView({
    cluster: { name: 'test-cluster', id: 'stack-1' },
    layers: [
      { id: 'layer-workers', name: 'Workers' },
      { id: 'layer-admin', name: 'Admin' },
    ],
    instances,
    opencast,
    now: NOW,
    protectedHostnames: options.protectedHostnames ?? [],
    protectTag: { key: 'opencast:protected', value: 'true' },
  });
}
