/**
 * IAM in the simulated AWS: the real SDK clients, signed with a function's session
 * credentials, against the router with the authoriser and the real policy engine
 * (@cloud-copilot/iam-simulate). A denial comes back in each service's own words, and
 * the adapters turn it into a PermissionError that names the missing permission.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createAwsClients, SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { mapAwsError } from '../../adapters/aws/errors';
import { PermissionError } from '../../core/errors';
import { IamAuthorizer, type SimRole } from '../../sim/aws/iam-authorizer';
import { evaluatePolicies } from '../../sim/aws/iam-evaluator';
import { SIM_ACCOUNT_ID } from '../../sim/aws/opsworks';
import { createAwsRouter } from '../../sim/aws/router';
import { secretsManagerOperations, SimSecrets } from '../../sim/aws/secrets-manager';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { FixtureClusterState } from '../fixtures/aws-sim-state';

const FUNCTION_KEY = 'ASIAFUNCTIONSESSION1';
const PRINCIPAL = `arn:aws:sts::${SIM_ACCOUNT_ID}:assumed-role/StartWorkerRole/moscaler-start-worker`;
const MACHINE = `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:stateMachine:moscaler-boot-worker`;
const OURS = `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:execution:moscaler-autoscale:cycle-1`;
const CONSOLE = `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:execution:moscaler-boot-worker:5d4e2c1a-0000-4000-8000-000000000001`;

/** The shapes the stack grants (infra/permissions.ts): tag-conditioned start, scoped executions, one secret. */
function policy(secretArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'ec2:StartInstances',
        Resource: `arn:aws:ec2:us-east-1:${SIM_ACCOUNT_ID}:instance/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/opencast:cluster': 'prod-cluster' } },
      },
      { Effect: 'Allow', Action: 'states:ListExecutions', Resource: MACHINE },
      { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:execution:moscaler-autoscale:*` },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
    ],
  };
}

function simulated() {
  const state = new FixtureClusterState();
  // One instance outside the cluster: its tag does not match the condition.
  state.instances.find((i) => i.ec2Id === 'i-0b000000000000002')!.tags['opencast:cluster'] = 'other-cluster';
  const secrets = new SimSecrets(SIM_REGION);
  const secretArn = secrets.put('moscaler-opencast', '{"user":"u","password":"p"}', state.now());
  secrets.put('someone-elses', '{}', state.now());
  const role: SimRole = { caller: 'moscaler-start-worker', principalArn: PRINCIPAL, policies: [{ name: 'StartWorkerPolicy', policy: policy(secretArn) }] };
  const iam = new IamAuthorizer({
    roles: new Map([[FUNCTION_KEY, role]]),
    evaluate: evaluatePolicies,
    account: SIM_ACCOUNT_ID,
    region: SIM_REGION,
    secretArn: (id) => secrets.find(id)?.arn,
  });
  const described: string[] = [];
  const stepfunctions = {
    DescribeExecution: (_s: unknown, input: Record<string, unknown>) => {
      described.push(String(input.executionArn));
      return { executionArn: input.executionArn, stateMachineArn: MACHINE, status: 'RUNNING', startDate: 0, input: '{}' };
    },
    ListExecutions: () => ({ executions: [] }),
  };
  const router = createAwsRouter(state, {
    services: { secretsmanager: secretsManagerOperations(secrets), stepfunctions },
    authorize: (key, target, request) => iam.authorize(key, target, request.body, state),
  });
  const transports = { region: SIM_REGION, requestHandler: createSdkRequestHandler(router), maxAttempts: 1 };
  const asFunction = { ...transports, credentials: { accessKeyId: FUNCTION_KEY, secretAccessKey: 'x', sessionToken: 't' } };
  return {
    state,
    iam,
    described,
    fn: { ...createAwsClients(asFunction), secrets: new SecretsManagerClient(asFunction) },
    operator: createAwsClients({ ...transports, credentials: SIM_CREDENTIALS }),
  };
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('the call was allowed');
}

