/**
 * Bad-input corpus: malformed and hostile autoscale configs, scenario files,
 * workflow inputs, environment values, command-line arguments and Opencast/AWS
 * answers. Each must be refused with an error naming the field, before any
 * start, stop or maintenance call: the recording fakes (CLI) or the recorded
 * calls reaching the simulated cluster (answers, workflows) must stay empty.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivityHandlers } from '../../wiring/activities';
import type { ActivityDeps } from '../../activities/support/deps';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { ConfigError } from '../../core/errors';
import { resolveSettings } from '../../core/settings';
import type { Context } from '../../cli/context';
import { parseScenario } from '../../sim/model/scenario';
import { fakeRuntime, runCli } from '../helpers/cli';
import { FakeFleet, FakeMetrics, FakeOpencast } from '../helpers/fakes';
import { NOW, type WorkerSpec } from '../helpers/views';
import { simWorkflows } from '../workflows/helpers';
import {
  ec2Action,
  editJson,
  HTML_PAGE,
  hostileWorld,
  opencastPath,
  opsworksOperation,
  replaceBody,
  truncate,
  type HostileWorld,
  type Tamper,
} from './hostile-world';

const SECRET = 'hunter2-bad-input-secret';
const ENV = { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'opencast_system_account', MATTERHORN_PASS: SECRET };
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 52 },
  { hostname: 'worker3', status: 'stopped' },
];
const QUEUE = { method: 'queued_jobs', name: 'q', settings: { up_threshold: 5, down_threshold: 1 } };
const GOOD_CONFIG = { strategies: [QUEUE], up_increment: 1, down_increment: 1, pause_cycles: 0 };

/** A CLI run against recording fakes: must exit `code` naming the problem, with nothing started, stopped or switched. */
async function refused(argv: string[], env: Record<string, string | undefined>, message: RegExp, code = 2) {
  const fake = fakeRuntime(SPECS, NOW);
  const run = await runCli(argv, env, fake.runtimeFor);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(code);
  expect(fake.fleet.calls).toEqual([]);
  expect(fake.opencast.calls).toEqual([]);
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  return run;
}

const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });

