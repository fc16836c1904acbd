/**
 * A missing IAM permission is permanent: AccessDenied, AccessDeniedException and
 * UnauthorizedOperation become a PermissionError (no workflow retries that name)
 * that says which permission is missing, from AWS's own message where it gives it.
 */
import { describe, expect, it } from 'vitest';
import { mapAwsError } from '../../../adapters/aws/errors';
import { DependencyError, PermissionError, exitCodeFor } from '../../../core/errors';

function sdkError(name: string, message: string, status: number) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

const ROLE = 'arn:aws:sts::123456789012:assumed-role/MoscalerPlanCycleRole/moscaler-plan-cycle';

describe('permission denials', () => {
  it.each([
    [
      'AccessDeniedException',
      400,
      'stepfunctions',
      'DescribeExecution',
      `User: ${ROLE} is not authorized to perform: states:DescribeExecution on resource: arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e because no identity-based policy allows the states:DescribeExecution action`,
      'states:DescribeExecution',
      'arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e',
    ],
    [
      'UnauthorizedOperation',
      403,
      'ec2',
      'StartInstances',
      `You are not authorized to perform this operation. User: ${ROLE} is not authorized to perform: ec2:StartInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-0b000000000000001 because no identity-based policy allows the ec2:StartInstances action. Encoded authorization failure message: abc`,
      'ec2:StartInstances',
      'arn:aws:ec2:us-east-1:123456789012:instance/i-0b000000000000001',
    ],
    [
      'AccessDenied',
      403,
      'cloudwatch',
      'GetMetricData',
      `User: ${ROLE} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`,
      'cloudwatch:GetMetricData',
      undefined,
    ],
  ] as const)('maps %s (HTTP %i) from %s %s to a PermissionError naming the action and resource', (code, status, system, operation, message, action, resource) => {
    // Act
    const mapped = mapAwsError(sdkError(code, message, status), { system, operation });

    // Assess
    expect(mapped).toBeInstanceOf(PermissionError);
    expect(mapped).not.toBeInstanceOf(DependencyError);
    expect(mapped.name).toBe('PermissionError');
    expect((mapped as PermissionError).action).toBe(action);
    expect((mapped as PermissionError).resource).toBe(resource);
    expect(mapped.message).toBe(
      `${system}: ${operation} denied (${code}): the caller's IAM role or user lacks ${action}${resource ? ` on ${resource}` : ''} (a deployed function: its role in infra/permissions.ts)`,
    );
    // The fix is in the deployment or the operator's credentials: a user error (exit 2), as a bad config is.
    expect(exitCodeFor(mapped)).toBe(2);
  });

  it('names the call as the permission when AWS says no more than UnauthorizedOperation', () => {
    // Act
    const mapped = mapAwsError(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403), { system: 'ec2', operation: 'StopInstances', mutating: true });

    // Assess
    expect(mapped).toBeInstanceOf(PermissionError);
    expect((mapped as PermissionError).action).toBeUndefined();
    expect(mapped.message).toContain('lacks ec2:StopInstances');
  });

  it('still reports refused credentials (an unknown key) as a DependencyError', () => {
    // Act
    const mapped = mapAwsError(sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400), { system: 'stepfunctions', operation: 'ListExecutions' });

    // Assess
    expect(mapped.name).toBe('DependencyError');
  });
});