describe('IAM in the simulated AWS', () => {
  it('allows what the role grants: a wildcard-only read, a start on a cluster-tagged instance, the own secret', async () => {
    // Prepare
    const { fn, iam } = simulated();

    // Act
    const described = await fn.ec2.send(new DescribeInstancesCommand({}));
    const started = await fn.ec2.send(new StartInstancesCommand({ InstanceIds: ['i-0b000000000000001'] }));
    const secret = await fn.secrets.send(new GetSecretValueCommand({ SecretId: 'moscaler-opencast' }));

    // Assess
    expect(described.Reservations?.length).toBeGreaterThan(0);
    expect(started.StartingInstances?.[0]?.InstanceId).toBe('i-0b000000000000001');
    expect(secret.SecretString).toContain('"user"');
    expect(iam.denials).toEqual([]);
    expect(iam.checked).toBe(3);
  });

  it('refuses StartInstances on an instance whose tag fails the condition with EC2 UnauthorizedOperation (403), and changes nothing', async () => {
    // Prepare
    const { fn, iam, state } = simulated();
    const before = state.instances.find((i) => i.ec2Id === 'i-0b000000000000002')!.ec2State;

    // Act
    const error = await refusal(fn.ec2.send(new StartInstancesCommand({ InstanceIds: ['i-0b000000000000002'] })));

    // Assess
    expect(error.name).toBe('UnauthorizedOperation');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain(`User: ${PRINCIPAL} is not authorized to perform: ec2:StartInstances on resource: arn:aws:ec2:us-east-1:${SIM_ACCOUNT_ID}:instance/i-0b000000000000002`);
    expect(state.instances.find((i) => i.ec2Id === 'i-0b000000000000002')!.ec2State).toBe(before);
    expect(iam.denials).toEqual([
      expect.objectContaining({ caller: 'moscaler-start-worker', action: 'ec2:StartInstances', decision: 'ImplicitlyDenied' }),
    ]);
  });

  it('refuses DescribeExecution outside the granted execution ARNs with Step Functions AccessDeniedException (400), before the service reads it', async () => {
    // Prepare
    const { fn, described } = simulated();

    // Act
    await fn.sfn.send(new DescribeExecutionCommand({ executionArn: OURS }));
    const error = await refusal(fn.sfn.send(new DescribeExecutionCommand({ executionArn: CONSOLE })));

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(`not authorized to perform: states:DescribeExecution on resource: ${CONSOLE}`);
    expect(described).toEqual([OURS]);
  });

  it('refuses a secret the role does not name with Secrets Manager AccessDeniedException (400)', async () => {
    // Act
    const error = await refusal(simulated().fn.secrets.send(new GetSecretValueCommand({ SecretId: 'someone-elses' })));

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:\d{12}:secret:someone-elses-/);
  });

  it('refuses an action the role lacks on CloudWatch with AccessDenied (403), naming no resource for a wildcard-only action', async () => {
    // Act
    const error = await refusal(
      simulated().fn.cloudwatch.send(new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(60_000), MetricDataQueries: [] })),
    );

    // Assess
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(`User: ${PRINCIPAL} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`);
  });

  it('leaves the operator unrestricted: credentials of no simulated role are not the functions\'', async () => {
    // Prepare
    const { operator, iam } = simulated();

    // Act
    const listed = await operator.sfn.send(new ListExecutionsCommand({ stateMachineArn: `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:stateMachine:moscaler-scale` }));

    // Assess
    expect(listed.executions).toEqual([]);
    expect(iam.checked).toBe(0);
  });

  it.each([
    ['ec2', 'StartInstances', () => simulated().fn.ec2.send(new StartInstancesCommand({ InstanceIds: ['i-0b000000000000002'] })), 'ec2:StartInstances'],
    ['stepfunctions', 'DescribeExecution', () => simulated().fn.sfn.send(new DescribeExecutionCommand({ executionArn: CONSOLE })), 'states:DescribeExecution'],
  ] as const)('maps the %s denial of %s to a PermissionError naming the action and resource', async (system, operation, call, action) => {
    // Act
    const mapped = mapAwsError(await refusal(call()), { system, operation });

    // Assess
    expect(mapped).toBeInstanceOf(PermissionError);
    expect(mapped.name).toBe('PermissionError');
    expect((mapped as PermissionError).action).toBe(action);
    expect((mapped as PermissionError).resource).toMatch(/^arn:aws:(ec2|states):/);
    expect(mapped.message).toContain(`lacks ${action} on arn:aws:`);
  });
});
