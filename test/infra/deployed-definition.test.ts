/**
 * The deployed wiring, run: the state machine definitions and substitutions
 * are taken from the synthesised template (not from infra/workflows), filled
 * as CloudFormation fills them, and run by the local engine against the
 * simulated cluster. Each Task reaches the handler of the function the
 * template names (its Description says which activity file is its entry), with
 * settings resolved from that function's environment in the template, and child
 * executions start through the state machine ARNs the template passes.
 *
 * Every AWS call, Opencast call and execution listing is recorded per function
 * (as if each were its own Lambda container) and checked against that
 * function's IAM policy in the template: everything used is allowed, and every
 * action allowed is used by some scenario here.
 *
 * Not exercised: wiring/lambda-runtime.ts itself (the secret read and the
 * real SDK clients at cold start); bundle.test.ts shows the bundles load.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import type { ActivityDeps, ActivityHandler } from '../../activities/support/deps';
import { createRuntime, type Runtime } from '../../wiring/runtime';
import { ACTIVITY_FACTORIES } from '../../wiring/activities';
import { parseAutoscaleConfig, parseJsonText } from '../../core/autoscale-config';
import { resolveSettings } from '../../core/settings';
import { pascalCase } from '../../engine/arn';
import { LocalEngine } from '../../engine/local-engine';
import type { LambdaHandler } from '../../engine/task-handlers';
import type { HistoryEvent, JsonValue } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import { PROJECT_ROOT } from '../../infra/stack';
import { createAwsRouter } from '../../sim/aws/router';
import { fromFakeTimers } from '../../sim/model/clock';
import { parseScenario, type ScenarioInput } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { createOpencastRouter } from '../../sim/opencast/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';
import { evaluate, type Scope } from './template-values';
import { resourcesOf, synth, type Synthesised } from './synth';

/** The account and region a deployed stack would resolve to (any will do: names carry the wiring). */
const SCOPE: Scope = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const START = '2025-10-13T10:00:00Z';
/** Both strategies, so plan-cycle also reads CloudWatch. */
const AUTOSCALE = {
  strategies: [
    { method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } },
    { method: 'cloudwatch', name: 'load', settings: { metric: 'load_1', namespace: 'AWS/OpsWorks', layer_name: 'Workers', up_threshold: 1000, down_threshold: 1000 } },
  ],
  pause_cycles: 1,
};
const IAM_PREFIX: Record<string, string> = { opsworks: 'opsworks', ec2: 'ec2', cloudwatch: 'cloudwatch', stepfunctions: 'states' };

// Hourly billing (the legacy choice), so that every function, check-billing-window included, gets called.
const s = synth({ autoscale: AUTOSCALE, billing: 'hourly' });
const deployed = deployedWorkflows(s);
const functions = deployedFunctions(s);
/** Function name → IAM actions it was seen to need, over all scenarios. */
const used = new Map<string, Set<string>>();

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the synthesised definitions', () => {
  it('have every placeholder filled by the template', () => {
    for (const [workflow, d] of Object.entries(deployed)) expect(JSON.stringify(d), workflow).not.toMatch(/\$\{[A-Za-z]+\}/);
  });

  it('give every function the activity it runs, one the Lambda entry knows', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.environment.MOSCALER_ACTIVITY, fn.activity).toBe(fn.activity);
      expect(ACTIVITY_FACTORIES[fn.activity], fn.activity).toBeTypeOf('function');
    }
  });
});

