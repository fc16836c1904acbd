import { describe, expect, it } from 'vitest';
import { createPlanCycleHandler, type CyclePlan } from '../../activities/plan-cycle';
import { parseAutoscaleConfig, type AutoscaleConfig } from '../../core/autoscale-config';
import { AuthError, ThrottledError } from '../../core/errors';
import { AUTOSCALE_WORKFLOW, BOOT_WORKFLOW, DRAIN_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import { World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

// worker1 is idle late in its hour (the one candidate for a drain), worker2 early in its hour, worker3 stopped.
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
  { hostname: 'worker3', status: 'stopped' },
];
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const at = (seconds: number) => ago(seconds).toISOString();

/** Up at 5 or more queued jobs, down at none: the original's queued_jobs strategy. */
const queueConfig = (extra: Record<string, unknown> = {}): AutoscaleConfig =>
  parseAutoscaleConfig({ strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 5, down_threshold: 1 } }], ...extra }, 'test');
/** Votes down on a low layer load from CloudWatch, whatever Opencast says. */
const LOAD_CONFIG = parseAutoscaleConfig(
  { strategies: [{ method: 'cloudwatch', name: 'load', settings: { metric: 'load_1', namespace: 'AWS/OpsWorks', up_threshold: 8, down_threshold: 2, layer_name: 'Workers' } }] },
  'test',
);
const refuse = (message: string) => async (): Promise<never> => {
  throw new AuthError(message);
};
/** A policy that remembers (its idle timers) between cycles. */
const IDLE_TIMER = parseAutoscaleConfig({ strategies: [], policy: { name: 'idle-timer', idle_minutes: 5 } }, 'test');
const LOW_LOAD = [1, 2, 3].map((m) => ({ timestamp: at(m * 60), value: 0.5 }));

const boot = (hostname: string) => ({
  kind: 'boot',
  hostname,
  executionName: workerExecutionName('boot', hostname, NOW),
  input: { hostname, instanceId: `ow-${hostname}`, requestedBy: 'autoscale', reason: expect.any(String) },
  reason: expect.any(String),
});
const drain = (hostname: string, minWorkers = 1) => ({
  kind: 'drain',
  hostname,
  executionName: workerExecutionName('drain', hostname, NOW),
  input: { hostname, instanceId: `ow-${hostname}`, requestedBy: 'autoscale', respectBillingWindow: true, minWorkers, reason: expect.any(String) },
  reason: expect.any(String),
});
// A release holds until 5 s before the next cycle (60 s by default): then that cycle decides.
const release = (hostname: string) => ({ kind: 'release', hostname, instanceId: `ow-${hostname}`, reason: 'in maintenance with no drain under way: back in service', notAfter: new Date(NOW.getTime() + 55_000).toISOString() });

interface Row {
  does: string;
  specs?: WorkerSpec[];
  env?: Record<string, string>;
  config?: AutoscaleConfig;
  input?: Record<string, unknown>;
  given?: (w: World) => void;
  expected: Pick<CyclePlan, 'action' | 'outcome'> & { actions: object[]; notChosen?: object[] };
}

