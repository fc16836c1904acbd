/**
 * A cluster rebuilt from its scenario and its journal of changes is the cluster
 * that was left: same instances, hosts, jobs, timeline and bill at the same
 * virtual time (the model is deterministic), so a simulated cluster can persist
 * between commands as a small file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sim/model/clock';
import { HandOverClock, recordActions, replayActions, SimActionSchema, type SimAction } from '../../../sim/model/journal';
import { createSimCluster } from '../../../sim/model/create';
import { parseScenario } from '../../../sim/model/scenario';

const MIN = 60_000;
const scenario = parseScenario(JSON.parse(readFileSync(fileURLToPath(new URL('../../../scenarios/lecture-week.json', import.meta.url)), 'utf8')));
const START = Date.parse(scenario.start);

describe('journal of a simulated cluster', () => {
  it('rebuilds the same cluster from the scenario and the recorded changes', () => {
    const clock = new ManualClock(START);
    const cluster = createSimCluster(scenario, clock);
    const journal: SimAction[] = [];
    recordActions(cluster, journal);
    const worker = (name: string) => cluster.instances.find((i) => i.hostname === name)!;

    clock.set(START + 10 * 60 * MIN);
    cluster.startInstance(worker('worker10').opsworksId);
    cluster.startInstance(worker('worker11').opsworksId);
    clock.set(START + 10.5 * 60 * MIN);
    expect(() => cluster.startInstance(worker('worker10').opsworksId)).toThrow(/only a stopped instance/);
    const online = cluster.hosts.find((h) => h.online && h.nodeName?.startsWith('worker'))!;
    cluster.setMaintenance(online.baseUrl, true);
    clock.set(START + 11 * 60 * MIN);
    cluster.stopInstance(cluster.instances.find((i) => i.hostname === online.nodeName)!.opsworksId);
    cluster.setMaintenance(online.baseUrl, false);
    clock.set(START + 14 * 60 * MIN);
    const left = cluster.runData();

    // What a kept cluster's file holds, through JSON and its schema.
    const saved = JSON.parse(JSON.stringify(journal)).map((a: unknown) => SimActionSchema.parse(a));
    expect(saved.map((a: SimAction) => a.op)).toEqual(['startInstance', 'startInstance', 'startInstance', 'setMaintenance', 'stopInstance', 'setMaintenance']);

    const manual = new ManualClock(START);
    const handOver = new HandOverClock(manual);
    const rebuilt = createSimCluster(scenario, handOver);
    replayActions(rebuilt, manual, saved, START + 14 * 60 * MIN);
    expect(rebuilt.runData()).toEqual(left);
    expect(rebuilt.instances).toEqual(cluster.instances);
    expect(rebuilt.hosts).toEqual(cluster.hosts);

    // Then it follows the next command's clock from there.
    const next = new ManualClock(START + 14 * 60 * MIN);
    handOver.source = next;
    next.set(START + 20 * 60 * MIN);
    clock.set(START + 20 * 60 * MIN);
    expect(rebuilt.runData()).toEqual(cluster.runData());
  });

  it('refuses a journal entry that is not a change it knows', () => {
    expect(SimActionSchema.safeParse({ at: 1, op: 'terminateInstance', id: 'x' }).success).toBe(false);
    expect(SimActionSchema.safeParse({ at: 1, op: 'setMaintenance', id: 'http://x' }).success).toBe(false);
  });
});
