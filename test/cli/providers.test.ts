/**
 * The same commands, rules and outcomes for both fleet providers: every case runs
 * the real CLI in-process against the simulated cluster of an OpsWorks scenario and
 * of its plain-EC2 twin. Multi-step cases keep one simulated cluster across
 * commands (each `--sim` command would build a fresh one) and record the AWS calls.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import type { Context } from '../../cli/context';
import { scenarioEnv } from '../../wiring/sim-runtime';
import { createRuntime } from '../../wiring/runtime';
import { resolveSettings } from '../../core/settings';
import { type AwsCall, createAwsRouter } from '../../sim/aws/router';
import { ManualClock } from '../../sim/model/clock';
import { DEFAULT_LAGS } from '../../sim/model/consistency';
import { loadScenarioFile } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { createOpencastRouter } from '../../sim/opencast/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';
import { runCli } from '../helpers/cli';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const MIN = 60_000;

const PROVIDERS = [
  { provider: 'opsworks', scenario: join(SCENARIOS, 'small-quiet.json'), startOp: 'StartInstance', stopOp: 'StopInstance' },
  { provider: 'ec2', scenario: join(SCENARIOS, 'small-quiet-ec2.json'), startOp: 'StartInstances', stopOp: 'StopInstances' },
] as const;

type ScenarioJson = Record<string, unknown> & { workers: Array<Record<string, unknown>>; others: Array<Record<string, unknown>> };

/** A copy of a shipped scenario with `edit` applied, in a temp file: each provider gets the same change. */
function variant(file: string, edit: (s: ScenarioJson) => void): string {
  const scenario = JSON.parse(readFileSync(file, 'utf8')) as ScenarioJson;
  delete scenario.$schema;
  edit(scenario);
  const path = join(mkdtempSync(join(tmpdir(), 'moscaler-providers-')), 'scenario.json');
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

/** No queued work at the start, so worker2 stays idle (the shipped scenario's backlog lands on it at once). */
const noBacklog = (s: ScenarioJson) => void (s.queue = { queued: 0, queuedHighLoad: 0 });

/** One simulated cluster on a manual clock, kept across CLI commands, with every AWS call recorded. */
async function session(file: string) {
  const scenario = await loadScenarioFile(file);
  const clock = new ManualClock(Date.parse(scenario.start));
  const cluster = createSimCluster(scenario, clock);
  const awsCalls: AwsCall[] = [];
  const router = createAwsRouter(cluster, { onCall: (call) => awsCalls.push(call) });
  const runtimeFor: Context['runtimeFor'] = async (globals, env) => {
    const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
    const settings = resolveSettings(globals, { ...scenarioEnv(scenario), ...defined });
    const dispatcher = new RouterDispatcher(createOpencastRouter(cluster));
    const runtime = createRuntime(
      { ...settings, aws: { region: SIM_REGION } },
      {
        requestHandler: createSdkRequestHandler(router),
        credentials: SIM_CREDENTIALS,
        dispatcher,
        now: () => new Date(clock.now()),
        onClose: () => dispatcher.close(),
      },
    );
    return { runtime, settings };
  };
  // The original synchronous path; the workflow path is parameterised over both providers in test/workflows.
  const run = (argv: string[]) => runCli(['--engine', 'direct', ...argv], {}, runtimeFor);
  /** A scale command with JSON output, parsed. */
  const scale = async (...argv: string[]) => {
    const result = await run(['--output', 'json', 'scale', ...argv]);
    return { code: result.code, stderr: result.stderr, ...(result.code === 0 ? (JSON.parse(result.stdout) as ScaleOut) : {}) };
  };
  const status = async () => JSON.parse((await run(['status', '--format', 'json'])).stdout) as StatusOut;
  return { clock, awsCalls, run, scale, status };
}

interface ScaleOut {
  decision: { chosen: Array<{ hostname: string }>; rejected: Array<{ hostname: string; reason: string }> };
  actions: Array<{ action: string; hostname: string }>;
}

interface StatusOut {
  opencastUp: boolean;
  counts: Record<string, number>;
  workers: Array<{
    hostname: string;
    opsworksState: string;
    registered: boolean;
    maintenance: boolean;
    idle: boolean | null;
    runningJobs: number | null;
    protected: boolean;
  }>;
}

const workerOf = (status: StatusOut, hostname: string) => status.workers.find((w) => w.hostname === hostname);
const stopped = (result: Partial<ScaleOut>) => (result.actions ?? []).filter((a) => a.action === 'stop').map((a) => a.hostname);

describe.each(PROVIDERS)('moscaler with the $provider provider', ({ provider, scenario, startOp, stopOp }) => {
  it('prints the same status: workers, their states and the counts', async () => {
    // Act: the real --sim wiring, as a user runs it.
    const run = await runCli(['--sim', scenario, 'status', '--format', 'json'], {});

    // Assess
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as StatusOut;
    expect(status.opencastUp).toBe(true);
    expect(status.counts).toEqual({ instances: 7, onlineInstances: 5, workers: 4, onlineWorkers: 2, pendingWorkers: 0 });
    expect(status.workers.map((w) => [w.hostname, w.opsworksState, w.registered, w.protected])).toEqual([
      ['worker1', 'online', true, false],
      ['worker2', 'online', true, false],
      ['worker3', 'stopped', true, false],
      ['worker4', 'stopped', false, false],
    ]);
  });

  it('scale up 1 starts the stopped worker the rules prefer, which then comes online', async () => {
    // Prepare
    const sim = await session(scenario);

    // Act
    const up = await sim.scale('up', '1');
    // DescribeInstances shows the start after EC2's lag (eventually consistent: sim/model/consistency.ts).
    sim.clock.advance(DEFAULT_LAGS.ec2.maxMs);
    const right = await sim.status();
    sim.clock.advance(10 * MIN);
    const later = await sim.status();

    // Assess
    expect(up.code).toBe(0);
    expect(up.actions?.map((a) => [a.action, a.hostname])).toEqual([['start', 'worker3']]);
    expect(right.counts.pendingWorkers).toBe(1);
    expect(workerOf(right, 'worker4')?.opsworksState).toBe('stopped');
    expect(workerOf(later, 'worker3')).toMatchObject({ opsworksState: 'online', registered: true });
    expect(later.counts).toMatchObject({ onlineWorkers: 3, pendingWorkers: 0 });
    expect(sim.awsCalls.filter((c) => c.operation === startOp)).toHaveLength(1);
  });

  it('scale down 1 stops the idle worker and never the busy one', async () => {
    // Prepare
    const sim = await session(variant(scenario, noBacklog));

    // Act
    const down = await sim.scale('down', '1');
    sim.clock.advance(5 * MIN);
    const later = await sim.status();

    // Assess
    expect(down.code).toBe(0);
    expect(down.decision?.chosen.map((c) => c.hostname)).toEqual(['worker2']);
    expect(down.decision?.rejected).toContainEqual(expect.objectContaining({ hostname: 'worker1', reason: 'Busy' }));
    expect(stopped(down)).toEqual(['worker2']);
    expect(workerOf(later, 'worker2')?.opsworksState).toBe('stopped');
    expect(workerOf(later, 'worker1')).toMatchObject({ opsworksState: 'online', registered: true, maintenance: false });
  });

  it('never drains a worker tagged opencast:protected=true, and the decision says why', async () => {
    // Prepare: worker2 is idle but protected by tag (no name list); worker3 is idle and not.
    const file = variant(scenario, (s) => {
      noBacklog(s);
      s.workers[1]!.protected = true;
      s.workers[2]!.state = 'online';
    });
    const sim = await session(file);

    // Act
    const before = await sim.status();
    const down = await sim.scale('down', '1');
    sim.clock.advance(5 * MIN);
    const after = await sim.status();

    // Assess: the scale-down bracket may hold its dispatch for a moment, but it stays in service.
    expect(workerOf(before, 'worker2')?.protected).toBe(true);
    expect(down.code).toBe(0);
    expect(down.decision?.chosen.map((c) => c.hostname)).toEqual(['worker3']);
    expect(down.decision?.rejected).toContainEqual(expect.objectContaining({ hostname: 'worker2', reason: 'Protected' }));
    expect(stopped(down)).toEqual(['worker3']);
    expect(workerOf(after, 'worker2')).toMatchObject({ opsworksState: 'online', registered: true, maintenance: false });
  });

  it('only ever starts and stops through its own API: nothing is terminated or deleted', async () => {
    // Prepare
    const sim = await session(variant(scenario, noBacklog));

    // Act
    const up = await sim.scale('up', '2');
    const down = await sim.scale('down', '1');

    // Assess: reads aside, the only calls are one start per started worker and one stop.
    expect([up.code, down.code]).toEqual([0, 0]);
    const reads = /^(Describe|Get|List)/;
    const changes = sim.awsCalls.filter((c) => !reads.test(c.operation)).map((c) => c.operation);
    expect(changes.sort()).toEqual([startOp, startOp, stopOp].sort());
    expect(sim.awsCalls.map((c) => c.operation)).not.toContainEqual(expect.stringMatching(/Terminate|Delete/));
    if (provider === 'ec2') expect(sim.awsCalls.filter((c) => c.service === 'opsworks')).toEqual([]);
  });
});

describe('moscaler provider configuration', () => {
  const [opsworks, ec2] = PROVIDERS;

  it.each([
    [['--provider', 'bogus'], {}, /--provider/],
    [[], { MOSCALER_PROVIDER: 'bogus' }, /MOSCALER_PROVIDER: must be one of opsworks, ec2/],
    [[], { MOSCALER_PROVIDER: 'ec2', MOSCALER_EC2_ROLE_TAG: 'aws:role' }, /MOSCALER_EC2_ROLE_TAG: must be an EC2 tag key/],
    [[], { MOSCALER_PROVIDER: 'ec2', MOSCALER_EC2_CLUSTER_TAG: ' ' }, /MOSCALER_EC2_CLUSTER_TAG: must be an EC2 tag key/],
    [[], { MOSCALER_EC2_ROLE_TAG: 'opencast:cluster' }, /MOSCALER_EC2_ROLE_TAG: must differ from the cluster tag key/],
  ])('exits 2 naming the bad setting: %j %j', async (flags, env, message) => {
    // Act
    const run = await runCli(['--sim', ec2.scenario, ...flags, 'status'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('finds the cluster by the configured cluster tag key', async () => {
    // Act: the simulated EC2 cluster carries the default keys only.
    const run = await runCli(['--sim', ec2.scenario, 'status'], { MOSCALER_EC2_CLUSTER_TAG: 'team' });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no EC2 instance is tagged team=sim-small/);
  });

  it('tells an OpsWorks user who switches to --provider ec2 before tagging what is missing', async () => {
    // Act
    const run = await runCli(['--sim', opsworks.scenario, '--provider', 'ec2', 'status'], {});

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no EC2 instance is tagged opencast:cluster=sim-small/);
  });

  it('ec2: the role tag decides, whatever the hostname', async () => {
    // Prepare: names the OpsWorks rules would not recognise as admin or worker.
    const file = variant(ec2.scenario, (s) => {
      s.others[0]!.hostname = 'oc-head';
      s.workers[3]!.hostname = 'encoder4';
    });

    // Act
    const run = await runCli(['--sim', file, 'status', '--format', 'json'], {});

    // Assess: Opencast was reached through the admin found by its tag.
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as StatusOut;
    expect(status.opencastUp).toBe(true);
    expect(status.workers.map((w) => w.hostname)).toEqual(['encoder4', 'worker1', 'worker2', 'worker3']);
  });
});
