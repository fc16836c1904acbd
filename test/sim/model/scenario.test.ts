import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, exitCodeFor } from '../../../core/errors';
import { ManualClock } from '../../../sim/model/clock';
import { loadScenarioFile, parseScenario, resolveAt, scenarioEnd, scenarioJsonSchemaText, scenarioTimeZone } from '../../../sim/model/scenario';
import { createSimCluster, scenarioTrace } from '../../../sim/model/create';
import { computeStats } from '../../../sim/model/stats';
import { HOUR, MIN, START } from './helpers';

const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const minimal = { cluster: 'c', start: '2025-09-08T04:00:00Z' };

/** The ConfigError parseScenario throws for `input`. */
function errorFor(input: unknown): ConfigError {
  try {
    parseScenario(input, 'test.json');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('scenario schema file', () => {
  it('is the JSON Schema generated from the zod schema (run `npx tsx sim/model/write-schema.ts` when this fails)', () => {
    expect(readFileSync(join(SCENARIOS, 'scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchemaText());
  });
});

describe('shipped scenarios', () => {
  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');

  it('include the four named ones', () => {
    expect(files).toEqual(expect.arrayContaining(['small-quiet.json', 'lecture-week.json', 'exam-spike.json', 'fault-day.json']));
  });

  it.each(files)('%s validates and builds a cluster', async (file) => {
    const scenario = await loadScenarioFile(join(SCENARIOS, file));
    const cluster = createSimCluster(scenario);

    expect(cluster.instances.filter((i) => i.layerIds.includes(cluster.layers.find((l) => l.name === 'Workers')!.id)).length).toBeGreaterThan(0);
    expect(cluster.hosts.some((h) => h.nodeName === 'admin1')).toBe(true);
    expect(scenarioEnd(scenario)).toBeGreaterThan(Date.parse(scenario.start));
  });

  it('lecture-week has 50 workers, 150 rooms and 7 days', async () => {
    const scenario = await loadScenarioFile(join(SCENARIOS, 'lecture-week.json'));
    const cluster = createSimCluster(scenario);

    expect(cluster.instances.filter((i) => i.hostname.startsWith('worker'))).toHaveLength(50);
    expect(scenario.trace.generator).toMatchObject({ name: 'lecture-week', rooms: 150 });
    expect(scenarioEnd(scenario) - Date.parse(scenario.start)).toBe(7 * 24 * HOUR);
  });
});

describe('parseScenario', () => {
  it.each(['exam-spike', 'fault-day', 'lecture-week', 'small-quiet'])('keeps %s an OpsWorks world by saying so', (name) => {
    const raw = JSON.parse(readFileSync(join(SCENARIOS, `${name}.json`), 'utf8')) as { provider?: string };
    expect(raw.provider).toBe('opsworks');
  });

  it('takes an IANA time zone, refuses a name it does not know, and otherwise derives one from the trace or uses UTC', () => {
    const base = { cluster: 'c', start: '2025-09-08T04:00:00Z' };
    expect(scenarioTimeZone(parseScenario({ ...base, timeZone: 'America/New_York' }))).toBe('America/New_York');
    expect(() => parseScenario({ ...base, timeZone: 'US/Eastern Standard' })).toThrow(/timeZone: expected an IANA time zone name/);
    expect(scenarioTimeZone(parseScenario({ ...base, trace: { generator: { name: 'quiet-week', utcOffsetMinutes: -240 } } }))).toBe('Etc/GMT+4');
    expect(scenarioTimeZone(parseScenario({ ...base, trace: { generator: { name: 'quiet-week', utcOffsetMinutes: 330 } } }))).toBe('UTC');
    expect(scenarioTimeZone(parseScenario(base))).toBe('UTC');
  });

  it('fills the documented defaults: a 2026 world of plain EC2 billed per second', () => {
    const s = parseScenario(minimal);

    expect(s).toMatchObject({
      billing: 'per-second',
      provider: 'ec2',
      region: 'us-east-1',
      workers: [],
      others: [{ hostname: 'admin1', layer: 'admin', instanceType: 'm5.xlarge' }],
      queue: { queued: 0, queuedHighLoad: 0 },
      opencast: { version: '15.0', user: 'opencast_system_account', password: 'CHANGE_ME', queuedJobCountEndpoint: false },
      metrics: [],
      trace: { jobs: [] },
      faults: [],
    });
    expect(parseScenario({ ...minimal, opencast: { version: '1.6' } }).opencast.user).toBe('matterhorn_system_account');
  });

  it.each([
    [{ ...minimal, billing: 'monthly' }, 'billing'],
    [{ ...minimal, start: 'Monday' }, 'start'],
    [{ ...minimal, workres: [] }, 'workres'],
    [{ ...minimal, workers: [{ hostname: 'worker1' }, { hostname: 'worker2', instanceType: 'huge' }] }, 'workers[1].instanceType'],
    [{ ...minimal, workers: [{ hostname: 'worker1', state: 'runing' }] }, 'workers[0].state'],
    [{ ...minimal, workers: [{ hostname: 'worker1', state: 'stopped', runningJobs: 2 }] }, 'workers[0].runningJobs'],
    [{ ...minimal, workers: [{ hostname: 'worker1', state: 'stopped', maintenance: true }] }, 'workers[0].maintenance'],
    [{ ...minimal, provider: 'opsworks', workers: [{ hostname: 'worker1' }, { hostname: 'worker1' }] }, 'workers[1].hostname'],
    [{ ...minimal, workers: [{ hostname: 'worker1' }], others: [{ hostname: 'admin1', layer: 'admin' }, { hostname: 'worker1', layer: 'engage' }] }, 'workers[0].hostname'],
    [{ ...minimal, workers: [{ hostname: 'worker', count: 3 }] }, 'workers[0].hostname'],
    [{ ...minimal, others: [{ hostname: 'engage1', layer: 'engage' }] }, 'others'],
    [{ ...minimal, queue: { queued: 1, queuedHighLoad: 2 } }, 'queue.queuedHighLoad'],
    [{ ...minimal, faults: [{ at: 'soon', kind: 'opencast-down', forMinutes: 5 }] }, 'faults[0].at'],
    [{ ...minimal, faults: [{ at: '+1h', kind: 'meteor', forMinutes: 5 }] }, 'faults[0].kind'],
    [{ ...minimal, faults: [{ at: '+1h', kind: 'opencast-down' }] }, 'faults[0].forMinutes'],
    [{ ...minimal, trace: { generator: { name: 'lecture-month' } } }, 'trace.generator.name'],
    [{ ...minimal, trace: { generator: { name: 'lecture-week', rooms: 0 } } }, 'trace.generator.rooms'],
    [{ ...minimal, trace: { jobs: [{ at: '+1m' }] } }, 'trace.jobs[0].durationMinutes'],
    [{ ...minimal, others: [{ hostname: 'admin1', layer: 'Adminx' }] }, 'others[0].layer'],
    [{ ...minimal, workers: [{ hostname: 'worker1', baseUrl: 'worker1:8080' }] }, 'workers[0].baseUrl'],
    [{ ...minimal, workers: [{ hostname: 'worker1', baseUrl: 'http://shared:8080' }, { hostname: 'worker2', baseUrl: 'http://shared:8080' }] }, 'workers[1].baseUrl'],
    [{ ...minimal, workers: [{ hostname: 'Worker 1', baseUrl: 'fqdn' }, { hostname: 'worker-1', baseUrl: 'fqdn' }] }, 'workers[1].baseUrl'],
    [
      {
        ...minimal,
        metrics: [{ namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'InstanceId', hostname: 'ghost' }, datapoints: [{ at: '-1m', value: 1 }] }],
      },
      'metrics[0].dimension.hostname',
    ],
  ])('names the bad field (%#: %s)', (input, field) => {
    const error = errorFor(input);

    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    expect(error.message).toContain('test.json');
    expect(exitCodeFor(error)).toBe(2);
  });
});

describe('loadScenarioFile', () => {
  it('reports a file that is not JSON as a ConfigError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{ "cluster": ');

    await expect(loadScenarioFile(path)).rejects.toThrow(ConfigError);
    await expect(loadScenarioFile(path)).rejects.toThrow(`scenario ${path}: not valid JSON at line 1, column 14: expected a value, found the end of the text`);
  });

  it('says why a scenario cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    await expect(loadScenarioFile(join(dir, 'nope.json'))).rejects.toThrow(`scenario ${join(dir, 'nope.json')}: no such file`);
    await expect(loadScenarioFile(dir)).rejects.toThrow(`scenario ${dir}: is a directory, not a file`);
  });
});

describe('resolveAt', () => {
  it.each([
    ['+10m', START + 10 * MIN],
    ['+2h', START + 2 * HOUR],
    ['+1d', START + 24 * HOUR],
    ['+1d2h30m', START + 26.5 * HOUR],
    ['-5m', START - 5 * MIN],
    ['+90s', START + 90_000],
    ['2025-09-08T05:00:00Z', START + HOUR],
  ])('%s', (at, expected) => {
    expect(resolveAt(at, START)).toBe(expected);
  });
});

describe('createSimCluster', () => {
  it('expands counted workers, starts running jobs and the initial queue', () => {
    const scenario = parseScenario({
      ...minimal,
      workers: [
        { hostname: 'worker{n}', count: 2, state: 'online', runningJobs: 3 },
        { hostname: 'worker{n}', count: 2, from: 3, state: 'stopped' },
      ],
      queue: { queued: 4, queuedHighLoad: 1 },
    });
    const clock = new ManualClock(Date.parse(scenario.start));

    const cluster = createSimCluster(scenario, clock);

    expect(cluster.instances.map((i) => i.hostname)).toEqual(['admin1', 'worker1', 'worker2', 'worker3', 'worker4']);
    const running = cluster.jobs.filter((j) => j.status === 'RUNNING');
    expect(running).toHaveLength(6 + 4);
    clock.advance(16 * MIN);
    expect(cluster.jobs.filter((j) => j.status === 'FINISHED').length).toBeGreaterThanOrEqual(6 + 3);
  });

  it('runs a shipped scenario to its end with the same results every time', async () => {
    const run = async () => {
      const scenario = await loadScenarioFile(join(SCENARIOS, 'small-quiet.json'));
      const clock = new ManualClock(Date.parse(scenario.start));
      const cluster = createSimCluster(scenario, clock);
      clock.set(Date.parse(scenario.start) + 24 * HOUR);
      return computeStats(cluster.runData(), { minWorkers: scenario.minWorkers });
    };

    const [a, b] = [await run(), await run()];

    expect(a).toEqual(b);
    expect(a.jobs.completed).toBeGreaterThan(0);
  });

  it('merges a generator with explicit jobs in one trace', () => {
    const scenario = parseScenario({
      ...minimal,
      trace: { generator: { name: 'quiet-week', rooms: 10, seed: 3 }, jobs: [{ at: '+1h', durationMinutes: 5 }] },
    });

    const trace = scenarioTrace(scenario);

    expect(trace.recordings.some((r) => r.kind === 'explicit')).toBe(true);
    expect(trace.recordings.some((r) => r.kind !== 'explicit')).toBe(true);
  });
});

describe('layer names', () => {
  it('accept any case, as OpsWorks writes them (Admin, Engage, Workers)', () => {
    const s = parseScenario({
      ...minimal,
      others: [
        { hostname: 'admin1', layer: 'Admin' },
        { hostname: 'engage1', layer: 'ENGAGE' },
        { hostname: 'monitoring1', layer: 'Monitoring' },
      ],
      workers: [{ hostname: 'worker1', state: 'online' }],
      metrics: [{ namespace: 'AWS/OpsWorks', metric: 'load_1', dimension: { name: 'LayerId', layer: 'WORKERS' }, datapoints: [{ at: '-1m', value: 3 }] }],
    });
    expect(s.others.map((o) => o.layer)).toEqual(['admin', 'engage', 'monitoring']);
    const cluster = createSimCluster(s);
    const workers = cluster.layers.find((l) => l.name === 'Workers')!;
    expect(cluster.metricSeries('AWS/OpsWorks', 'load_1', { name: 'LayerId', value: workers.id })?.datapoints[0]?.value).toBe(3);
  });
});

describe('Opencast base_url forms', () => {
  it('registers each node under the form it is given, with the address its name resolves to on the node', () => {
    const s = parseScenario({
      ...minimal,
      workers: [
        { hostname: 'worker1', state: 'online' },
        { hostname: 'worker2', state: 'online', baseUrl: 'name-port' },
        { hostname: 'worker3', state: 'online', baseUrl: 'fqdn' },
        { hostname: 'worker4', state: 'online', baseUrl: 'ip-port' },
        { hostname: 'worker5', state: 'online', baseUrl: 'localhost' },
        { hostname: 'worker6', state: 'online', baseUrl: 'https://cdn-6.example.org/oc', baseUrlTag: true },
      ],
    });
    const cluster = createSimCluster(s);
    const byHost = new Map(cluster.instances.map((i) => [i.hostname, i]));
    const ip = (h: string) => byHost.get(h)!.privateIp;
    expect(cluster.hosts.slice(1).map((h) => [h.baseUrl, h.address])).toEqual([
      [`http://${byHost.get('worker1')!.privateDns}`, ip('worker1')],
      ['http://worker2:8080', ip('worker2')],
      ['https://worker3.example.edu', ip('worker3')],
      [`http://${ip('worker4')}:8080`, ip('worker4')],
      ['http://localhost:8080', '127.0.0.1'],
      ['https://cdn-6.example.org/oc', ip('worker6')],
    ]);
    expect(byHost.get('worker6')!.tags['opencast:server-url']).toBe('https://cdn-6.example.org/oc');
    // The maintenance call is keyed by the exact base_url, as Opencast's is.
    expect(cluster.setMaintenance('http://worker2:8080', true)).toBe(true);
    expect(cluster.setMaintenance(`http://${byHost.get('worker2')!.privateDns}`, true)).toBe(false);
  });
});
