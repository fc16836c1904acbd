import { afterEach, describe, expect, it } from 'vitest';
import { modelPorts } from '../../bench/evaluator/model-ports';
import { scenarioEnv } from '../../wiring/sim-runtime';
import { loadScenario } from '../../bench/matrix';
import { runtimeOnCluster } from '../../wiring/sim-runtime';
import type { Runtime } from '../../wiring/runtime';
import { resolveSettings } from '../../core/settings';
import { observeCluster, observeSchedule } from '../../scaler/observe';
import { ManualClock } from '../../sim/model/clock';
import { createSimCluster } from '../../sim/model/create';

const opened: Runtime[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.close();
});

/** The same cluster seen through the real clients on the simulated wire and through the in-process ports. */
function bothWays(file: string) {
  const scenario = loadScenario(file);
  const settings = resolveSettings({}, scenarioEnv(scenario));
  const clock = new ManualClock(Date.parse(scenario.start));
  const cluster = createSimCluster(scenario, clock);
  const wire = runtimeOnCluster(cluster, settings, clock);
  opened.push(wire);
  const fast = modelPorts(cluster, { provider: settings.provider });
  const observeWith = (fleet: Runtime['fleet'], opencastAt: Runtime['opencastAt']) =>
    observeCluster({ fleet, opencastAt, now: () => new Date(clock.now()), settings, cache: {} });
  return {
    cluster,
    clock,
    wire,
    fast,
    viaWire: () => observeWith(wire.fleet, wire.opencastAt),
    inProcess: () => observeWith(fast.fleet, () => fast.opencast),
  };
}

describe('model ports', () => {
  it.each(['scenarios/small-quiet.json', 'scenarios/small-quiet-ec2.json', 'scenarios/lecture-week.json'])(
    'give the observation the real clients build from the wire, through starts, jobs and maintenance (%s)',
    async (file) => {
      const w = bothWays(file);
      const moments = [0, 3 * 60_000, 9 * 60_000, 11 * 3_600_000];
      for (const [k, at] of moments.entries()) {
        w.clock.set(Date.parse(loadScenario(file).start) + at);
        if (k === 1) {
          const stopped = (await w.fast.fleet.listInstances({ name: '', id: '' })).find((i) => i.hostname.startsWith('worker') && i.status === 'stopped');
          await w.fast.fleet.startInstance(stopped!.id);
        }
        if (k === 2) {
          const host = w.cluster.hosts.find((h) => h.baseUrl.includes('ip-10-0-0'))!;
          await w.fast.opencast.setMaintenance(host.baseUrl, true);
        }
        const [wire, fast] = [await w.viaWire(), await w.inProcess()];
        expect(fast.view).toEqual(wire.view);
        expect(fast.jobs).toEqual(wire.jobs);
      }
    },
  );

  it('read the schedule the External API serves on the wire', async () => {
    const w = bothWays('scenarios/lecture-week.json');
    const window = { backMinutes: 240, aheadMinutes: 120 };
    w.clock.set(Date.parse(loadScenario('scenarios/lecture-week.json').start) + 14 * 3_600_000);
    const [wire, fast] = [await w.viaWire(), await w.inProcess()];

    const viaWire = await observeSchedule(wire, new Date(w.clock.now()), window);
    const inProcess = await observeSchedule(fast, new Date(w.clock.now()), window);

    expect(inProcess).toEqual(viaWire);
    expect(viaWire.up && viaWire.events.length).toBeGreaterThan(20);
    expect(viaWire.up && new Set(viaWire.events.map((e) => e.status))).toEqual(
      new Set(['EVENTS.EVENTS.STATUS.PROCESSED', 'EVENTS.EVENTS.STATUS.PROCESSING', 'EVENTS.EVENTS.STATUS.RECORDING', 'EVENTS.EVENTS.STATUS.SCHEDULED']),
    );
  });

  it('answer CloudWatch averages as GetMetricData does on the simulated wire', async () => {
    const w = bothWays('scenarios/small-quiet.json');
    w.clock.set(Date.parse(loadScenario('scenarios/small-quiet.json').start) + 20 * 60_000);
    const { view } = await w.inProcess();
    const layer = view.layers.find((l) => l.name === 'Workers')!;
    const monitoring = view.instances.find((i) => i.hostname.startsWith('monitoring'))!;
    const queries = [
      { namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'LayerId' as const, value: layer.id }, periodSeconds: 60, start: new Date(w.clock.now() - 5 * 60_000 - 17_000), end: new Date(w.clock.now()) },
      { namespace: 'AWS/OpsworksCustom', metric: 'OpencastJobsQueued', dimension: { name: 'InstanceId' as const, value: monitoring.ec2Id! }, periodSeconds: 120, start: new Date(w.clock.now() - 10 * 60_000), end: new Date(w.clock.now()) },
    ];

    const [wire, fast] = [await w.wire.metrics.getAverages(queries), await w.fast.metrics.getAverages(queries)];

    expect(fast).toEqual(wire);
    expect(fast[0]).toMatchObject({ datapoints: expect.arrayContaining([expect.objectContaining({ value: expect.any(Number) })]) });
  });

  it('hold datapoints back for the stated CloudWatch delay', async () => {
    const scenario = loadScenario('scenarios/small-quiet.json');
    const clock = new ManualClock(Date.parse(scenario.start) + 10 * 60_000);
    const cluster = createSimCluster(scenario, clock);
    const layer = cluster.layers.find((l) => l.name === 'Workers')!;
    const query = { namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'LayerId' as const, value: layer.id }, periodSeconds: 60, start: new Date(clock.now() - 5 * 60_000), end: new Date(clock.now() + 1) };

    const [prompt] = await modelPorts(cluster, { provider: 'opsworks' }).metrics.getAverages([query]);
    const [late] = await modelPorts(cluster, { provider: 'opsworks', metricDelayMs: 120_000 }).metrics.getAverages([query]);

    const times = (a: typeof prompt) => ('datapoints' in a! ? a.datapoints.map((d) => d.timestamp) : []);
    expect(times(late)).toEqual(times(prompt).filter((t) => Date.parse(t) <= clock.now() - 120_000));
    expect(times(late).length).toBe(times(prompt).length - 2);
  });
});
