/**
 * Which AWS service and protocol a request speaks, and the answer shapes of
 * each protocol (success and error), as the SDK v3 parsers expect them:
 * - awsJson1_1 (OpsWorks, Secrets Manager) and awsJson1_0 (CloudWatch, Step Functions): the
 *   operation in `x-amz-target`, errors `{"__type", "message"}` plus the
 *   `x-amzn-errortype` header; CloudWatch is "awsQueryCompatible", so its errors
 *   also carry the old query code in `x-amzn-query-error: Code;Sender`.
 * - ec2Query: form body `Action=...&Version=2016-11-15`, XML answers in the
 *   2016-11-15 namespace, errors `<Response><Errors><Error><Code>`.
 * - awsQuery (other form-body services): errors `<ErrorResponse><Error>`.
 */
import { SimAwsError } from '../model/types';
import type { WireRequest, WireResponse } from '../wire/types';
import { text, xmlDocument } from './xml';

export type AwsService = 'opsworks' | 'ec2' | 'cloudwatch' | 'stepfunctions' | 'secretsmanager' | 'unknown';
export type AwsProtocol = 'json1.1' | 'json1.0' | 'ec2' | 'query';

export interface AwsTarget {
  service: AwsService;
  protocol: AwsProtocol;
  /** The operation name, or '' when the request names none. */
  operation: string;
  /** EC2/query parameters (query string and form body merged). */
  params: URLSearchParams;
}

const JSON_TARGETS: Readonly<Record<string, { service: AwsService; protocol: AwsProtocol }>> = {
  OpsWorks_20130218: { service: 'opsworks', protocol: 'json1.1' },
  GraniteServiceVersion20100801: { service: 'cloudwatch', protocol: 'json1.0' },
  AWSStepFunctions: { service: 'stepfunctions', protocol: 'json1.0' },
  secretsmanager: { service: 'secretsmanager', protocol: 'json1.1' },
};

const SIGNING_NAMES: Readonly<Record<string, AwsService>> = {
  opsworks: 'opsworks',
  ec2: 'ec2',
  monitoring: 'cloudwatch',
  states: 'stepfunctions',
  secretsmanager: 'secretsmanager',
};

const EC2_API_VERSION = '2016-11-15';
const EC2_XMLNS = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

/** Dispatch by `x-amz-target`, else by a form `Action=`, else by the SigV4 scope's service name. */
export function identify(request: WireRequest, signingName: string | undefined): AwsTarget {
  const byScope = signingName !== undefined ? SIGNING_NAMES[signingName] : undefined;
  const target = request.headers['x-amz-target'];
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    const prefix = dot >= 0 ? target.slice(0, dot) : target;
    const known = JSON_TARGETS[prefix];
    const protocol = known?.protocol ?? (request.headers['content-type']?.includes('1.1') ? 'json1.1' : 'json1.0');
    return {
      service: known?.service ?? byScope ?? 'unknown',
      protocol,
      operation: known ? target.slice(dot + 1) : target,
      params: new URLSearchParams(),
    };
  }
  const params = new URLSearchParams(request.query);
  if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body)) params.append(key, value);
  }
  const action = params.get('Action');
  const isEc2 = byScope === 'ec2' || (byScope === undefined && params.get('Version') === EC2_API_VERSION);
  if (action !== null || isEc2) {
    return { service: isEc2 ? 'ec2' : (byScope ?? 'unknown'), protocol: isEc2 ? 'ec2' : 'query', operation: action ?? '', params };
  }
  return { service: byScope ?? 'unknown', protocol: 'json1.0', operation: '', params };
}

/**
 * An operation's output already serialised (assembled from cached pieces):
 * `jsonResult` sends its text as it is. The text must be what `JSON.stringify`
 * gives for the output it stands for.
 */
export class SerialisedJson {
  constructor(readonly text: string) {}
}

export function jsonResult(protocol: AwsProtocol, requestId: string, body: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': jsonContentType(protocol), 'x-amzn-requestid': requestId },
    // Operations with no output answer an empty body, as OpsWorks StartInstance does.
    body: body === undefined ? '' : body instanceof SerialisedJson ? body.text : JSON.stringify(body),
  };
}