describe('the deployed workflows on the simulated cluster', () => {
  it('an idle autoscale cycle takes three state transitions', async () => {
    const sim = await start([online('worker1', { uptimeMinutes: 20 })]);
    const ref = await sim.engine.start('autoscale', { everySeconds: 60 }, { name: 'autoscale-idle' });
    await sim.vt.drive(sim.engine.wait(ref));
    expect(entered(await sim.engine.history(ref))).toEqual(['Plan', 'HasWork', 'Idle']);
  });

  it('scales up: the cycle starts boot-worker through the deployed ARN and the worker comes online', async () => {
    const sim = await start([online('worker1'), stopped('worker2')], { queue: { queued: 60, queuedHighLoad: 60 } });
    const ref = await sim.engine.start('autoscale', { everySeconds: 60 }, { name: 'autoscale-up' });
    await sim.vt.drive(sim.engine.wait(ref));
    await sim.vt.run({ until: () => sim.engine.activeCount === 0 });
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    expect(boots.map((b) => b.status)).toEqual(['SUCCEEDED']);
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status).toBe('online');
  });

  it('scales down: the cycle starts drain-worker, which stops an idle worker in its billing window', async () => {
    const sim = await start([online('worker1', { uptimeMinutes: 50 }), online('worker2', { uptimeMinutes: 50 })]);
    // A few quiet minutes, so CloudWatch has load datapoints for the load strategy to vote on.
    await sim.vt.run({ deadline: Date.parse(START) + 5 * 60_000 });
    const ref = await sim.engine.start('autoscale', { everySeconds: 60, minWorkers: 1 }, { name: 'autoscale-down' });
    await sim.vt.drive(sim.engine.wait(ref));
    await sim.vt.run({ until: () => sim.engine.activeCount === 0 });
    const drains = await sim.engine.list({ workflow: 'drain-worker' });
    expect(drains.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect(entered(await sim.engine.history(drains[0]!.ref)).at(-1)).toBe('Stopped');
    expect(sim.cluster.instances.filter((i) => i.status === 'stopped')).toHaveLength(1);
  });

  it('an autoscale drain waiting for the billing window asks its policy again (CloudWatch vote included)', async () => {
    // Soak seed 20261231: the stack let check-drained read the metrics the policy votes on, not check-billing-window.
    const sim = await start([online('worker1', { uptimeMinutes: 40 }), online('worker2', { uptimeMinutes: 40 })]);
    // A few quiet minutes, so CloudWatch has load datapoints for the load strategy to vote on.
    await sim.vt.run({ deadline: Date.parse(START) + 5 * 60_000 });
    // As the cycle starts it (core/autoscale.ts): requested by autoscale, respecting the billing window.
    const input = { hostname: 'worker1', requestedBy: 'autoscale', respectBillingWindow: true, minWorkers: 1, reason: 'stop #1' };
    const ref = await sim.engine.start('drain-worker', input, { name: 'drain-worker1-a' });
    await sim.vt.drive(sim.engine.wait(ref));
    const states = entered(await sim.engine.history(ref));
    expect(states).toContain('CheckBillingWindow');
    expect(states.at(-1)).toBe('Stopped');
  });

  it('a drain started early waits for the billing window, then stops the worker', async () => {
    const sim = await start([online('worker1', { uptimeMinutes: 30 }), online('worker2')]);
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1' }, { name: 'drain-worker1-w' });
    await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    expect(entered(history)).toContain('CheckBillingWindow');
    expect(entered(history).at(-1)).toBe('Stopped');
    // Hourly billing, threshold 50: not stopped before minute 50 of its hour, 20 minutes after the start.
    expect(Date.parse(history.find((e) => e.state === 'StopInstance')!.at) - Date.parse(START)).toBeGreaterThanOrEqual(20 * 60_000);
  });

  it('puts a worker stranded in maintenance back in service', async () => {
    const sim = await start([online('worker1', { uptimeMinutes: 20, maintenance: true }), online('worker2', { uptimeMinutes: 20 })]);
    const ref = await sim.engine.start('autoscale', { everySeconds: 60 }, { name: 'autoscale-release' });
    await sim.vt.drive(sim.engine.wait(ref));
    expect(entered(await sim.engine.history(ref))).toContain('ReleaseMaintenance');
    expect(sim.cluster.hosts.filter((h) => h.maintenance)).toEqual([]);
  });

  it('abandons a drain it cannot finish and leaves no worker in maintenance', async () => {
    const sim = await start([online('worker1', { runningJobs: 1 }), online('worker2')], {
      faults: [{ at: '+3m', kind: 'opencast-down', forMinutes: 240 }],
    });
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false, maxDrainMinutes: 5 }, { name: 'drain-worker1-x' });
    await sim.vt.drive(sim.engine.wait(ref));
    expect(entered(await sim.engine.history(ref))).toContain('AbandonDrain');
    expect(sim.cluster.runData().counters.stops).toBe(0);
  });
});

