/**
 * Every role in the template allows exactly what its one job needs: the table
 * below is the contract, written out independently of infra/permissions.ts.
 * No `*` action anywhere; a `*` resource only for the read-only actions AWS
 * cannot limit; every change to the fleet limited to the cluster.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, type Scope } from './template-values';
import { resourcesOf, STACK_ID, synth, type Synthesised } from './synth';

const SCOPE: Scope = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const STACK_ARN = `arn:aws:opsworks:us-east-1:111122223333:stack/${STACK_ID}/`;
const sm = (w: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:moscaler-c-${w}`;
const CHILDREN = [sm('boot-worker'), sm('drain-worker')];
/** Their executions, whatever their name (one started from the console is described to read its worker). */
const CHILD_EXECUTIONS = ['boot-worker', 'drain-worker'].map((w) => `arn:aws:states:us-east-1:111122223333:execution:moscaler-c-${w}:*`);
const CYCLE_EXECUTIONS = 'arn:aws:states:us-east-1:111122223333:execution:moscaler-c-autoscale:*';
/** Actions AWS offers no resource-level permission for (or, DescribeStacks, that the adapter calls without ids). */
const UNSCOPED = new Set(['ec2:DescribeInstances', 'opsworks:DescribeStacks', 'cloudwatch:GetMetricData']);

const OPSWORKS_READ = ['ec2:DescribeInstances', 'opsworks:DescribeInstances', 'opsworks:DescribeLayers', 'opsworks:DescribeStacks'];
const SECRET = ['secretsmanager:GetSecretValue'];
const LIST = ['states:DescribeExecution', 'states:ListExecutions'];

const OPSWORKS_EXPECTED: Record<string, string[]> = {
  'plan-cycle': [...OPSWORKS_READ, 'cloudwatch:GetMetricData', ...SECRET, ...LIST],
  'plan-scale': [...OPSWORKS_READ, 'cloudwatch:GetMetricData', ...SECRET, ...LIST],
  'release-maintenance': [...OPSWORKS_READ, ...SECRET, ...LIST],
  'start-worker': [...OPSWORKS_READ, 'opsworks:StartInstance', ...SECRET, ...LIST],
  'check-boot': [...OPSWORKS_READ, ...SECRET],
  'begin-drain': [...OPSWORKS_READ, ...SECRET, ...LIST],
  'check-billing-window': [...OPSWORKS_READ, 'cloudwatch:GetMetricData', ...SECRET, ...LIST],
  'set-maintenance': [...OPSWORKS_READ, ...SECRET],
  'check-drained': [...OPSWORKS_READ, 'cloudwatch:GetMetricData', ...SECRET, ...LIST],
  'stop-worker': ['opsworks:StopInstance', ...SECRET],
  'check-stopped': [...OPSWORKS_READ, ...SECRET],
  'abandon-drain': [...OPSWORKS_READ, ...SECRET],
};

interface Grant {
  actions: string[];
  resources: string[];
  condition?: unknown;
}

function grantsOfFunction(s: Synthesised, activity: string): Grant[] {
  const [, fn] = resourcesOf(s, 'AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === `moscaler-c-${activity}`)!;
  return grantsOfRole(s, fn.Properties.Role['Fn::GetAtt'][0]);
}

function grantsOfRole(s: Synthesised, roleId: string): Grant[] {
  const role = s.json.Resources[roleId]!;
  expect(role.Properties.ManagedPolicyArns ?? [], `${roleId} has managed policies`).toEqual([]);
  expect(role.Properties.Policies ?? [], `${roleId} has inline policies outside AWS::IAM::Policy`).toEqual([]);
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>)
    .map((st) => {
      expect(st.Effect).toBe('Allow');
      return {
        actions: [st.Action].flat(),
        resources: [st.Resource].flat().map((r) => evaluate(r, s, SCOPE)),
        ...(st.Condition ? { condition: st.Condition } : {}),
      };
    });
}

function actionsOf(grants: Grant[]): string[] {
  return [...new Set(grants.flatMap((g) => g.actions).filter((a) => !a.startsWith('logs:')))].sort();
}

