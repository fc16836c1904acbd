import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRuntime, runCli } from '../helpers/cli';
import { NOW, type WorkerSpec } from '../helpers/views';

const ENV = { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'opencast_system_account', MATTERHORN_PASS: 'hunter2-secret' };
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 20, running: 2 },
  { hostname: 'worker3', status: 'stopped' },
];
const GOOD_CONFIG = JSON.stringify({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 5, down_threshold: 1 } }] });

describe('moscaler usage errors', () => {
  it.each([
    [['scale', 'up', 'two'], ENV, /n: must be a whole number/],
    [['scale', 'down', '0'], ENV, /n: must be a whole number ≥ 1/],
    [['scale', 'to'], ENV, /missing required argument/],
    [['--bogus', 'status'], ENV, /unknown option '--bogus'/],
    [['status', '--format', 'yaml'], ENV, /Allowed choices are table, json/],
    [['status'], { ...ENV, MATTERHORN_PASS: undefined }, /MATTERHORN_PASS: required/],
    [['status'], { ...ENV, MOSCALER_CLUSTER: undefined }, /--cluster: no cluster name/],
    [['scale', 'down'], { ...ENV, MOSCALER_MIN_WORKERS: 'many' }, /MOSCALER_MIN_WORKERS: must be a whole number/],
    [['scale', 'auto', '-c', '{"strategies": [], "up_increment": 1}'], ENV, /--config: strategies: /],
    [['scale', 'auto', '-c', '{"strategies": [{"method":"magic","name":"m","settings":{}}]}'], ENV, /--config: strategies\[0\]\.method: /],
    [['scale', 'auto', '-c', '{not json'], ENV, /--config: not valid JSON at line 1, column 2: expected a double-quoted property name, found 'n'/],
    [['scale', 'auto', '-c', '/no/such/file.json'], ENV, /--config: no such file/],
    [['scale', 'auto'], ENV, /--config: no autoscale config/],
    [['scale', 'auto'], { ...ENV, AUTOSCALE_CONFIG: '{"strategies":[{"method":"queued_jobs","name":"q","settings":{"up_threshold":-1}}]}' }, /AUTOSCALE_CONFIG: strategies\[0\]\.settings\.down_threshold: /],
    [['scale', 'auto'], { ...ENV, AUTOSCALE_TYPE: 'Sometimes' }, /AUTOSCALE_TYPE: must be one of/],
    [['--endpoint-url', 'nope', 'status'], ENV, /--endpoint-url: must be an http\(s\) URL/],
    [['--engine', 'aws', 'scale', 'down'], ENV, /--engine: aws needs the deployed state machines: set MOSCALER_AUTOSCALE_STATE_MACHINE_ARN/],
    [['--engine', 'aws', 'scale', 'down'], { ...ENV, MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN: 'arn:aws:lambda:x' }, /MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN: not a state machine ARN/],
  ])('exits 2 naming the problem, with no side effect: %j', async (argv, env, message) => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(argv, env, fake.runtimeFor);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(fake.fleet.calls).toEqual([]);
    expect(fake.opencast.calls).toEqual([]);
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });

  it('prints help and version with exit 0', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-n, --dry-run/);
    const version = await runCli(['--version'], {});
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('reads the autoscale config from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-cli-'));
    const file = join(dir, 'autoscale.json');
    writeFileSync(file, GOOD_CONFIG);
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', '--state-dir', dir, '--output', 'json', 'scale', 'auto', '-c', file], ENV, fake.runtimeFor);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).decision.action).toBe('stop');
  });
});

describe('moscaler scale errors', () => {
  it('exits 1 with the message when a scaling rule forbids it, and changes nothing', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', 'scale', 'up', '3'], ENV, fake.runtimeFor);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not have 3 stopped workers/);
    expect(fake.fleet.calls).toEqual([]);
  });

  it('exits 1 for scale to the current size', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', 'scale', 'to', '2'], ENV, fake.runtimeFor);
    expect(run).toMatchObject({ code: 1 });
    expect(run.stderr).toMatch(/already at 2/);
  });

  it('honours --dry-run: reports and changes nothing', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', '-n', 'scale', 'down'], ENV, fake.runtimeFor);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/would stop worker1/);
    expect(fake.fleet.calls).toEqual([]);
    expect(fake.opencast.calls).toEqual([]);
  });

  it('logs on stderr as readable lines, and stdout carries only the result', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', '-f', 'scale', 'down', '2'], { ...ENV, MOSCALER_MIN_WORKERS: '1' }, fake.runtimeFor);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^\{/m);
    expect(run.stdout).toMatch(/^decision: stop/);
    expect(run.stderr).toMatch(/^\S+Z warn  --force: minimum workers, idleness and billing window are ignored$/m);
    expect(run.stderr).toMatch(/^\S+Z info  cluster status before  command="scale down" cluster=prod workers=3 /m);
    expect(run.stderr).toMatch(/^\S+Z info  actions taken  command=down started=- stopped=worker1,worker2 dryRun=false$/m);
    expect(run.stderr).toMatch(/Continuing because --force enabled/);
  });

  it('logs JSON lines on stderr with --output json', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['--engine', 'direct', '--output', 'json', '-f', 'scale', 'down', '2'], { ...ENV, MOSCALER_MIN_WORKERS: '1' }, fake.runtimeFor);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).decision.action).toBe('stop');
    const events = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).event);
    expect(events).toEqual(expect.arrayContaining(['before', 'after', 'force']));
  });

  it('prints the status as one JSON object with the public keys', async () => {
    const fake = fakeRuntime(SPECS, NOW);
    const run = await runCli(['status', '--format', 'json'], ENV, fake.runtimeFor);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(Object.keys(status)).toEqual(expect.arrayContaining(['cluster', 'provider', 'opencastUp', 'counts', 'jobs', 'workers', 'warnings']));
    // The fakes are an OpsWorks stack: its words and ids, and the deprecated aliases with the same values.
    expect(status.provider).toBe('opsworks');
    expect(status.workers[0]).toMatchObject({ state: 'online', instanceState: 'running', instanceId: status.workers[0].opsworksId, opsworksState: 'online' });
    expect(status.counts).toEqual({ instances: 4, onlineInstances: 3, workers: 3, onlineWorkers: 2, pendingWorkers: 0 });
    expect(status.jobs).toEqual({ running: 2, queued: 0, queuedHighLoad: 0 });
    expect(Object.keys(status.workers[0]).sort()).toEqual(
      [
        'billedMinutes',
        'ec2Id',
        'hostUrl',
        'hostname',
        'idle',
        'instanceId',
        'instanceState',
        'instanceType',
        'maintenance',
        'notRegisteredMinutes',
        'opsworksId',
        'opsworksState',
        'protected',
        'registered',
        'runningJobs',
        'state',
        'uptimeSeconds',
      ].sort(),
    );
  });
});