const rows: Row[] = [
  { does: 'plans one boot of a stopped worker when the queue votes up', given: (w) => w.queue(6), expected: { action: 'start', actions: [boot('worker3')] } },
  {
    does: 'plans nothing when a scale-up is wanted but no worker is stopped',
    specs: SPECS.slice(0, 2),
    given: (w) => w.queue(6),
    expected: { action: 'none', outcome: 'NoStoppedWorker', actions: [] },
  },
  {
    does: 'plans nothing inside the pause after the last boot',
    config: queueConfig({ pause_cycles: 2 }),
    given: (w) => {
      w.queue(6);
      w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker2', ago(60)), input: { hostname: 'worker2' }, status: 'SUCCEEDED', startedAt: at(60) });
    },
    expected: { action: 'none', outcome: 'Paused', actions: [] },
  },
  {
    does: 'plans a boot again once the pause after the last boot is over',
    config: queueConfig({ pause_cycles: 2 }),
    given: (w) => {
      w.queue(6);
      w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker2', ago(600)), input: { hostname: 'worker2' }, status: 'SUCCEEDED', startedAt: at(600) });
    },
    expected: { action: 'start', actions: [boot('worker3')] },
  },
  {
    // ListExecutions lists closed executions by stop: the boot listed first is the one that ended last, here one
    // begun long before the last boot (issue 22: the pause used to count from the older boot and start at once).
    does: 'counts the pause from the boot begun last, not the one that ended last',
    config: queueConfig({ pause_cycles: 2 }),
    given: (w) => {
      w.queue(6);
      w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker2', ago(600)), input: { hostname: 'worker2' }, status: 'SUCCEEDED', startedAt: at(600), stoppedAt: at(30) });
      w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker1', ago(60)), input: { hostname: 'worker1' }, status: 'SUCCEEDED', startedAt: at(60), stoppedAt: at(45) });
    },
    expected: { action: 'none', outcome: 'Paused', actions: [] },
  },
  {
    does: "counts the pause in the cycle's own period (everySeconds)",
    config: queueConfig({ pause_cycles: 2 }),
    input: { everySeconds: 300 },
    given: (w) => {
      w.queue(6);
      w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker2', ago(600)), input: { hostname: 'worker2' }, status: 'SUCCEEDED', startedAt: at(600) });
    },
    expected: { action: 'none', outcome: 'Paused', actions: [] },
  },
  // One strategy between its thresholds casts a null vote, which core/autoscale.ts reports as NoVote.
  { does: 'plans nothing when the queue is between the thresholds', given: (w) => w.queue(2), expected: { action: 'none', outcome: 'NotAllVotingDown', actions: [] } },
  { does: 'plans one drain of the idle worker in its billing window when all vote down', expected: { action: 'stop', actions: [drain('worker1')] } },
  { does: "takes the cycle's minimum from its input", input: { minWorkers: 2 }, expected: { action: 'none', outcome: 'AtMinimum', actions: [] } },
  {
    does: 'plans nothing when every worker is busy or early in its hour',
    given: (w) => w.runJobs('worker1', 1),
    expected: {
      action: 'none',
      outcome: 'NoCandidate',
      actions: [],
      notChosen: [expect.objectContaining({ reason: 'Busy', hostnames: ['worker1'] }), expect.objectContaining({ reason: 'BelowBillingWindow', hostnames: ['worker2'] })],
    },
  },
  {
    does: 'plans nothing when the only worker in its window is protected',
    given: (w) => w.protect('worker1'),
    expected: { action: 'none', outcome: 'NoCandidate', actions: [], notChosen: [expect.objectContaining({ reason: 'Protected', hostnames: ['worker1'] })] },
  },
  {
    does: 'plans a drain of a worker early in its hour when billing is per second',
    env: { MOSCALER_BILLING: 'per-second' },
    given: (w) => w.runJobs('worker1', 1),
    expected: { action: 'stop', actions: [drain('worker2')] },
  },
  {
    does: 'plans nothing when billing is per second and the idle worker has not used its first minute',
    specs: [SPECS[0]!, { hostname: 'worker2', uptimeMinutes: 0.5 }],
    env: { MOSCALER_BILLING: 'per-second' },
    given: (w) => w.runJobs('worker1', 1),
    expected: { action: 'none', outcome: 'NoCandidate', actions: [], notChosen: [expect.objectContaining({ reason: 'BelowBillingWindow', hostnames: ['worker2'] })] },
  },
  {
    does: 'does not drain a worker again while a drain named for it runs',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker1', ago(120)), input: { hostname: 'worker1' } }),
    expected: { action: 'none', outcome: 'AtMinimum', actions: [], notChosen: [expect.objectContaining({ reason: 'Draining', hostnames: ['worker1'] })] },
  },
  {
    does: 'does not drain a worker again while a drain started by hand under a free name acts on it',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'ops-cleanup', input: { hostname: 'worker1' } }),
    expected: { action: 'none', outcome: 'AtMinimum', actions: [], notChosen: [expect.objectContaining({ reason: 'Draining', hostnames: ['worker1'] })] },
  },
  {
    does: 'releases a worker left in maintenance with no drain, beside the drain it plans',
    specs: [SPECS[0]!, { ...SPECS[1]!, maintenance: true }, SPECS[2]!],
    expected: { action: 'stop', actions: [release('worker2'), drain('worker1')] },
  },
  {
    does: 'releases a stranded worker rather than also draining it',
    specs: [{ ...SPECS[0]!, maintenance: true }, SPECS[1]!, SPECS[2]!],
    expected: { action: 'stop', actions: [release('worker1')] },
  },
  {
    does: 'leaves a worker in maintenance alone while its drain runs',
    specs: [SPECS[0]!, { ...SPECS[1]!, maintenance: true }, SPECS[2]!],
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker2', ago(120)), input: { hostname: 'worker2' } }),
    expected: { action: 'none', outcome: 'AtMinimum', actions: [] },
  },
  {
    does: 'leaves a protected worker in maintenance alone (an operator put it there by hand and holds it)',
    specs: [SPECS[0]!, { ...SPECS[1]!, maintenance: true }, SPECS[2]!],
    given: (w) => w.protect('worker2'),
    expected: { action: 'stop', actions: [drain('worker1')] },
  },
  {
    does: 'leaves a worker in maintenance alone while its boot runs',
    specs: [SPECS[0]!, { ...SPECS[1]!, maintenance: true }, SPECS[2]!],
    given: (w) => w.executions.add({ workflow: BOOT_WORKFLOW, name: workerExecutionName('boot', 'worker2', ago(120)), input: { hostname: 'worker2' } }),
    expected: { action: 'stop', actions: [drain('worker1')] },
  },
  {
    does: 'fails closed when Opencast is down: no drain although every strategy votes down',
    config: LOAD_CONFIG,
    given: (w) => {
      w.metrics.datapoints = LOW_LOAD;
      w.opencast.down = true;
    },
    expected: { action: 'none', outcome: 'OpencastUnavailable', actions: [] },
  },
  { does: 'plans a drain on a low CloudWatch load when Opencast answers', config: LOAD_CONFIG, given: (w) => (w.metrics.datapoints = LOW_LOAD), expected: { action: 'stop', actions: [drain('worker1')] } },
  { does: 'plans nothing when the queue strategy cannot vote because Opencast is down', given: (w) => (w.opencast.down = true), expected: { action: 'none', outcome: 'NoVote', actions: [] } },
];