export function ec2Result(action: string, requestId: string, inner: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: xmlDocument(`${action}Response`, ` xmlns="${EC2_XMLNS}"`, text('requestId', requestId) + inner),
  };
}

export function errorResponse(target: AwsTarget, requestId: string, error: SimAwsError): WireResponse {
  switch (target.protocol) {
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: xmlDocument(
          'Response',
          '',
          `<Errors><Error>${text('Code', error.code)}${text('Message', error.message)}</Error></Errors>${text('RequestID', requestId)}`,
        ),
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml' },
        body: xmlDocument(
          'ErrorResponse',
          '',
          `<Error>${text('Type', faultOf(error))}${text('Code', queryCode(error.code))}${text('Message', error.message)}</Error>${text('RequestId', requestId)}`,
        ),
      };
    default: {
      const headers: Record<string, string> = {
        'content-type': jsonContentType(target.protocol),
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      };
      if (target.service === 'cloudwatch') headers['x-amzn-query-error'] = `${queryCode(error.code)};${faultOf(error)}`;
      return { status: error.status, headers, body: JSON.stringify({ __type: error.code, message: error.message }) };
    }
  }
}

/** The same refusal in each protocol's own vocabulary. */
export function missingAuthentication(protocol: AwsProtocol): SimAwsError {
  return protocol === 'ec2' || protocol === 'query'
    ? new SimAwsError(
        'MissingAuthenticationToken',
        'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
        401,
      )
    : new SimAwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
}

export function malformedAuthentication(protocol: AwsProtocol): SimAwsError {
  return protocol === 'ec2' || protocol === 'query'
    ? new SimAwsError('IncompleteSignature', 'Authorization header requires a valid SigV4 Credential, SignedHeaders and Signature.', 400)
    : new SimAwsError('IncompleteSignatureException', 'Authorization header requires a valid SigV4 Credential, SignedHeaders and Signature.', 400);
}

export function unknownOperation(target: AwsTarget): SimAwsError {
  if (target.protocol === 'ec2') {
    return target.operation === ''
      ? new SimAwsError('MissingAction', 'The request must contain the parameter Action', 400)
      : new SimAwsError('InvalidAction', `The action ${target.operation} is not valid for this web service.`, 400);
  }
  if (target.protocol === 'query') {
    return new SimAwsError('InvalidAction', `The action ${target.operation || '(none)'} is not valid for this web service.`, 400);
  }
  return new SimAwsError('UnknownOperationException', `Unknown operation ${target.operation || '(none)'}`, 400);
}

export function throttled(protocol: AwsProtocol): SimAwsError {
  return protocol === 'ec2'
    ? new SimAwsError('RequestLimitExceeded', 'Request limit exceeded.', 503)
    : new SimAwsError('ThrottlingException', 'Rate exceeded', 400);
}

/** What AWS answers when the service itself fails. */
export function internalFailure(protocol: AwsProtocol): SimAwsError {
  return protocol === 'ec2'
    ? new SimAwsError('InternalError', 'An internal error has occurred', 500)
    : new SimAwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
}

function jsonContentType(protocol: AwsProtocol): string {
  return protocol === 'json1.1' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
}

function faultOf(error: SimAwsError): 'Sender' | 'Receiver' {
  return error.status >= 500 ? 'Receiver' : 'Sender';
}

/** The awsQuery code of a JSON error shape, e.g. `ThrottlingException` → `Throttling`. */
const QUERY_CODES: Readonly<Record<string, string>> = {
  UnknownOperationException: 'InvalidAction',
  MissingRequiredParameterException: 'MissingParameter',
  InvalidParameterValueException: 'InvalidParameterValue',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  ResourceNotFoundException: 'ResourceNotFoundException',
  LimitExceededException: 'LimitExceededException',
};

function queryCode(code: string): string {
  return QUERY_CODES[code] ?? code.replace(/Exception$/, '');
}