describe('the deployed scale workflow (the console\'s commands)', () => {
  it('scales down one worker: one drain started through the deployed ARN', async () => {
    const sim = await start([online('worker1', { uptimeMinutes: 50 }), online('worker2', { uptimeMinutes: 50 })]);
    const ref = await sim.engine.start('scale', { command: 'down', count: 1 }, { name: 'scale-down' });
    expect((await sim.vt.drive(sim.engine.wait(ref))).status).toBe('SUCCEEDED');
    await sim.vt.run({ until: () => sim.engine.activeCount === 0 });
    expect((await sim.engine.list({ workflow: 'drain-worker' })).map((d) => d.status)).toEqual(['SUCCEEDED']);
  });

  it('runs the autoscale plan as a dry run and starts nothing', async () => {
    const sim = await start([online('worker1'), stopped('worker2')], { queue: { queued: 60, queuedHighLoad: 60 } });
    const ref = await sim.engine.start('scale', { command: 'auto', dryRun: true }, { name: 'scale-auto-dry' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(await sim.engine.history(ref))).toEqual(['Plan', 'DryRun', 'Decided']);
    expect(await sim.engine.list({ workflow: 'boot-worker' })).toEqual([]);
  });
});

describe('IAM in the template, against what the functions did', () => {
  it('allows every call each function made', () => {
    expect(used.size).toBe(Object.keys(functions).length);
    for (const [name, actions] of used) {
      const allowed = functions[name]!.allowed;
      expect([...actions].filter((a) => !allowed.has(a)), name).toEqual([]);
    }
  });

  it('allows nothing no function needed', () => {
    for (const [name, fn] of Object.entries(functions)) {
      // Every function reads the secret at cold start (wiring/lambda-runtime.ts), Opencast or not;
      // log writing is the Lambda runtime's own.
      // DescribeExecution of a boot or drain is for one not named by us (a console start): role-resources.test.ts.
      const unused = [...fn.allowed].filter((a) => !used.get(name)?.has(a) && a !== 'secretsmanager:GetSecretValue' && a !== 'states:DescribeExecution' && !a.startsWith('logs:'));
      expect(unused, name).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

interface DeployedFunction {
  activity: string;
  entry: string;
  environment: Record<string, string>;
  allowed: Set<string>;
}

/** Workflow name → its definition with the template's substitutions filled in, as CloudFormation does. */
function deployedWorkflows(t: Synthesised): Record<string, JsonValue> {
  const prefix = t.config.resourcePrefix;
  return Object.fromEntries(
    resourcesOf(t, 'AWS::StepFunctions::StateMachine').map(([, r]) => {
      const values = Object.fromEntries(
        Object.entries(r.Properties.DefinitionSubstitutions as Record<string, unknown>).map(([k, v]) => [k, evaluate(v, t, SCOPE)]),
      );
      const text = String(r.Properties.DefinitionString).replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, key: string) => values[key] ?? whole);
      return [String(r.Properties.StateMachineName).slice(prefix.length), JSON.parse(text) as JsonValue];
    }),
  );
}

/** Function name → what the template says about it. */
function deployedFunctions(t: Synthesised): Record<string, DeployedFunction> {
  return Object.fromEntries(
    resourcesOf(t, 'AWS::Lambda::Function').map(([, r]) => {
      const [, activity, entry] = /^mo-scaler activity (\S+) \((\S+)\)$/.exec(String(r.Properties.Description))!;
      const environment = Object.fromEntries(
        Object.entries(r.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [k, evaluate(v, t, SCOPE)]),
      );
      const roleId = r.Properties.Role['Fn::GetAtt'][0];
      const allowed = new Set(
        resourcesOf(t, 'AWS::IAM::Policy')
          .filter(([, p]) => p.Properties.Roles.some((x: { Ref: string }) => x.Ref === roleId))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat())),
      );
      return [String(r.Properties.FunctionName), { activity: activity!, entry: `${PROJECT_ROOT}/${entry}`, environment, allowed }];
    }),
  );
}

const online = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55, ...extra });
const stopped = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true });
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

