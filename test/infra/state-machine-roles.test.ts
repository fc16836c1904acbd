/**
 * The state machines' own roles: Step Functions runs each Task with the state machine's execution role,
 * so a function Task needs lambda:InvokeFunction on the function and a startExecution Task
 * states:StartExecution on the child. The roles as the stack synthesises them (infra/role-policies.ts),
 * evaluated by the simulator's policy engine, asked by the local engine before each Task (the hook the
 * simulated deployment sets, wiring/sim-iam.ts's taskAuthorizer). A role without the grant fails the Task
 * as Step Functions reports it, and the denial is recorded (the soak's no-access-denied sees it).
 */
import { describe, expect, it } from 'vitest';
import { functionArn, START_EXECUTION, stateMachineArn } from '../../engine/arn';
import { LocalEngine } from '../../engine/local-engine';
import type { JsonValue } from '../../engine/types';
import { stackRoles } from '../../infra/role-policies';
import { IamAuthorizer, type IamPolicy, type SimRole } from '../../sim/aws/iam-authorizer';
import { evaluatePolicies } from '../../sim/aws/iam-evaluator';
import { taskAuthorizer } from '../../wiring/sim-iam';

const ACCOUNT = '111122223333';
const PREFIX = 'moscaler-c-';
const SCOPE = { partition: 'aws', region: 'us-east-1', account: ACCOUNT };
const BASE = {
  cluster: 'c',
  provider: 'ec2' as const,
  ec2ClusterTag: 'opencast:cluster',
  opencastSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:moscaler-c-opencast-AbCdEf`,
  autoscale: { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }] },
  resourcePrefix: PREFIX,
  region: 'us-east-1',
};
const machine = (workflow: string) => stateMachineArn(SCOPE, `${PREFIX}${workflow}`);
const fn = (activity: string) => functionArn(SCOPE, `${PREFIX}${activity}`);

const roles = await stackRoles(BASE, SCOPE);

/** The autoscale cycle's two kinds of Task: its plan-cycle function, then a boot started as a child. */
const CYCLE = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: fn('plan-cycle'), TimeoutSeconds: 10, Next: 'Boot' },
    Boot: { Type: 'Task', Resource: START_EXECUTION, TimeoutSeconds: 10, Parameters: { StateMachineArn: machine('boot-worker'), 'Name.$': '$.boot', Input: {} }, End: true },
  },
};
const BOOT = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };

/** The autoscale role with `drop` taken out of every statement's actions. */
function without(policies: readonly IamPolicy[], drop: string): IamPolicy[] {
  return policies.map((p) => {
    const policy = p.policy as { Statement: { Action: string | string[] }[] };
    const Statement = policy.Statement.map((s) => ({ ...s, Action: ([] as string[]).concat(s.Action).filter((a) => a !== drop) })).filter((s) => s.Action.length > 0);
    return { ...p, policy: { ...policy, Statement } };
  });
}

function deployed(autoscalePolicies: readonly IamPolicy[]) {
  const role = (workflow: string, policies: readonly IamPolicy[]): [string, SimRole] => [
    machine(workflow),
    { caller: `${PREFIX}${workflow}`, principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roles.stateMachines[workflow]!.roleId}/${PREFIX}${workflow}`, policies },
  ];
  const iam = new IamAuthorizer({
    roles: new Map(),
    stateMachines: new Map([role('autoscale', autoscalePolicies), role('boot-worker', roles.stateMachines['boot-worker']!.policies)]),
    evaluate: evaluatePolicies,
    account: ACCOUNT,
    region: SCOPE.region,
  });
  const planned: JsonValue[] = [];
  const engine = new LocalEngine({
    workflows: { autoscale: CYCLE, 'boot-worker': BOOT },
    handlers: { 'plan-cycle': (event) => (planned.push(event), { boot: 'boot-1' }) },
    resourcePrefix: PREFIX,
    scope: SCOPE,
    validateWithLibrary: false,
    authorizeTask: taskAuthorizer(Promise.resolve(iam), { ...SCOPE, prefix: PREFIX }, () => 0),
  });
  const cycle = async () => engine.wait(await engine.start('autoscale', {}, { name: 'cycle-1' }));
  return { iam, engine, planned, cycle };
}

