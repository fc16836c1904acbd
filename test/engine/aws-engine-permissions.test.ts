/**
 * The AWS engine's own Step Functions calls: an AccessDeniedException (a role without
 * states:DescribeExecution on a console-started boot) is a PermissionError naming the action
 * and the execution, not a DependencyError the workflows would retry. The real SFN client
 * against the simulated Step Functions with IAM and the real policy engine.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SIM_REGION } from '../../adapters/aws/clients';
import { PermissionError } from '../../core/errors';
import { AwsEngine } from '../../engine/aws-engine';
import { IamAuthorizer } from '../../sim/aws/iam-authorizer';
import { evaluatePolicies } from '../../sim/aws/iam-evaluator';
import { SIM_ACCOUNT_ID } from '../../sim/aws/opsworks';
import { createAwsRouter } from '../../sim/aws/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { FixtureClusterState } from '../fixtures/aws-sim-state';

const KEY = 'ASIAPLANCYCLESESSION';
const BOOT = `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:stateMachine:moscaler-boot-worker`;
const CONSOLE = `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:execution:moscaler-boot-worker:5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41`;

describe('AwsEngine under IAM', () => {
  it('turns a denied DescribeExecution into a PermissionError naming the action and the execution', async () => {
    // Prepare: the role before the fix, DescribeExecution on the autoscale executions only.
    const state = new FixtureClusterState();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'states:ListExecutions', Resource: BOOT },
        { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `arn:aws:states:us-east-1:${SIM_ACCOUNT_ID}:execution:moscaler-autoscale:*` },
      ],
    };
    const iam = new IamAuthorizer({
      roles: new Map([[KEY, { caller: 'moscaler-plan-cycle', principalArn: `arn:aws:sts::${SIM_ACCOUNT_ID}:assumed-role/PlanCycleRole/moscaler-plan-cycle`, policies: [{ name: 'p', policy }] }]]),
      evaluate: evaluatePolicies,
      account: SIM_ACCOUNT_ID,
      region: SIM_REGION,
    });
    const stepfunctions = { DescribeExecution: () => ({ executionArn: CONSOLE, stateMachineArn: BOOT, status: 'RUNNING', startDate: 0, input: '{"hostname":"worker2"}' }) };
    const router = createAwsRouter(state, { services: { stepfunctions }, authorize: (key, target, request) => iam.authorize(key, target, request.body, state) });
    const client = new SFNClient({ region: SIM_REGION, credentials: { accessKeyId: KEY, secretAccessKey: 'x', sessionToken: 't' }, requestHandler: createSdkRequestHandler(router), maxAttempts: 1 });
    const engine = new AwsEngine({ client, stateMachines: { arns: { 'boot-worker': BOOT } } });

    // Act
    const error = await engine.input({ workflow: 'boot-worker', name: '5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41', executionArn: CONSOLE }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).name).toBe('PermissionError');
    expect((error as PermissionError).action).toBe('states:DescribeExecution');
    expect((error as PermissionError).resource).toBe(CONSOLE);
    expect(iam.denials).toHaveLength(1);
  });
});
