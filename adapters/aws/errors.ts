/**
 * Turns AWS SDK v3 errors into the domain errors of core/errors.ts, so that
 * workflows retry by `name` and the CLI picks the exit code by `source`.
 * Messages carry the service's error code and message, never request
 * signatures or access keys; the SDK error stays reachable as `cause`.
 */
import {
  ConfigError,
  DependencyError,
  InsufficientCapacityError,
  MoScalerError,
  permissionDenied,
  ScalingError,
  ThrottledError,
} from '../../core/errors';

export type AwsSystem = 'opsworks' | 'ec2' | 'cloudwatch' | 'stepfunctions' | 'secretsmanager';

export interface AwsCallContext {
  system: AwsSystem;
  /** The API operation, e.g. `StartInstance`. */
  operation: string;
  /** A start/stop: a refusal there means the cluster said no, not that AWS broke. */
  mutating?: boolean;
}

/** Codes AWS uses for "slow down" across the JSON and query protocols. */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'EC2ThrottledException',
]);

/** The request was understood and refused because of the instance's or stack's state. */
const REFUSALS = new Set([
  'ValidationException',
  'ResourceNotFoundException',
  'IncorrectInstanceState',
  'IncorrectState',
  'InvalidInstanceID.NotFound',
  'UnsupportedOperation',
  'InsufficientInstanceCapacity',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
]);

const CREDENTIALS_REFUSED = new Set([
  'AuthFailure',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);

/**
 * The credentials are good but lack a permission: Step Functions, Secrets Manager and KMS answer
 * AccessDeniedException, CloudWatch and the query services AccessDenied, EC2 UnauthorizedOperation
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). Permanent: never retried.
 */
const PERMISSION_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

interface SdkErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function mapAwsError(error: unknown, context: AwsCallContext): MoScalerError {
  if (error instanceof MoScalerError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorFields;
  const code = errorCode(fields);
  const status = typeof fields.$metadata?.httpStatusCode === 'number' ? fields.$metadata.httpStatusCode : undefined;
  const detail = redact(typeof fields.message === 'string' ? fields.message : String(error));
  const what = context.operation;
  const options = { cause: error };

  if (THROTTLING.has(code) || status === 429) {
    return new ThrottledError(context.system, `${what} throttled (${code})`, options);
  }
  if (code === 'CredentialsProviderError') {
    // No usable credentials is a setup problem (profile, env, role), not an AWS failure.
    return new ConfigError('credentials', `no usable AWS credentials: ${detail}`, options);
  }
  if (PERMISSION_DENIED.has(code)) return permissionDenied(context.system, context.operation, code, detail, options);
  if (CREDENTIALS_REFUSED.has(code)) {
    return new DependencyError(context.system, `${what} refused the credentials (${code}): ${detail}`, options);
  }
  if (context.mutating && code === 'InsufficientInstanceCapacity') {
    // A server error (HTTP 500) the SDK would retry; the type has no capacity now, so another worker is the way on.
    return new InsufficientCapacityError(`${context.system}: ${what} refused (${code}): ${detail}`, options);
  }
  if (context.mutating && REFUSALS.has(code)) {
    return new ScalingError(`${context.system}: ${what} refused (${code}): ${detail}`, options);
  }
  if ((status !== undefined && status >= 500) || fields.$fault === 'server') {
    return new DependencyError(context.system, `${what} failed on the AWS side (${code}, HTTP ${status ?? '?'})`, options);
  }
  if (NETWORK.has(code) || code === 'TimeoutError' || code === 'AbortError') {
    return new DependencyError(context.system, `${what} could not reach the endpoint (${code})`, options);
  }
  return new DependencyError(context.system, `${what} failed (${code}): ${detail}`, options);
}

/** Runs one SDK call and maps whatever it throws. */
export async function callAws<T>(context: AwsCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapAwsError(error, context);
  }
}

function errorCode(fields: SdkErrorFields): string {
  // Node socket errors carry `code`; SDK service exceptions carry the AWS code as `name`.
  if (typeof fields.code === 'string' && NETWORK.has(fields.code)) return fields.code;
  if (typeof fields.name === 'string' && fields.name !== 'Error') return fields.name;
  if (typeof fields.code === 'string') return fields.code;
  return 'UnknownError';
}

/**
 * Strips what could identify or replay credentials from a message: access key
 * ids, SigV4 credential scopes, signatures and session tokens.
 */
export function redact(text: string): string {
  return text
    .replace(/\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, '[access-key]')
    .replace(/(Credential=)[^,\s&]+/gi, '$1[redacted]')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1[redacted]')
    .replace(/(X-Amz-Security-Token=)[^&\s]+/gi, '$1[redacted]')
    .replace(/(aws_secret_access_key|secretAccessKey|sessionToken)(["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1$2[redacted]')
    .slice(0, 500);
}
