/**
 * Every simulated AWS service on one endpoint, at the wire level, so the real
 * SDK clients serialise, sign and parse as they would against AWS. The router
 * holds no cluster state: it reads and mutates the SimClusterState it is given.
 *
 * Order of checks, as AWS applies them: signed request → known operation →
 * authorised (IAM, when the composition root gives `authorize`) →
 * throttling (`aws-throttle` fault, targeted by service name: `opsworks`,
 * `ec2`, `cloudwatch`, `stepfunctions`, `secretsmanager`) → a service-side failure (`aws-5xx`,
 * targeted the same way: the protocol's own HTTP 500, and nothing changes) →
 * the operation itself.
 */
import { SimAwsError, type SimClusterState } from '../model/types';
import type { WireRequest, WireResponse, WireRouter } from '../wire/types';
import { cloudwatchOperations } from './cloudwatch';
import { ec2Operations } from './ec2';
import { parseJsonBody } from './json-input';
import { type JsonOperation, opsworksOperations } from './opsworks';
import {
  type AwsService,
  type AwsTarget,
  ec2Result,
  errorResponse,
  identify,
  internalFailure,
  jsonResult,
  malformedAuthentication,
  missingAuthentication,
  throttled,
  unknownOperation,
} from './protocols';
import { readSigV4 } from './sigv4';

;

/** One request as the router understood it; for tests and the simulator's call log. */
export interface AwsCall {
  service: AwsService;
  operation: string;
}

/** A JSON-protocol operation; one that runs workflows (Step Functions) may answer later. */
type ServiceOperation = (...args: Parameters<JsonOperation>) => ReturnType<JsonOperation> | Promise<ReturnType<JsonOperation>>;

export interface AwsRouterOptions {
  /** Called once per request, before it is answered (refused ones included). */
  onCall?: (call: AwsCall) => void;
  /**
   * Services simulated outside the cluster model (Step Functions with its workflows and functions,
   * Secrets Manager with its secrets): wired by the composition root. Without them every call of
   * theirs is UnknownOperationException.
   */
  services?: Partial<Record<AwsService, Readonly<Record<string, ServiceOperation>>>>;
  /**
   * IAM (sim/aws/iam-authorizer.ts): asked once a request names a known operation, before
   * throttling and the operation; the refusal it returns is the answer.
   */
  authorize?: (accessKeyId: string, target: AwsTarget, request: WireRequest) => Promise<SimAwsError | undefined>;
}

const JSON_OPERATIONS: Partial<Record<AwsService, Readonly<Record<string, ServiceOperation>>>> = {
  opsworks: opsworksOperations,
  cloudwatch: cloudwatchOperations,
};

export function createAwsRouter(state: SimClusterState, options: AwsRouterOptions = {}): WireRouter {
  // Looked up at each call: the composition root may fill `services` after the router exists (they call back into it).
  const tableOf = (service: AwsService) => JSON_OPERATIONS[service] ?? options.services?.[service];
  let served = 0;
  return async (request) => {
    served += 1;
    const requestId = requestIdFor(served);
    const auth = readSigV4(request);
    const target = identify(request, auth.kind === 'signed' ? auth.scope.service : undefined);
    options.onCall?.({ service: target.service, operation: target.operation });
    try {
      if (auth.kind === 'missing') throw missingAuthentication(target.protocol);
      if (auth.kind === 'malformed') throw malformedAuthentication(target.protocol);
      const authorize = options.authorize ? (t: AwsTarget) => options.authorize!(auth.scope.accessKeyId, t, request) : undefined;
      return await answer(state, tableOf, request, target, requestId, authorize);
    } catch (error) {
      // A model bug must not look like a valid AWS answer: it becomes AWS's own 500.
      const refusal = error instanceof SimAwsError ? error : internalFailure(target.protocol);
      return errorResponse(target, requestId, refusal);
    }
  };
}

async function answer(
  state: SimClusterState,
  tableOf: (service: AwsService) => Readonly<Record<string, ServiceOperation>> | undefined,
  request: WireRequest,
  target: AwsTarget,
  requestId: string,
  authorize?: (target: AwsTarget) => Promise<SimAwsError | undefined>,
): Promise<WireResponse> {
  if (target.protocol === 'ec2') {
    const operation = lookup(ec2Operations, target.operation);
    if (!operation) throw unknownOperation(target);
    if (authorize) await refuseDenied(authorize, target);
    checkThrottle(state, target);
    return ec2Result(target.operation, requestId, operation(state, target.params));
  }
  const table = target.protocol === 'query' ? undefined : tableOf(target.service);
  const operation = table ? lookup(table, target.operation) : undefined;
  if (!operation) throw unknownOperation(target);
  if (authorize) await refuseDenied(authorize, target);
  checkThrottle(state, target);
  return jsonResult(target.protocol, requestId, await operation(state, parseJsonBody(request.body)));
}

/** Own keys only, so an operation named `constructor` or `toString` is unknown, not Object's. */
function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Awaited only when IAM is on, so a run without it keeps its order of events. */
async function refuseDenied(authorize: (target: AwsTarget) => Promise<SimAwsError | undefined>, target: AwsTarget): Promise<void> {
  const refusal = await authorize(target);
  if (refusal) throw refusal;
}

function checkThrottle(state: SimClusterState, target: AwsTarget): void {
  if (state.faultActive('aws-throttle', target.service)) throw throttled(target.protocol);
  if (state.faultActive('aws-5xx', target.service)) throw internalFailure(target.protocol);
}

/** Deterministic request ids (a simulated run replays identically), in AWS's UUID shape. */
function requestIdFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
