/**
 * What IAM is asked for one request: the action (`<service prefix>:<operation>`), the
 * resources the operation touches, and the condition keys AWS puts in the request context
 * for each. From the Service Authorization Reference's "Actions defined by …" tables:
 * - EC2 https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html:
 *   DescribeInstances supports no resource (`*`); Start/StopInstances act on `instance/<id>`, with
 *   the instance's tags as `aws:ResourceTag/<key>` (and EC2's own `ec2:ResourceTag/<key>`).
 * - Step Functions https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html:
 *   StartExecution and ListExecutions on the `stateMachine`, DescribeExecution,
 *   GetExecutionHistory and StopExecution on the `execution`.
 * - Secrets Manager https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html:
 *   GetSecretValue on the secret's full ARN (a name given as SecretId is resolved to it).
 * - CloudWatch https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html:
 *   GetMetricData and GetMetricStatistics support no resource (`*`).
 * - OpsWorks https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsopsworks.html:
 *   every action on the `stack`; DescribeStacks without StackIds on `*`.
 */
import type { SimClusterState } from '../model/types';
import { parseJsonBody, type JsonObject } from './json-input';
import type { AwsService, AwsTarget } from './protocols';

interface IamResource {
  arn: string;
  /** Condition keys of the request context for this resource. */
  context: Record<string, string>;
}

export interface IamQuestion {
  action: string;
  resources: IamResource[];
}

/** IAM's service prefix for each simulated service. */
const PREFIX: Readonly<Record<Exclude<AwsService, 'unknown'>, string>> = {
  ec2: 'ec2',
  cloudwatch: 'cloudwatch',
  stepfunctions: 'states',
  secretsmanager: 'secretsmanager',
  opsworks: 'opsworks',
};

export interface IamRequestContext {
  state: SimClusterState;
  region: string;
  account: string;
  /** A secret's full ARN from the SecretId a request gives (its ARN or its name). */
  secretArn?: (id: string) => string | undefined;
}

/**
 * The question one request asks, or undefined when the request cannot be read (a malformed body,
 * an unknown instance): the operation itself then answers with its own validation error.
 */
export function iamQuestion(target: AwsTarget, body: string, ctx: IamRequestContext): IamQuestion | undefined {
  if (target.service === 'unknown') return undefined;
  const action = `${PREFIX[target.service]}:${target.operation}`;
  const any = (): IamQuestion => ({ action, resources: [{ arn: '*', context: {} }] });
  switch (target.service) {
    case 'ec2': {
      if (target.operation === 'DescribeInstances') return any();
      const ids = [...target.params.entries()].filter(([k]) => /^InstanceId\.\d+$/.test(k)).map(([, v]) => v);
      const instances = ids.map((id) => ctx.state.instances.find((i) => i.ec2Id === id));
      if (ids.length === 0 || instances.some((i) => i === undefined)) return undefined;
      return {
        action,
        resources: instances.map((i) => ({
          arn: `arn:aws:ec2:${ctx.region}:${ctx.account}:instance/${i!.ec2Id}`,
          context: Object.fromEntries(Object.entries(i!.tags).flatMap(([k, v]) => [[`aws:ResourceTag/${k}`, v], [`ec2:ResourceTag/${k}`, v]])),
        })),
      };
    }
    case 'cloudwatch':
      return any();
    case 'stepfunctions': {
      const input = jsonOf(body);
      const arn = stringMember(input, 'executionArn') ?? stringMember(input, 'stateMachineArn');
      return arn ? { action, resources: [{ arn, context: {} }] } : undefined;
    }
    case 'secretsmanager': {
      const id = stringMember(jsonOf(body), 'SecretId');
      const arn = id === undefined ? undefined : id.startsWith('arn:') ? id : ctx.secretArn?.(id);
      return arn ? { action, resources: [{ arn, context: {} }] } : undefined;
    }
    case 'opsworks': {
      const stackIds = stringList(jsonOf(body), 'StackIds');
      if (target.operation === 'DescribeStacks' && stackIds.length === 0) return any();
      return { action, resources: [{ arn: `arn:aws:opsworks:${ctx.region}:${ctx.account}:stack/${ctx.state.stack.id}/`, context: {} }] };
    }
  }
}

function jsonOf(body: string): JsonObject {
  try {
    return parseJsonBody(body);
  } catch {
    return {};
  }
}

function stringMember(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

function stringList(input: JsonObject, member: string): string[] {
  const value = input[member];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