describe('activity roles (OpsWorks provider)', () => {
  const s = synth();

  it.each(Object.keys(OPSWORKS_EXPECTED))('%s may do exactly what its job needs', (activity) => {
    expect(actionsOf(grantsOfFunction(s, activity))).toEqual([...OPSWORKS_EXPECTED[activity]!].sort());
  });

  it.each(Object.keys(OPSWORKS_EXPECTED))('%s: no * action, and every resource is the one the action touches', (activity) => {
    const logGroup = `/aws/lambda/moscaler-c-${activity}`;
    for (const g of grantsOfFunction(s, activity)) {
      for (const action of g.actions) {
        expect(action).not.toContain('*');
        const expected = (() => {
          if (UNSCOPED.has(action)) return ['*'];
          if (action.startsWith('opsworks:')) return [STACK_ARN];
          if (action === 'secretsmanager:GetSecretValue') return [expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:111122223333:secret:moscaler-c-opencast-/)];
          // plan-cycle also lists the running cycles (at most one acts at a time); the plan steps (plan-scale runs
          // plan-cycle's) read the last cycle's output whatever the policy: it carries the serving memory.
          const plans = activity === 'plan-cycle' || activity === 'plan-scale';
          if (action === 'states:ListExecutions') return g.resources.includes(sm('autoscale')) && plans ? [sm('autoscale')] : CHILDREN;
          if (action === 'states:DescribeExecution') return g.resources.includes(CYCLE_EXECUTIONS) && plans ? [CYCLE_EXECUTIONS] : CHILD_EXECUTIONS;
          if (action.startsWith('logs:')) return [expect.stringMatching(new RegExp(`^arn:.*${logGroup}`))];
          return ['(unexpected action)'];
        })();
        expect(g.resources, `${activity}: ${action}`).toEqual(expected);
      }
      // A statement mixing a `*` action with a scoped one would widen the scoped one.
      if (g.resources.includes('*')) expect(g.actions.every((a) => UNSCOPED.has(a)), g.actions.join()).toBe(true);
    }
  });

  it('every workflow role invokes only its own functions and starts only its own children', () => {
    const expected: Record<string, { invoke: string[]; start: string[] }> = {
      autoscale: { invoke: ['plan-cycle', 'release-maintenance'], start: CHILDREN },
      scale: { invoke: ['plan-scale', 'release-maintenance'], start: CHILDREN },
      'boot-worker': { invoke: ['check-boot', 'check-stopped', 'set-maintenance', 'start-worker', 'stop-worker'], start: [] },
      'drain-worker': {
        invoke: ['abandon-drain', 'begin-drain', 'check-billing-window', 'check-drained', 'check-stopped', 'set-maintenance', 'stop-worker'],
        start: [],
      },
    };
    for (const [, machine] of resourcesOf(s, 'AWS::StepFunctions::StateMachine')) {
      const workflow = String(machine.Properties.StateMachineName).replace('moscaler-c-', '');
      const grants = grantsOfRole(s, machine.Properties.RoleArn['Fn::GetAtt'][0]);
      const byAction = (a: string) => grants.filter((g) => g.actions.includes(a)).flatMap((g) => g.resources).sort();
      expect(byAction('lambda:InvokeFunction')).toEqual(expected[workflow]!.invoke.map((a) => `arn:aws:lambda:us-east-1:111122223333:function:moscaler-c-${a}`));
      expect(byAction('states:StartExecution')).toEqual(expected[workflow]!.start);
      // The rest is CloudWatch Logs delivery, which has no resource-level permissions.
      const rest = grants.filter((g) => !g.actions.includes('lambda:InvokeFunction') && !g.actions.includes('states:StartExecution'));
      expect(rest.flatMap((g) => g.actions).every((a) => a.startsWith('logs:') && !a.includes('*'))).toBe(true);
    }
  });

  it('no statement anywhere in the template allows a * action', () => {
    for (const [id, p] of resourcesOf(s, 'AWS::IAM::Policy')) {
      for (const st of p.Properties.PolicyDocument.Statement) expect([st.Action].flat().filter((a: string) => a.includes('*')), id).toEqual([]);
    }
  });
});

describe('a policy that remembers', () => {
  const s = synth({ autoscale: { strategies: [], policy: { name: 'idle-timer' } } });

  it.each(['plan-cycle', 'plan-scale'])('lets %s read the newest autoscale execution and its output, and nothing else of Step Functions', (activity) => {
    const states = grantsOfFunction(s, activity).filter((g) => g.actions.some((a) => a.startsWith('states:')));
    expect(states).toEqual([
      { actions: ['states:ListExecutions'], resources: CHILDREN },
      { actions: ['states:DescribeExecution'], resources: CHILD_EXECUTIONS },
      { actions: ['states:ListExecutions'], resources: [sm('autoscale')] },
      { actions: ['states:DescribeExecution'], resources: ['arn:aws:states:us-east-1:111122223333:execution:moscaler-c-autoscale:*'] },
    ]);
  });

  it('gives no other function the autoscale executions', () => {
    // The plan steps, and the drain checks that ask the policy whether it would keep the worker now.
    const readers = ['plan-cycle', 'plan-scale', 'check-billing-window', 'check-drained'];
    for (const activity of Object.keys(OPSWORKS_EXPECTED).filter((a) => !readers.includes(a))) {
      const described = grantsOfFunction(s, activity).filter((g) => g.actions.includes('states:DescribeExecution'));
      expect(described.flatMap((g) => g.resources).filter((r) => r.includes(':execution:moscaler-c-autoscale:')), activity).toEqual([]);
    }
  });
});

describe('activity roles (EC2 provider)', () => {
  const s = synth({ provider: 'ec2', ec2ClusterTag: 'opencast:cluster' });

  it('describes instances, and starts and stops only those tagged with the cluster', () => {
    for (const [activity, action] of [
      ['start-worker', 'ec2:StartInstances'],
      ['stop-worker', 'ec2:StopInstances'],
    ] as const) {
      const grants = grantsOfFunction(s, activity);
      expect(grants.find((g) => g.actions.includes(action))).toEqual({
        actions: [action],
        resources: ['arn:aws:ec2:us-east-1:111122223333:instance/*'],
        condition: { StringEquals: { 'aws:ResourceTag/opencast:cluster': 'c' } },
      });
    }
    expect(actionsOf(grantsOfFunction(s, 'check-boot'))).toEqual(['ec2:DescribeInstances', 'secretsmanager:GetSecretValue']);
    expect(actionsOf(grantsOfFunction(s, 'stop-worker'))).toEqual(['ec2:StopInstances', 'secretsmanager:GetSecretValue']);
  });

  it('follows a custom cluster tag key', () => {
    const t = synth({ provider: 'ec2', ec2ClusterTag: 'oc:cluster' });
    const grant = grantsOfFunction(t, 'stop-worker').find((g) => g.actions.includes('ec2:StopInstances'));
    expect(grant?.condition).toEqual({ StringEquals: { 'aws:ResourceTag/oc:cluster': 'c' } });
  });
});
