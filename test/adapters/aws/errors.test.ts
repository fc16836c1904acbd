import { describe, expect, it } from 'vitest';
import { mapAwsError, redact } from '../../../adapters/aws/errors';
import { ConfigError, DependencyError, InsufficientCapacityError, ScalingError, ThrottledError } from '../../../core/errors';

/** The fields an SDK v3 ServiceException carries. */
function sdkError(name: string, message: string, status: number, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('mapAwsError', () => {
  it.each([
    ['ThrottlingException', 400],
    ['Throttling', 400],
    ['RequestLimitExceeded', 503],
    ['TooManyRequestsException', 429],
  ])('returns ThrottledError when AWS answers %s', (code, status) => {
    // Prepare
    const cause = sdkError(code, 'Rate exceeded', status);

    // Act
    const mapped = mapAwsError(cause, { system: 'opsworks', operation: 'DescribeInstances' });

    // Assess
    expect(mapped).toBeInstanceOf(ThrottledError);
    expect(mapped.name).toBe('ThrottledError');
    expect(mapped.cause).toBe(cause);
  });

  it('returns DependencyError when the service fails with a 5xx', () => {
    // Act
    const mapped = mapAwsError(sdkError('InternalFailure', 'boom', 500, 'server'), {
      system: 'cloudwatch',
      operation: 'GetMetricStatistics',
    });

    // Assess
    expect(mapped).toBeInstanceOf(DependencyError);
    expect(mapped).not.toBeInstanceOf(ThrottledError);
    expect(mapped.message).toBe('cloudwatch: GetMetricStatistics failed on the AWS side (InternalFailure, HTTP 500)');
  });

  it('returns ScalingError when a start or stop is refused for the instance state', () => {
    // Act
    const mapped = mapAwsError(sdkError('IncorrectInstanceState', 'not stopped', 400), {
      system: 'ec2',
      operation: 'StartInstances',
      mutating: true,
    });

    // Assess
    expect(mapped).toBeInstanceOf(ScalingError);
  });

  it('returns InsufficientCapacityError (named for the workflow Catch, not retried) when EC2 has no capacity for a start', () => {
    // Act: EC2 answers it as a server error, HTTP 500.
    const mapped = mapAwsError(sdkError('InsufficientInstanceCapacity', 'We currently do not have sufficient c5.9xlarge capacity', 500, 'server'), {
      system: 'ec2',
      operation: 'StartInstances',
      mutating: true,
    });

    // Assess
    expect(mapped).toBeInstanceOf(InsufficientCapacityError);
    expect(mapped.name).toBe('InsufficientCapacityError');
    expect(mapped.message).toMatch(/StartInstances refused \(InsufficientInstanceCapacity\): We currently do not have sufficient c5\.9xlarge/);
  });

  it('returns DependencyError when a read is refused', () => {
    // Act
    const mapped = mapAwsError(sdkError('ResourceNotFoundException', 'no stack', 400), {
      system: 'opsworks',
      operation: 'DescribeLayers',
    });

    // Assess
    expect(mapped).toBeInstanceOf(DependencyError);
  });

  it('returns ConfigError when no credentials can be loaded', () => {
    // Act
    const mapped = mapAwsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), {
      system: 'ec2',
      operation: 'DescribeInstances',
    });

    // Assess
    expect(mapped).toBeInstanceOf(ConfigError);
    expect(mapped.source).toBe('user');
  });

  it('returns DependencyError naming the socket error when the endpoint is unreachable', () => {
    // Act
    const mapped = mapAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), {
      system: 'opsworks',
      operation: 'DescribeStacks',
    });

    // Assess
    expect(mapped.message).toBe('opsworks: DescribeStacks could not reach the endpoint (ECONNREFUSED)');
  });

  it('keeps access keys and signatures out of the message when AWS echoes them', () => {
    // Prepare
    const echoed =
      'The request signature we calculated does not match. Credential=AKIAIOSFODNN7EXAMPLE/20240304/us-east-1/ec2/aws4_request, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

    // Act
    const mapped = mapAwsError(sdkError('SignatureDoesNotMatch', echoed, 403), { system: 'ec2', operation: 'DescribeInstances' });

    // Assess
    expect(mapped.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(mapped.message).not.toContain('5d672d79');
    expect(mapped.message).toContain('SignatureDoesNotMatch');
  });
});

describe('redact', () => {
  it('removes bare access key ids, session tokens and secrets', () => {
    // Act
    const text = redact(
      'key ASIAXXXXXXXXXXXXXXXX X-Amz-Security-Token=FQoGZXIvYXdzEJr&x=1 secretAccessKey: "wJalrXUtnFEMI/K7MDENG"',
    );

    // Assess
    expect(text).toBe('key [access-key] X-Amz-Security-Token=[redacted]&x=1 secretAccessKey: "[redacted]"');
  });
});