describe('bad autoscale configs', () => {
  it.each([
    ['not JSON', '{"strategies": [', /--config: not valid JSON/],
    ['an HTML page', HTML_PAGE, /--config: no such file/],
    ['a JSON array', '[1, 2]', /--config: no such file|--config/],
    ['JSON null', 'null', /--config/],
    ['no strategies', '{"up_increment": 1}', /--config: strategies: /],
    ['empty strategies', '{"strategies": []}', /--config: strategies: /],
    ['strategies not a list', '{"strategies": {"method": "queued_jobs"}}', /--config: strategies: /],
    ['unknown method', JSON.stringify({ strategies: [{ ...QUEUE, method: 'magic' }] }), /--config: strategies\[0\]\.method/],
    ['threshold as text', JSON.stringify({ strategies: [{ ...QUEUE, settings: { up_threshold: '5', down_threshold: 1 } }] }), /--config: strategies\[0\]\.settings\.up_threshold/],
    ['threshold missing', JSON.stringify({ strategies: [{ ...QUEUE, settings: { up_threshold: 5 } }] }), /--config: strategies\[0\]\.settings\.down_threshold/],
    ['threshold 1e400 (Infinity)', '{"strategies":[{"method":"queued_jobs","name":"q","settings":{"up_threshold":1e400,"down_threshold":1}}]}', /--config: strategies\[0\]\.settings\.up_threshold/],
    ['huge up_increment', JSON.stringify({ ...GOOD_CONFIG, up_increment: 1e12 }), /--config: up_increment/],
    ['fractional up_increment', JSON.stringify({ ...GOOD_CONFIG, up_increment: 1.5 }), /--config: up_increment/],
    ['negative pause_cycles', JSON.stringify({ ...GOOD_CONFIG, pause_cycles: -1 }), /--config: pause_cycles/],
    ['unknown key (typo)', JSON.stringify({ ...GOOD_CONFIG, pause_cylces: 1 }), /--config: pause_cylces: unknown key; did you mean pause_cycles\?/],
    ['__proto__ key', '{"strategies":[{"method":"queued_jobs","name":"q","settings":{"up_threshold":5,"down_threshold":1}}],"__proto__":{"polluted":true}}', /--config/],
    ['settings deeply nested', JSON.stringify({ strategies: [{ ...QUEUE, settings: deep(500) }] }), /--config: strategies\[0\]\.settings/],
    ['empty name', JSON.stringify({ strategies: [{ ...QUEUE, name: '' }] }), /--config: strategies\[0\]\.name/],
    ['cloudwatch odd period', JSON.stringify({ strategies: [{ method: 'cloudwatch', name: 'c', settings: { metric: 'm', namespace: 'n', up_threshold: 1, sample_period: 7 } }] }), /--config: strategies\[0\]\.settings\.sample_period/],
    ['cloudwatch two dimensions', JSON.stringify({ strategies: [{ method: 'cloudwatch', name: 'c', settings: { metric: 'm', namespace: 'n', up_threshold: 1, layer_name: 'W', instance_name: 'i' } }] }), /--config: strategies\[0\]\.settings/],
  ])('refuses %s, naming the field, before anything happens', async (_name, config, message) => {
    await refused(['--engine', 'direct', 'scale', 'auto', '-c', config], ENV, message);
  });

  it('refuses a config file that is truncated, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-bad-'));
    const file = join(dir, 'autoscale.json');
    writeFileSync(file, JSON.stringify(GOOD_CONFIG).slice(0, 30));
    await refused(['--engine', 'direct', 'scale', 'auto', '-c', file], ENV, new RegExp(`--config file ${file}: not valid JSON`));
  });

  it('refuses a bad AUTOSCALE_CONFIG from the environment, naming the variable and the field', async () => {
    await refused(['--engine', 'direct', 'scale', 'auto'], { ...ENV, AUTOSCALE_CONFIG: JSON.stringify({ ...GOOD_CONFIG, down_increment: 0 }) }, /AUTOSCALE_CONFIG: down_increment/);
  });

  it('names the mutated field whatever is broken in a valid config (generated)', () => {
    // Replace one leaf of a valid config by a value of another type: the error names that leaf (or its object).
    const leaves: Array<[string[], unknown]> = [
      [['up_increment'], 1],
      [['down_increment'], 1],
      [['pause_cycles'], 0],
      [['strategies', '0', 'name'], 'q'],
      [['strategies', '0', 'method'], 'queued_jobs'],
      [['strategies', '0', 'settings', 'up_threshold'], 5],
      [['strategies', '0', 'settings', 'down_threshold'], 1],
    ];
    const wrong = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }), fc.double());
    fc.assert(
      fc.property(fc.constantFrom(...leaves), wrong, ([path, original], value) => {
        // A value of another type than the one the field holds (ranges have their own cases above).
        fc.pre(typeof value !== typeof original || (value === null) !== (original === null));
        const config = structuredClone(GOOD_CONFIG) as Record<string, any>;
        let parent: any = config;
        for (const key of path.slice(0, -1)) parent = parent[key];
        parent[path.at(-1)!] = value;
        let error: unknown;
        try {
          parseAutoscaleConfig(config, 'cfg');
        } catch (e) {
          error = e;
        }
        if (error === undefined) return typeof value === 'string' && path.at(-1) === 'name' && value.length > 0;
        expect(error).toBeInstanceOf(ConfigError);
        const field = (error as ConfigError).field;
        const named = ['cfg', ...path].join('.');
        // The leaf itself, or for a broken discriminator the strategy it selects.
        return named.startsWith(field) && field.split('.').length >= (path[0] === 'strategies' ? 3 : 2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad scenario files', () => {
  const base = { cluster: 'c', start: '2025-10-13T10:00:00Z', others: [{ hostname: 'admin1', layer: 'admin' }] };
  it.each([
    ['start without zone', { ...base, start: '2025-10-13 10:00' }, /^scenario\.json: start:/],
    ['unknown state', { ...base, workers: [{ hostname: 'worker1', state: 'sleeping' }] }, /^scenario\.json: workers\[0\]\.state/],
    ['a billion workers', { ...base, workers: [{ hostname: 'worker{n}', count: 1e9 }] }, /^scenario\.json: workers\[0\]\.count/],
    ['too many workers in all', { ...base, workers: Array.from({ length: 3 }, (_, i) => ({ hostname: `w${i}-{n}`, count: 600 })) }, /^scenario\.json: workers: at most 1000 workers/],
    ['a billion queued jobs', { ...base, queue: { queued: 1e9 } }, /^scenario\.json: queue\.queued/],
    ['a billion trace jobs', { ...base, trace: { jobs: [{ at: '+1m', durationMinutes: 1, count: 1e9 }] } }, /^scenario\.json: trace\.jobs\[0\]\.count/],
    ['a run of ten thousand years', { ...base, end: '+3650000d' }, /^scenario\.json: end: must be at most 366 days/],
    ['negative uptime', { ...base, workers: [{ hostname: 'worker1', state: 'online', uptimeMinutes: -5 }] }, /^scenario\.json: workers\[0\]\.uptimeMinutes/],
    ['jobs on a stopped worker', { ...base, workers: [{ hostname: 'worker1', runningJobs: 2 }] }, /^scenario\.json: workers\[0\]\.runningJobs/],
    ['unknown fault', { ...base, faults: [{ at: '+1m', kind: 'meteor', forMinutes: 1 }] }, /^scenario\.json: faults\[0\]\.kind/],
    ['fault at a bad time', { ...base, faults: [{ at: 'soon', kind: 'opencast-down', forMinutes: 1 }] }, /^scenario\.json: faults\[0\]\.at/],
    ['typo in a key', { ...base, wrokers: [] }, /^scenario\.json: wrokers: unknown key; did you mean workers\?/],
    ['no admin node', { ...base, others: [] }, /^scenario\.json: others/],
    // OpsWorks hostnames are unique in a stack; EC2 Name tags need not be (test/sim/model/registries.test.ts).
    ['duplicate hostnames', { ...base, provider: 'opsworks', workers: [{ hostname: 'worker1' }, { hostname: 'worker1' }] }, /^scenario\.json: workers\[1\]\.hostname/],
    ['workers not a list', { ...base, workers: { hostname: 'worker1' } }, /^scenario\.json: workers/],
    ['JSON null', null, /^scenario\.json: /],
  ])('refuses %s, naming the field', (_name, input, message) => {
    let error: unknown;
    try {
      parseScenario(input, 'scenario.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['truncated JSON', JSON.stringify(base).slice(0, 25), /not valid JSON/],
    ['an HTML page', HTML_PAGE, /not valid JSON/],
    ['a huge count', JSON.stringify({ ...base, workers: [{ hostname: 'worker{n}', count: 1e9 }] }), /workers\[0\]\.count/],
    ['no file at all', undefined, /scenario \S+scenario\.json: no such file/],
  ])('refuses a scenario file with %s before starting anything (exit 2)', async (_name, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-bad-'));
    const file = join(dir, 'scenario.json');
    if (text !== undefined) writeFileSync(file, text);
    const run = await runCli(['--sim', file, 'status'], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('bad workflow inputs', () => {

  function activityDeps() {
    const fleet = new FakeFleet(SPECS);
    const opencast = new FakeOpencast(SPECS);
    const deps: ActivityDeps = {
      settings: resolveSettings({}, ENV),
      fleet,
      opencastAt: () => opencast,
      metrics: new FakeMetrics(),
      executions: { list: async () => [] },
      now: () => NOW,
      autoscaleConfig: parseAutoscaleConfig(GOOD_CONFIG, 'test'),
    };
    return { deps, fleet, opencast };
  }

  const SIDE_EFFECTS = ['start-worker', 'set-maintenance', 'stop-worker', 'release-maintenance', 'abandon-drain'];

  it('refuses random and hostile events to every side-effecting activity, naming the field, with no call made (generated)', async () => {
    const hostile = fc.oneof(
      fc.anything(),
      fc.record({ request: fc.anything(), worker: fc.anything(), executionName: fc.anything() }, { requiredKeys: [] }),
      fc.record({ hostname: fc.oneof(fc.string(), fc.constant('../../etc/passwd'), fc.constant('worker1; rm -rf /'), fc.constant('w'.repeat(5000))) }),
      fc.record({ on: fc.anything(), worker: fc.record({ hostname: fc.string(), id: fc.anything() }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SIDE_EFFECTS), hostile, async (name, event) => {
        const { deps, fleet, opencast } = activityDeps();
        const error = await createActivityHandlers(deps)[name]!(event).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigError);
        // The bad field of the event, or `hostname` for a well-formed name no worker has.
        expect((error as ConfigError).field).toMatch(new RegExp(`^(${name} input|hostname$)`));
        expect(fleet.calls).toEqual([]);
        expect(opencast.calls).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['drain-worker', { hostname: 'worker1', maxDrainMinutes: 1e12 }, /request\.maxDrainMinutes/],
    ['drain-worker', { hostname: 'worker1', force: 'yes please' }, /request\.force/],
    // A Name tag may hold anything: an unknown one is refused by name, a control character by the schema.
    ['drain-worker', { hostname: '<script>alert(1)</script>' }, /no worker named/],
    ['drain-worker', { hostname: 'worker1\u0000' }, /request\.hostname/],
    ['drain-worker', { hostname: 'worker1', minWorkers: -1 }, /request\.minWorkers/],
    ['drain-worker', { hostname: 'worker1', reason: 'x'.repeat(100_000) }, /request\.reason/],
    ['drain-worker', { hostname: 'worker9' }, /no worker named \\?"worker9/],
    ['boot-worker', { hostname: ['worker3'] }, /request\.hostname/],
    ['boot-worker', { hostname: 'worker3', maxBootMinutes: 0 }, /request\.maxBootMinutes/],
    ['boot-worker', { hostname: 'worker3', extra: true }, /request/],
    ['autoscale', { everySeconds: 'often' }, /everySeconds/],
    ['autoscale', { minWorkers: 1e9 }, /minWorkers/],
  ])('%s refuses a bad input (%#) through the engine: the execution fails naming the field, and nothing reaches the cluster', async (workflow, input, message) => {
    const sim = simWorkflows({
      cluster: 'c',
      start: '2025-10-13T10:00:00Z',
      billing: 'per-second',
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 55 },
        { hostname: 'worker2', state: 'online', uptimeMinutes: 55 },
        { hostname: 'worker3', state: 'stopped' },
      ],
      others: [{ hostname: 'admin1', layer: 'admin' }],
    } as never);
    const ref = await sim.engine.start(workflow, input as never, { name: `${workflow}-bad` });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('FAILED');
    const failures = (await sim.engine.history(ref)).filter((e) => e.type === 'StateFailed').map((e) => `${e.error}: ${e.cause}`);
    expect(failures.join('\n')).toMatch(message);
    expect(failures.join('\n')).toMatch(/ConfigError|WorkerNotFoundError/);
    expect(sim.cluster.runData().counters).toMatchObject({ starts: 0, stops: 0 });
    expect(sim.cluster.hosts.filter((h) => h.maintenance)).toEqual([]);
  });
});

describe('bad environment values', () => {
  it.each([
    ['MOSCALER_MIN_WORKERS', '0x10'],
    ['MOSCALER_MIN_WORKERS', '1e3'],
    ['MOSCALER_MIN_WORKERS', '1.0'],
    ['MOSCALER_MIN_WORKERS', '-1'],
    ['MOSCALER_MIN_WORKERS', '99999999999999999999'],
    ['MOSCALER_MIN_WORKERS', 'two'],
    ['MOSCALER_IDLE_UPTIME_THRESHOLD', '60'],
    ['MOSCALER_OPENCAST_TIMEOUT_MS', 'Infinity'],
    ['MOSCALER_OPENCAST_TIMEOUT_MS', '5'],
    ['MOSCALER_BILLING', 'HOURLY'],
    ['MOSCALER_PROVIDER', 'gcp'],
    ['MOSCALER_OPENCAST_AUTH', 'none'],
    ['MOSCALER_QUEUE_SOURCE', 'magic'],
    ['MOSCALER_OPENCAST_URL', 'javascript:alert(1)'],
    ['MOSCALER_OPENCAST_URL', 'file:///etc/passwd'],
    ['AWS_REGION', 'us-east-1; rm -rf /'],
    ['AWS_ENDPOINT_URL', 'not a url'],
    ['MOSCALER_PROTECT_TAG', 'no-equals-sign'],
    ['MOSCALER_EC2_ROLE_TAG', 'aws:role'],
    ['MOSCALER_EC2_CLUSTER_TAG', 'x'.repeat(200)],
    ['MOSCALER_HISTORY_DAYS', '-1'],
    ['MOSCALER_HISTORY_DAYS', '90d'],
  ])('refuses %s (%#) naming the variable, with exit 2 and nothing done', async (name, value) => {
    await refused(['--engine', 'direct', 'scale', 'down'], { ...ENV, [name]: value }, new RegExp(`${name}: `));
  });

  it.each([
    ['AUTOSCALE_TYPE', 'Sometimes'],
    ['AUTOSCALE_UP_THRESHOLD', 'lots'],
    ['AUTOSCALE_DOWN_THRESHOLD', 'NaN'],
  ])('refuses the legacy %s (%#) naming the variable', async (name, value) => {
    const legacy = { AUTOSCALE_TYPE: 'LayerLoad', AUTOSCALE_UP_THRESHOLD: '10', AUTOSCALE_DOWN_THRESHOLD: '2' };
    await refused(['--engine', 'direct', 'scale', 'auto'], { ...ENV, ...legacy, [name]: value }, new RegExp(`${name}: `));
  });

  it('refuses a missing password without echoing anything secret', async () => {
    await refused(['--engine', 'direct', 'status'], { ...ENV, MATTERHORN_PASS: undefined }, /MATTERHORN_PASS: required/);
  });
});

describe('bad command-line arguments', () => {
  it.each([
    [['scale', 'up', '1e3'], /n: must be a whole number/],
    [['scale', 'up', '99999999999'], /n: must be a whole number/],
    [['scale', 'up', '--', '-1'], /n: must be a whole number/],
    [['scale', 'down', 'NaN'], /n: must be a whole number/],
    [['scale', 'to', ''], /n: must be a whole number/],
    [['scale', 'auto', '--min-workers', '-3', '-c', JSON.stringify(GOOD_CONFIG)], /--min-workers: must be a whole number/],
    [['history', '--limit', '0'], /--limit: must be a whole number/],
    [['run', '--every', '0s', '-c', JSON.stringify(GOOD_CONFIG)], /--every: must be between 1s and 366d/],
    [['run', '--every', '1ms', '-c', JSON.stringify(GOOD_CONFIG)], /--every: must be a duration/],
    [['run', '--cycles', 'forever', '-c', JSON.stringify(GOOD_CONFIG)], /--cycles: must be a whole number/],
    [['sim', 'run', 'scenarios/small-quiet.json', '--duration', '-5h'], /--duration: must be a duration/],
    [['sim', 'run', 'scenarios/small-quiet.json', '--every', '9999d'], /--every: must be between 1s and 366d/],
    [['--output', 'yaml', 'status'], /Allowed choices are table, json/],
    [['--engine', 'quantum', 'status'], /Allowed choices are local, aws, direct/],
    [['--provider', 'gcp', 'status'], /Allowed choices are opsworks, ec2/],
    [['--region', 'Mars-1', 'status'], /--region: not an AWS region name/],
    [['--opencast-url', 'ftp://admin', 'status'], /--opencast-url: must be an http\(s\) URL/],
    [['--cluster', ' ', 'status'], /--cluster: no cluster name/],
    [['scale', 'sideways'], /unknown command|too many arguments|error/],
    [['x'.repeat(100_000)], /unknown command|error/],
  ])('refuses arguments %# with exit 2 and nothing done', async (argv, message) => {
    await refused(['--engine', 'direct', ...argv], ENV, message);
  });
});

describe('bad Opencast and AWS answers', () => {
  const worlds: HostileWorld[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.close()));
  });

  /** The CLI run on a simulated cluster whose answers are tampered with. */
  async function runOn(tampers: Tamper[], argv: string[]) {
    const world = hostileWorld(tampers);
    worlds.push(world);
    const runtimeFor: Context['runtimeFor'] = async () => ({ runtime: { ...world.runtime, close: async () => {} }, settings: world.settings });
    const run = await runCli(['--engine', 'direct', ...argv], { ...ENV, MATTERHORN_PASS: world.settings.opencast.password }, runtimeFor);
    return { run, world };
  }

  const hosts = opencastPath('/services/hosts.json');
  const jobs = opencastPath('/services/activeJobs.json');
  const me = opencastPath('/info/me.json');
  const firstHost = (b: any) => (Array.isArray(b.hosts.host) ? b.hosts.host : [b.hosts.host]);

  describe.each([
    ['Opencast hosts.json as an HTML page', { match: hosts, answer: replaceBody(HTML_PAGE, { 'content-type': 'text/html' }) }, /services\/hosts\.json: expected JSON, got an HTML/],
    ['Opencast hosts.json truncated', { match: hosts, answer: truncate }, /services\/hosts\.json: body is not valid JSON/],
    ['Opencast hosts.json with online "maybe"', { match: hosts, answer: editJson((b) => void (firstHost(b).at(-1).online = 'maybe')) }, /hosts\.host\[\d\]\.online: expected a boolean/],
    ['Opencast hosts.json without base_url', { match: hosts, answer: editJson((b) => void delete firstHost(b).at(-1).base_url) }, /hosts\.host\[\d\]\.base_url: expected text/],
    ['Opencast hosts.json with max_load 1e400', { match: hosts, answer: (r: any) => ({ ...r, body: r.body.replace(/"max_load":[0-9.]+/g, '"max_load":1e400') }) }, /max_load/],
    ['Opencast activeJobs.json with jobs 42', { match: jobs, answer: replaceBody('{"jobs": 42}') }, /jobs: expected an object/],
    ['Opencast activeJobs.json with a job without status', { match: jobs, answer: replaceBody('{"jobs":{"job":{"id":1,"type":"t","operation":"Encode"}}}') }, /jobs\.job\[0\]\.status: expected text/],
    ['Opencast activeJobs.json as a 500 page', { match: jobs, answer: replaceBody(HTML_PAGE, { 'content-type': 'text/html' }, 500) }, /activeJobs\.json: HTTP 500/],
    ['Opencast info/me.json with roles as text', { match: me, answer: replaceBody('{"roles":"ROLE_ADMIN","user":{"username":"x"}}') }, /roles: expected a list/],
  ] as Array<[string, Tamper, RegExp]>)('%s', (_name, tamper, message) => {
    it('makes Opencast unavailable with the field named, and no worker is stopped or put in maintenance', async () => {
      const { run, world } = await runOn([tamper], ['scale', 'down']);
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toMatch(message);
      expect(world.effects).toEqual([]);
    });
  });

  describe.each([
    ['OpsWorks DescribeInstances as an HTML page', { match: opsworksOperation('DescribeInstances'), answer: replaceBody(HTML_PAGE, { 'content-type': 'text/html' }) }, /DescribeInstances failed \(SyntaxError\)/],
    ['OpsWorks DescribeInstances truncated', { match: opsworksOperation('DescribeInstances'), answer: truncate }, /DescribeInstances failed \(SyntaxError\)/],
    ['OpsWorks DescribeInstances as JSON null', { match: opsworksOperation('DescribeInstances'), answer: replaceBody('null') }, /DescribeInstances: Instances: expected a list, got nothing/],
    ['OpsWorks Instances as text', { match: opsworksOperation('DescribeInstances'), answer: replaceBody('{"Instances":"x"}') }, /DescribeInstances: Instances: expected a list, got string/],
    ['OpsWorks Status as a number', { match: opsworksOperation('DescribeInstances'), answer: editJson((b) => void (b.Instances[1].Status = 42)) }, /DescribeInstances: Instances\[1\]\.Status: expected text/],
    ['OpsWorks Status of 100 000 characters', { match: opsworksOperation('DescribeInstances'), answer: editJson((b) => void (b.Instances[1].Status = 'x'.repeat(100_000))) }, /Instances\[1\]\.Status: expected text of at most 1024 characters/],
    ['OpsWorks Hostname as an object', { match: opsworksOperation('DescribeInstances'), answer: editJson((b) => void (b.Instances[1].Hostname = { a: 1 })) }, /Instances\[1\]\.Hostname: expected text/],
    ['OpsWorks LayerIds as text', { match: opsworksOperation('DescribeInstances'), answer: editJson((b) => void (b.Instances[1].LayerIds = 'abc')) }, /Instances\[1\]\.LayerIds: expected a list/],
    ['OpsWorks instance without InstanceId', { match: opsworksOperation('DescribeInstances'), answer: editJson((b) => void delete b.Instances[1].InstanceId) }, /without InstanceId/],
    ['OpsWorks DescribeStacks without StackId', { match: opsworksOperation('DescribeStacks'), answer: editJson((b) => void delete b.Stacks[0].StackId) }, /without a StackId/],
    ['OpsWorks DescribeStacks as a 500 page', { match: opsworksOperation('DescribeStacks'), answer: replaceBody(HTML_PAGE, { 'content-type': 'text/html' }, 500) }, /DescribeStacks failed on the AWS side/],
    ['OpsWorks DescribeLayers with Layers as an object', { match: opsworksOperation('DescribeLayers'), answer: replaceBody('{"Layers":{"LayerId":"x"}}') }, /DescribeLayers: Layers: expected a list/],
    ['EC2 DescribeInstances as an HTML page', { match: ec2Action('DescribeInstances'), answer: replaceBody(HTML_PAGE, { 'content-type': 'text/html' }) }, /DescribeInstances: reservationSet: expected a list, got nothing/],
    ['EC2 DescribeInstances truncated', { match: ec2Action('DescribeInstances'), answer: truncate }, /DescribeInstances failed .*XML parse error/],
    ['EC2 launchTime "yesterday"', { match: ec2Action('DescribeInstances'), answer: (r: any) => ({ ...r, body: r.body.replace(/<launchTime>[^<]*<\/launchTime>/g, '<launchTime>yesterday</launchTime>') }) }, /DescribeInstances failed \(TypeError\): Invalid RFC3339 timestamp/],
  ] as Array<[string, Tamper, RegExp]>)('%s', (_name, tamper, message) => {
    it('fails the command naming the answer and field, and nothing reaches the cluster', async () => {
      for (const argv of [['scale', 'down'], ['scale', 'up'], ['scale', 'auto', '-c', JSON.stringify(GOOD_CONFIG)]]) {
        const { run, world } = await runOn([tamper], argv);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(message);
        expect(world.effects).toEqual([]);
      }
    });
  });

  it('casts no vote on CloudWatch datapoints of the wrong type, and does not scale on them', async () => {
    const config = JSON.stringify({ strategies: [{ method: 'cloudwatch', name: 'load', settings: { metric: 'load_1', namespace: 'AWS/OpsWorks', layer_name: 'Workers', up_threshold: 0, down_threshold: 100 } }] });
    const tamper: Tamper = {
      match: (r) => r.headers['x-amz-target'] === 'GraniteServiceVersion20100801.GetMetricData',
      answer: replaceBody('{"MetricDataResults":[{"Id":"q0","Timestamps":[1760349600],"Values":["lots"],"StatusCode":"Complete"}]}'),
    };
    const { run, world } = await runOn([tamper], ['--debug', 'scale', 'auto', '-c', config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GetMetricData: MetricDataResults\[0\]\.Values\[0\]: expected a finite number/);
    expect(world.effects).toEqual([]);
  });
});
