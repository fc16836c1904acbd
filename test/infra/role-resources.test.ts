/**
 * IAM by resource, not only by action name: each function's policies as the
 * stack synthesises them (infra/role-policies.ts), evaluated by the policy engine
 * the simulator uses (@cloud-copilot/iam-simulate), on the resources a function
 * really touches and on their neighbours. The execution ARNs of boot and drain
 * started from the console (UUID names), the cluster tag condition on
 * start/stop, the one secret, the KMS grants StartInstances needs for
 * customer-managed EBS keys.
 */
import { describe, expect, it } from 'vitest';
import { functionRoles } from '../../infra/role-policies';
import { evaluatePolicies } from '../../sim/aws/iam-evaluator';

const ACCOUNT = '111122223333';
const SCOPE = { partition: 'aws', region: 'us-east-1', account: ACCOUNT };
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:moscaler-c-opencast-AbCdEf`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BASE = {
  cluster: 'c',
  provider: 'ec2' as const,
  ec2ClusterTag: 'opencast:cluster',
  opencastSecretArn: SECRET,
  autoscale: { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }] },
  resourcePrefix: 'moscaler-c-',
  region: 'us-east-1',
};
const execution = (workflow: string, name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:execution:moscaler-c-${workflow}:${name}`;
const machine = (workflow: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:moscaler-c-${workflow}`;
const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0b000000000000001`;
const CONSOLE_NAME = '5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41';

/**
 * KMS honours IAM policies only where the key policy lets the account's IAM grant it: the default key policy does
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 */
const DEFAULT_KEY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };

const roles = await functionRoles(BASE, SCOPE);

async function decide(activity: string, action: string, resource: string, context: Record<string, string> = {}, of = roles) {
  const role = of[activity];
  if (!role) throw new Error(`no function ${activity}`);
  return evaluatePolicies({
    principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.roleId}/moscaler-c-${activity}`,
    account: ACCOUNT,
    action,
    resource,
    context,
    policies: role.policies,
    ...(action.startsWith('kms:') ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
  });
}

describe('the functions\' roles, by resource', () => {
  it('synthesises a role for every function, with its policies resolved to plain ARNs', () => {
    expect(Object.keys(roles).sort()).toEqual(
      ['abandon-drain', 'begin-drain', 'check-billing-window', 'check-boot', 'check-drained', 'check-stopped', 'plan-cycle', 'plan-scale', 'release-maintenance', 'set-maintenance', 'start-worker', 'stop-worker'].sort(),
    );
    expect(JSON.stringify(roles)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  });

  it.each(['plan-cycle', 'plan-scale', 'release-maintenance', 'start-worker', 'begin-drain'])(
    '%s may describe a boot or drain started from the console (a UUID name), and no execution of another state machine',
    async (activity) => {
      expect(await decide(activity, 'states:DescribeExecution', execution('boot-worker', CONSOLE_NAME))).toBe('Allowed');
      expect(await decide(activity, 'states:DescribeExecution', execution('drain-worker', CONSOLE_NAME))).toBe('Allowed');
      expect(await decide(activity, 'states:DescribeExecution', execution('scale', CONSOLE_NAME))).toBe('ImplicitlyDenied');
      expect(await decide(activity, 'states:DescribeExecution', `arn:aws:states:us-east-1:${ACCOUNT}:execution:other-stack-boot-worker:${CONSOLE_NAME}`)).toBe('ImplicitlyDenied');
    },
  );

  it('lets plan-cycle list the running cycles, and no other function', async () => {
    expect(await decide('plan-cycle', 'states:ListExecutions', machine('autoscale'))).toBe('Allowed');
    expect(await decide('start-worker', 'states:ListExecutions', machine('autoscale'))).toBe('ImplicitlyDenied');
    expect(await decide('start-worker', 'states:ListExecutions', machine('boot-worker'))).toBe('Allowed');
  });

  it('starts and stops only instances tagged with the cluster, and only from the start and stop functions', async () => {
    const ours = { 'aws:ResourceTag/opencast:cluster': 'c' };
    expect(await decide('start-worker', 'ec2:StartInstances', instance, ours)).toBe('Allowed');
    expect(await decide('start-worker', 'ec2:StartInstances', instance, { 'aws:ResourceTag/opencast:cluster': 'other' })).toBe('ImplicitlyDenied');
    expect(await decide('start-worker', 'ec2:StartInstances', instance, {})).toBe('ImplicitlyDenied');
    expect(await decide('stop-worker', 'ec2:StopInstances', instance, ours)).toBe('Allowed');
    expect(await decide('start-worker', 'ec2:StopInstances', instance, ours)).toBe('ImplicitlyDenied');
    expect(await decide('check-boot', 'ec2:StartInstances', instance, ours)).toBe('ImplicitlyDenied');
  });

  it('reads only its own secret', async () => {
    expect(await decide('check-boot', 'secretsmanager:GetSecretValue', SECRET)).toBe('Allowed');
    expect(await decide('check-boot', 'secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod-db-XyZ123`)).toBe('ImplicitlyDenied');
  });

  it('grants no KMS use unless the config names the EBS keys', async () => {
    expect(await decide('start-worker', 'kms:CreateGrant', KEY, { 'kms:GrantIsForAWSResource': 'true' })).toBe('ImplicitlyDenied');
  });

  it('with ebsKmsKeyArns, lets start-worker create grants for EC2 (only for an AWS resource) and decrypt with those keys only', async () => {
    const keyed = await functionRoles({ ...BASE, ebsKmsKeyArns: [KEY] }, SCOPE);
    const ask = (activity: string, action: string, resource: string, context: Record<string, string> = {}) => decide(activity, action, resource, context, keyed);
    expect(await ask('start-worker', 'kms:CreateGrant', KEY, { 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
    expect(await ask('start-worker', 'kms:CreateGrant', KEY, { 'kms:GrantIsForAWSResource': 'false' })).toBe('ImplicitlyDenied');
    expect(await ask('start-worker', 'kms:Decrypt', KEY)).toBe('Allowed');
    expect(await ask('start-worker', 'kms:Decrypt', `arn:aws:kms:us-east-1:${ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab`)).toBe('ImplicitlyDenied');
    expect(await ask('stop-worker', 'kms:Decrypt', KEY)).toBe('ImplicitlyDenied');
  });
});
