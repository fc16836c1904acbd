/**
 * Records every start, stop and maintenance call the simulated cluster accepts,
 * whoever made it, with the cluster as it was the instant before: the ground
 * truth the audit and safety invariants are checked against. It wraps the
 * model's mutators, which every wire router (OpsWorks, EC2, Opencast) calls.
 * Facts are taken by instance (two instances may share a Name tag).
 */
import type { SimCluster } from '../sim/model/cluster';
import type { EffectRecord } from './invariants';

export function recordEffects(cluster: SimCluster, onEffect: (effect: EffectRecord) => void): void {
  let seq = 0;
  const before = (instanceId: string | undefined) => {
    const workers = cluster.runData().workers;
    const self = workers.find((w) => w.opsworksId === instanceId);
    // What Opencast lists: RUNNING jobs on the host row this instance registered (shared rows included).
    const listedJobs =
      self?.registered === true ? (cluster.activeJobs?.() ?? cluster.jobs).filter((j) => j.status === 'RUNNING' && j.processingHost === self.baseUrl).length : 0;
    return {
      status: self?.status,
      serving: self?.hostOnline ?? false,
      runningJobs: self?.runningJobs ?? 0,
      listedJobs,
      otherOnline: workers.filter((w) => w.opsworksId !== instanceId && w.status === 'online').length,
    };
  };
  const find = (match: (i: SimCluster['instances'][number]) => boolean) => cluster.instances.find(match);
  const emit = (op: EffectRecord['op'], instance: ReturnType<typeof find>, facts: ReturnType<typeof before>, changed: boolean) =>
    onEffect({
      seq: ++seq,
      op,
      hostname: instance?.hostname ?? '(unknown)',
      at: cluster.now(),
      changed,
      runningJobs: facts.runningJobs,
      otherOnline: facts.otherOnline,
      serving: facts.serving,
      ...(instance ? { instanceId: instance.opsworksId } : {}),
      listedJobs: facts.listedJobs,
    });

  const wrapStop = (original: (id: string) => void, byId: (id: string) => ReturnType<typeof find>) => (id: string) => {
    const instance = byId(id);
    const facts = before(instance?.opsworksId);
    original.call(cluster, id);
    emit('stop', instance, facts, facts.status !== 'stopped' && facts.status !== 'stopping');
  };
  const wrapStart = (original: (id: string) => void, byId: (id: string) => ReturnType<typeof find>) => (id: string) => {
    const instance = byId(id);
    const facts = before(instance?.opsworksId);
    original.call(cluster, id);
    emit('start', instance, facts, facts.status === 'stopped' || facts.status === 'start_failed');
  };
  const byOpsworks = (id: string) => find((i) => i.opsworksId === id);
  const byEc2 = (id: string) => find((i) => i.ec2Id === id);
  const proto = Object.getPrototypeOf(cluster) as SimCluster;
  cluster.startInstance = wrapStart(proto.startInstance, byOpsworks);
  cluster.stopInstance = wrapStop(proto.stopInstance, byOpsworks);
  cluster.startEc2Instance = wrapStart(proto.startEc2Instance, byEc2);
  cluster.stopEc2Instance = wrapStop(proto.stopEc2Instance, byEc2);
  cluster.setMaintenance = (baseUrl: string, on: boolean) => {
    // The worker whose Opencast holds that row now (the last to register it).
    const holder = cluster.runData().workers.find((w) => w.registered && w.baseUrl === baseUrl);
    // Else the node that registered the row before it moved away (host-moved): the call still names it.
    const instance = holder ? byOpsworks(holder.opsworksId) : (cluster.nodeOfRow(baseUrl) ?? find((i) => i.baseUrl === baseUrl));
    const facts = before(instance?.opsworksId);
    const wasOn = holder?.maintenance ?? cluster.hosts.find((h) => h.baseUrl === baseUrl)?.maintenance;
    const found = proto.setMaintenance.call(cluster, baseUrl, on);
    if (found) emit(on ? 'maintenance-on' : 'maintenance-off', instance, facts, wasOn !== on);
    return found;
  };
}
