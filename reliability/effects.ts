/**
 * Records every start, stop and maintenance call the simulated cluster accepts,
 * whoever made it, with the cluster as it was the instant before: the ground
 * truth the audit and safety invariants are checked against. It wraps the
 * model's mutators, which every wire router (OpsWorks, EC2, Opencast) calls.
 */
import type { SimCluster } from '../sim/model/cluster';
import type { EffectRecord } from './invariants';

export function recordEffects(cluster: SimCluster, onEffect: (effect: EffectRecord) => void): void {
  let seq = 0;
  const before = (hostname: string) => {
    const workers = cluster.runData().workers;
    const self = workers.find((w) => w.hostname === hostname);
    return {
      status: self?.status,
      serving: self?.hostOnline ?? false,
      runningJobs: self?.runningJobs ?? 0,
      otherOnline: workers.filter((w) => w.hostname !== hostname && w.status === 'online').length,
    };
  };
  const hostOf = (match: (i: SimCluster['instances'][number]) => boolean) => cluster.instances.find(match)?.hostname ?? '(unknown)';
  const emit = (op: EffectRecord['op'], hostname: string, facts: ReturnType<typeof before>, changed: boolean) =>
    onEffect({ seq: ++seq, op, hostname, at: cluster.now(), changed, runningJobs: facts.runningJobs, otherOnline: facts.otherOnline, serving: facts.serving });

  const wrapStop = (original: (id: string) => void, byId: (id: string) => string) => (id: string) => {
    const hostname = byId(id);
    const facts = before(hostname);
    original.call(cluster, id);
    emit('stop', hostname, facts, facts.status !== 'stopped' && facts.status !== 'stopping');
  };
  const wrapStart = (original: (id: string) => void, byId: (id: string) => string) => (id: string) => {
    const hostname = byId(id);
    const facts = before(hostname);
    original.call(cluster, id);
    emit('start', hostname, facts, facts.status === 'stopped' || facts.status === 'start_failed');
  };
  const byOpsworks = (id: string) => hostOf((i) => i.opsworksId === id);
  const byEc2 = (id: string) => hostOf((i) => i.ec2Id === id);
  const proto = Object.getPrototypeOf(cluster) as SimCluster;
  cluster.startInstance = wrapStart(proto.startInstance, byOpsworks);
  cluster.stopInstance = wrapStop(proto.stopInstance, byOpsworks);
  cluster.startEc2Instance = wrapStart(proto.startEc2Instance, byEc2);
  cluster.stopEc2Instance = wrapStop(proto.stopEc2Instance, byEc2);
  cluster.setMaintenance = (baseUrl: string, on: boolean) => {
    const hostname = hostOf((i) => i.baseUrl === baseUrl);
    const facts = before(hostname);
    const wasOn = cluster.runData().workers.find((w) => w.hostname === hostname)?.maintenance;
    const found = proto.setMaintenance.call(cluster, baseUrl, on);
    if (found) emit(on ? 'maintenance-on' : 'maintenance-off', hostname, facts, wasOn !== on);
    return found;
  };
}