describe("the state machines' roles", () => {
  it('synthesises an execution role for every state machine, resolved to plain ARNs', () => {
    expect(Object.keys(roles.stateMachines).sort()).toEqual(['autoscale', 'boot-worker', 'drain-worker', 'scale']);
    expect(JSON.stringify(roles.stateMachines)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  });

  it('lets the shipped autoscale role run its function and start a boot', async () => {
    const { iam, engine, planned, cycle } = deployed(roles.stateMachines.autoscale!.policies);

    const result = await cycle();

    expect(result.status).toBe('SUCCEEDED');
    expect(planned).toHaveLength(1);
    expect((await engine.list({ workflow: 'boot-worker' })).map((e) => e.ref.name)).toEqual(['boot-1']);
    expect(iam.checked).toBe(2);
    expect(iam.denials).toEqual([]);
  });

  it('fails a function Task whose role may not invoke it with Lambda.AWSLambdaException, before the function runs', async () => {
    const { iam, planned, cycle } = deployed(without(roles.stateMachines.autoscale!.policies, 'lambda:InvokeFunction'));

    const result = await cycle();

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Lambda.AWSLambdaException');
    expect(result.cause).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${roles.stateMachines.autoscale!.roleId}/moscaler-c-autoscale is not authorized to perform: lambda:InvokeFunction ` +
        `on resource: ${fn('plan-cycle')} because no identity-based policy allows the lambda:InvokeFunction action ` +
        '(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException)',
    );
    expect(planned).toEqual([]);
    expect(iam.denials).toEqual([{ at: 0, caller: 'moscaler-c-autoscale', action: 'lambda:InvokeFunction', resource: fn('plan-cycle'), decision: 'ImplicitlyDenied' }]);
  });

  it('fails a startExecution Task whose role may not start the child with StepFunctions.AWSStepFunctionsException, starting none', async () => {
    const { iam, engine, cycle } = deployed(without(roles.stateMachines.autoscale!.policies, 'states:StartExecution'));

    const result = await cycle();

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('StepFunctions.AWSStepFunctionsException');
    expect(result.cause).toMatch(/is not authorized to perform: states:StartExecution on resource: arn:aws:states:us-east-1:111122223333:stateMachine:moscaler-c-boot-worker .*Status Code: 400; Error Code: AccessDeniedException/);
    expect(await engine.list({ workflow: 'boot-worker' })).toEqual([]);
    expect(iam.denials.map((d) => `${d.caller} ${d.action} ${d.resource}`)).toEqual([`moscaler-c-autoscale states:StartExecution ${machine('boot-worker')}`]);
  });

  it('grants each state machine exactly its own functions and children', async () => {
    const ask = (workflow: string, action: string, resource: string) =>
      evaluatePolicies({ principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`, account: ACCOUNT, action, resource, context: {}, policies: roles.stateMachines[workflow]!.policies });
    expect(await ask('drain-worker', 'lambda:InvokeFunction', fn('begin-drain'))).toBe('Allowed');
    expect(await ask('boot-worker', 'lambda:InvokeFunction', fn('begin-drain'))).toBe('ImplicitlyDenied');
    expect(await ask('scale', 'states:StartExecution', machine('drain-worker'))).toBe('Allowed');
    expect(await ask('boot-worker', 'states:StartExecution', machine('drain-worker'))).toBe('ImplicitlyDenied');
  });

  it("lets the schedules' role start the autoscale cycle, and nothing else", async () => {
    const scheduleRoles = Object.values(roles.schedules);
    expect(scheduleRoles.length).toBeGreaterThan(0);
    for (const role of scheduleRoles) {
      const ask = (resource: string) =>
        evaluatePolicies({ principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/scheduler/s`, account: ACCOUNT, action: 'states:StartExecution', resource, context: {}, policies: role.policies });
      expect(await ask(machine('autoscale'))).toBe('Allowed');
      expect(await ask(machine('boot-worker'))).toBe('ImplicitlyDenied');
    }
  });
});