/**
 * A simulated cluster and the local engine running the deployed definitions.
 * Each function gets its own dependencies (its own cache, like its own Lambda
 * container), built from its environment in the template plus what the secret holds.
 */
async function start(workers: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const scenario = parseScenario({
    // The stack under test (BASE_INPUT) is for an OpsWorks stack.
    provider: 'opsworks',
    opencast: { version: '15.0' },
    cluster: 'c',
    start: START,
    billing: 'hourly',
    workers,
    others: [{ hostname: 'admin1', layer: 'admin' }],
    ...extra,
  } as ScenarioInput);
  const vt = VirtualTime.install({ start: scenario.start });
  const clock = fromFakeTimers(vt.clock);
  const cluster = createSimCluster(scenario, clock);
  const calls = new AsyncLocalStorage<string>();
  const note = (action: string) => {
    const fn = calls.getStore();
    if (!fn) throw new Error(`${action} made outside any function`);
    let set = used.get(fn);
    if (!set) used.set(fn, (set = new Set()));
    set.add(action);
  };
  const opencast = createOpencastRouter(cluster);
  const dispatcher = new RouterDispatcher(async (request) => {
    // Opencast calls need the credentials, which the functions read from the secret.
    note('secretsmanager:GetSecretValue');
    return opencast(request);
  });
  const requestHandler = createSdkRequestHandler(createAwsRouter(cluster, { onCall: (c) => note(`${IAM_PREFIX[c.service]}:${c.operation}`) }));

  let engine: LocalEngine | undefined;
  const runtimes: Runtime[] = [];
  const handlers: Record<string, LambdaHandler> = {};
  for (const [name, fn] of Object.entries(functions)) {
    const env: Record<string, string> = { ...fn.environment, AWS_REGION: SIM_REGION, MATTERHORN_USER: scenario.opencast.user, MATTERHORN_PASS: scenario.opencast.password };
    const settings = resolveSettings({}, env);
    const runtime = createRuntime(settings, { requestHandler, credentials: SIM_CREDENTIALS, dispatcher, now: () => new Date(clock.now()) });
    runtimes.push(runtime);
    const deps: ActivityDeps = {
      settings,
      fleet: runtime.fleet,
      opencastAt: runtime.opencastAt,
      metrics: runtime.metrics,
      executions: {
        list: (filter) => {
          note('states:ListExecutions');
          return engine!.list(filter);
        },
      },
      now: runtime.now,
      autoscaleConfig: parseAutoscaleConfig(parseJsonText(env.AUTOSCALE_CONFIG!, 'AUTOSCALE_CONFIG'), 'AUTOSCALE_CONFIG'),
      cache: {},
    };
    // The activity module's own factory: the one the Lambda entry builds its handler from.
    const module = (await import(fn.entry)) as Record<string, (deps: ActivityDeps) => ActivityHandler>;
    const factory = module[`create${pascalCase(fn.activity)}Handler`];
    expect(factory, `${fn.entry} exports create${pascalCase(fn.activity)}Handler`).toBeTypeOf('function');
    const handler = factory!(deps);
    handlers[name] = ((event: JsonValue) => calls.run(name, () => handler(event))) as unknown as LambdaHandler;
  }
  engine = new LocalEngine({ workflows: deployed, handlers, resourcePrefix: s.config.resourcePrefix, hooks: vt.hooks });
  cleanup = async () => {
    vt.uninstall();
    for (const r of runtimes) await r.close();
    await dispatcher.close();
  };
  return { vt, cluster, engine };
}
