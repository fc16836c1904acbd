/**
 * Names and ARNs shared by both engines, and the ASL placeholder convention:
 * workflow files reference deployed things only through CloudFormation-style
 * `${Key}` placeholders (the CDK app fills them with `definitionSubstitutions`),
 *   `${ObserveFunctionArn}`          → Lambda function of activity `observe`
 *   `${DrainWorkerStateMachineArn}`  → state machine of workflow `drain-worker`
 * and the local engine fills them with local ARNs from the same key by rule.
 */

/** The two Step Functions service integrations the local engine implements (besides plain function ARNs). */
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const START_EXECUTION = 'arn:aws:states:::states:startExecution';

/**
 * Execution names both engines accept: AWS takes 1-80 characters without
 * whitespace, brackets, wildcards or control characters; this narrower set is
 * also safe as a file name for the local store.
 */
export const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface ArnScope {
  partition?: string;
  region: string;
  account: string;
}

/** What local ARNs carry: never a real region or account, so they cannot be mistaken for deployed ones. */
export const LOCAL_SCOPE: ArnScope = { partition: 'aws', region: 'local', account: '000000000000' };

const FUNCTION_KEY = /^([A-Z][A-Za-z0-9]*)FunctionArn$/;
const STATE_MACHINE_KEY = /^([A-Z][A-Za-z0-9]*)StateMachineArn$/;

export function kebabCase(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function pascalCase(kebab: string): string {
  return kebab
    .split(/[-_]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

export function functionArn(scope: ArnScope, functionName: string): string {
  return `arn:${scope.partition ?? 'aws'}:lambda:${scope.region}:${scope.account}:function:${functionName}`;
}

export function stateMachineArn(scope: ArnScope, stateMachineName: string): string {
  return `arn:${scope.partition ?? 'aws'}:states:${scope.region}:${scope.account}:stateMachine:${stateMachineName}`;
}

/** Standard workflows: the execution ARN is the state machine ARN with `execution` and the name appended. */
export function executionArn(machineArn: string, executionName: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

export function parseStateMachineArn(arn: string): { scope: ArnScope; name: string } | undefined {
  const m = /^arn:([^:]+):states:([^:]*):(\d*):stateMachine:([^:]+)$/.exec(arn);
  if (!m) return undefined;
  return { scope: { partition: m[1]!, region: m[2]!, account: m[3]! }, name: m[4]! };
}

/**
 * Function name from what Lambda's Invoke accepts: a name, a full ARN or a
 * partial ARN (`123456789012:function:name`), with an optional version or alias.
 */
export function lambdaFunctionName(nameOrArn: string): string | undefined {
  const full = /^arn:[^:]+:lambda:[^:]*:\d*:function:([A-Za-z0-9_-]+)(:[^:]+)?$/.exec(nameOrArn);
  if (full) return full[1];
  const partial = /^\d{12}:function:([A-Za-z0-9_-]+)(:[^:]+)?$/.exec(nameOrArn);
  if (partial) return partial[1];
  return /^[A-Za-z0-9_-]+$/.test(nameOrArn) ? nameOrArn : undefined;
}

/** The local value of a placeholder key by the convention above; undefined for keys it does not cover. */
export function localSubstitution(key: string, scope: ArnScope = LOCAL_SCOPE): string | undefined {
  const fn = FUNCTION_KEY.exec(key);
  if (fn) return functionArn(scope, kebabCase(fn[1]!));
  const sm = STATE_MACHINE_KEY.exec(key);
  if (sm) return stateMachineArn(scope, kebabCase(sm[1]!));
  return undefined;
}

/** The AWS Console page of an execution. */
export function consoleUrl(execArn: string): string {
  const region = execArn.split(':')[3] ?? '';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${execArn}`;
}