describe('plan-cycle', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare
    const w = new World(row.specs ?? SPECS, { env: row.env ?? {}, autoscaleConfig: row.config ?? queueConfig() });
    row.given?.(w);
    // Act
    const plan = await createPlanCycleHandler(w.deps)(row.input ?? {});
    // Assess
    const { action, outcome, actions, notChosen } = row.expected;
    expect({ action: plan.action, outcome: plan.outcome }).toEqual({ action, outcome });
    expect(plan.actions).toEqual(actions);
    if (notChosen) expect(plan.decision.notChosen).toEqual(expect.arrayContaining(notChosen));
    expect(plan.cycle).toBe('20261123T120000Z');
    // The cycle only reads: the workflow acts on the plan.
    expect(w.effects()).toEqual([]);
  });

  describe('at most one cycle acts at a time (issue 23.4)', () => {
    const wrapped = (startedSecondsAgo: number) => ({ input: {}, cycleStartedAt: at(startedSecondsAgo) });

    it('starts nothing when its plan ran past the next cycle\'s start (retried for minutes)', async () => {
      const w = new World(SPECS, { autoscaleConfig: queueConfig() });
      w.queue(6);
      const plan = await createPlanCycleHandler(w.deps)(wrapped(180));
      expect(plan.action).toBe('start');
      expect(plan.actions).toEqual([]);
      expect(plan.reason).toMatch(/plan ran 180 s after its cycle started, past the next cycle's start: it starts nothing/);
    });

    it('starts nothing while an older cycle still runs, and acts when it is alone', async () => {
      const w = new World(SPECS, { autoscaleConfig: queueConfig() });
      w.queue(6);
      w.executions.add({ workflow: AUTOSCALE_WORKFLOW, name: 'autoscale-now', input: {}, startedAt: at(0) });
      expect((await createPlanCycleHandler(w.deps)(wrapped(0))).actions).toEqual([boot('worker3')]);
      w.executions.add({ workflow: AUTOSCALE_WORKFLOW, name: 'autoscale-before', input: {}, startedAt: at(60) });
      const plan = await createPlanCycleHandler(w.deps)(wrapped(0));
      expect(plan.actions).toEqual([]);
      expect(plan.reason).toMatch(/an older cycle \(autoscale-before\) still runs: this one starts nothing/);
    });
  });

  it('keys the executions of two instances of one name by instance, and names the instance in the input (issue 23.4)', async () => {
    const w = new World(SPECS, { autoscaleConfig: queueConfig() });
    const twin = { ...w.fleet.instances.find((i) => i.hostname === 'worker3')!, id: 'ow-worker3-b', ec2Id: 'i-0000000b', privateDns: 'worker3b.internal' };
    w.fleet.instances.push(twin);
    w.queue(6);
    const plan = await createPlanCycleHandler(w.deps)({});
    expect(plan.actions).toEqual([
      {
        kind: 'boot',
        hostname: 'worker3',
        executionName: workerExecutionName('boot', 'worker3', NOW, 'ow-worker3-b'),
        input: { hostname: 'worker3', instanceId: 'ow-worker3-b', requestedBy: 'autoscale', reason: expect.any(String) },
        reason: expect.any(String),
      },
    ]);
    expect(plan.actions[0]).toMatchObject({ executionName: 'boot-worker3__ow-worker3-b-20261123T120000Z' });
  });

  it('asks CloudWatch once per cycle for a cloudwatch strategy, and not at all for a queue strategy', async () => {
    const load = new World(SPECS, { autoscaleConfig: LOAD_CONFIG });
    load.metrics.datapoints = LOW_LOAD;
    await createPlanCycleHandler(load.deps)({});
    const queue = new World(SPECS, { autoscaleConfig: queueConfig() });
    await createPlanCycleHandler(queue.deps)({});
    expect({ load: load.metrics.calls, queue: queue.metrics.calls }).toEqual({ load: 1, queue: 0 });
  });

  it('decides without memory when the last cycle cannot be read, and says so', async () => {
    // Prepare: a policy that remembers; DescribeExecution of the last cycle fails (throttled past its retries).
    const w = new World(SPECS, { autoscaleConfig: IDLE_TIMER });
    w.executions.add({ workflow: AUTOSCALE_WORKFLOW, name: 'cycle-1', input: {}, status: 'SUCCEEDED', startedAt: at(60) });
    const executions = Object.assign(w.executions, {
      output: async () => {
        throw new ThrottledError('stepfunctions', 'DescribeExecution: Rate exceeded');
      },
    });
    // Act
    const plan = await createPlanCycleHandler({ ...w.deps, executions })({});
    // Assess: the cycle is not failed; the policy starts afresh (its idle timers start now), and the reasons say why.
    expect(plan.action).toBe('none');
    expect(plan.reason).toMatch(/policy memory unreadable \(stepfunctions: DescribeExecution: Rate exceeded\): decided without it/);
    expect(plan.memory).toMatchObject({ policy: 'idle-timer', at: NOW.toISOString() });
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['the credentials check (401)', (w: World) => (w.opencast.checkCredentials = refuse('GET /info/me.json: Opencast refused the credentials of "u" (401)'))],
    ['the schedule alone (403: the account may not read events)', (w: World) => Object.assign(w.opencast, { scheduledEvents: refuse('GET /api/events: "u" is not allowed to do this (403)') })],
  ])('fails the cycle with a configuration error naming the account when Opencast refuses %s', async (_, given) => {
    const w = new World(SPECS, { autoscaleConfig: parseAutoscaleConfig({ strategies: [], policy: { name: 'schedule-aware' } }, 'test') });
    w.queue(20);
    given(w);
    await expect(createPlanCycleHandler(w.deps)({})).rejects.toMatchObject({
      name: 'ConfigError',
      field: 'MATTERHORN_USER/MATTERHORN_PASS',
      message: expect.stringMatching(/Opencast refused the account "u" \(opencast: GET \/\S+: .*\(40[13]\)\)/),
      cause: expect.objectContaining({ name: 'AuthError' }),
    });
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['a cycle without an autoscale config', undefined, {}, /AUTOSCALE_CONFIG: the autoscale workflow needs an autoscale config/],
    ['a period under 10 seconds', queueConfig(), { everySeconds: 5 }, /plan-cycle input everySeconds/],
  ])('rejects %s before any side effect', async (_, config, input, message) => {
    const w = new World(SPECS, config ? { autoscaleConfig: config } : {});
    await expect(createPlanCycleHandler(w.deps)(input)).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
