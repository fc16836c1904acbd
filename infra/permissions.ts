/**
 * Least privilege per activity: each function gets only the capabilities its
 * one job needs, and each capability only the actions and resources that job
 * touches (the OpsWorks stack, the cluster's tagged instances, the one
 * secret, the child state machines). A `*` resource appears only for actions
 * that AWS cannot limit by resource, each with the reason cdk-nag is given.
 *
 * References: OpsWorks https://docs.aws.amazon.com/opsworks/latest/userguide/opsworks-security-users-examples.html,
 * EC2 https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html,
 * CloudWatch https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ConfigError } from '../core/errors';

export type Capability =
  /** Describe the fleet: the stack, its layers and instances (and their EC2 facts). */
  | 'fleet-read'
  | 'fleet-start'
  | 'fleet-stop'
  /** CloudWatch datapoints for the cloudwatch strategy. */
  | 'metrics-read'
  /** The Opencast admin API: needs the credentials in the secret. */
  | 'opencast'
  /**
   * Running boot/drain executions (one per worker at a time), and the input of one not named by us
   * (started from the console: a UUID name), to know which worker it acts on (activities/support/acting-on.ts).
   */
  | 'list-executions'
  /** Running autoscale executions: at most one cycle acts at a time. */
  | 'cycle-list'
  /**
   * The newest finished autoscale execution and its output, where a policy's memory is kept
   * (activities/support/policy-memory.ts). Granted only when the stack's policy may remember.
   */
  | 'cycle-memory';

/**
 * What each activity does, by its file name, read from its code: observing the
 * cluster (activities/support/observe.ts) describes the fleet and asks Opencast;
 * listing executions keeps two workflows off one worker. An activity not listed
 * gets DEFAULT_CAPABILITIES (observe): enough for a new check, and nothing that
 * changes the fleet until it is listed here.
 *
 * `opencast` on stop-worker: wiring/lambda-runtime.ts reads the secret at
 * cold start for every function, so even a function that never calls Opencast
 * needs it until that read is made lazy.
 */
const ACTIVITY_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
  'plan-cycle': ['fleet-read', 'metrics-read', 'opencast', 'list-executions', 'cycle-list', 'cycle-memory'],
  // The scale workflow's decision: the CLI's rules, or the autoscale cycle's plan for `auto`.
  'plan-scale': ['fleet-read', 'metrics-read', 'opencast', 'list-executions', 'cycle-memory'],
  'release-maintenance': ['fleet-read', 'opencast', 'list-executions'],
  'start-worker': ['fleet-read', 'fleet-start', 'opencast', 'list-executions'],
  'check-boot': ['fleet-read', 'opencast'],
  'begin-drain': ['fleet-read', 'opencast', 'list-executions'],
  // A drain in progress asks the policy whether it would keep the worker now (activities/support/drain-demand.ts),
  // after its billing wait as while it drains: the running executions, its memory, and the metrics its strategies
  // vote on (soak seed 20261231: IAM denied GetMetricData here).
  'check-billing-window': ['fleet-read', 'metrics-read', 'opencast', 'list-executions', 'cycle-memory'],
  'set-maintenance': ['fleet-read', 'opencast'],
  'check-drained': ['fleet-read', 'metrics-read', 'opencast', 'list-executions', 'cycle-memory'],
  'stop-worker': ['fleet-stop', 'opencast'],
  'check-stopped': ['fleet-read', 'opencast'],
  'abandon-drain': ['fleet-read', 'opencast'],
};

const DEFAULT_CAPABILITIES: readonly Capability[] = ['fleet-read', 'opencast'];

export function capabilitiesOf(activity: string): readonly Capability[] {
  return ACTIVITY_CAPABILITIES[activity] ?? DEFAULT_CAPABILITIES;
}

export interface PermissionScope {
  provider: 'opsworks' | 'ec2';
  cluster: string;
  /** The tag whose value is the cluster name (provider ec2), e.g. `opencast:cluster`. */
  clusterTagKey: string;
  /** `arn:aws:opsworks:<region>:<account>:stack/<stackId>/` (provider opsworks). */
  opsworksStackArn?: string;
  /** `arn:aws:ec2:<region>:<account>:instance/*` (provider ec2; narrowed by the cluster tag). */
  ec2InstanceArns?: string;
  secretArn: string;
  childStateMachineArns: readonly string[];
  /** `arn:aws:states:<region>:<account>:execution:<prefix><child>:*`, one per child state machine. */
  childExecutionArns?: readonly string[];
  /** Customer-managed KMS keys of the workers' EBS volumes: StartInstances needs grants on them (provider ec2). */
  ebsKmsKeyArns?: readonly string[];
  /** The autoscale state machine, whose executions' output carries the policy memory. */
  autoscaleStateMachineArn?: string;
  /** `arn:aws:states:<region>:<account>:execution:<prefix>autoscale:*` */
  autoscaleExecutionArns?: string;
}

export interface Grants {
  statements: PolicyStatement[];
  /** Resources with a `*` (cdk-nag IAM5 findings), with why each is needed. */
  wildcards: { resource: string; reason: string }[];
}

export function grantsFor(capabilities: readonly Capability[], scope: PermissionScope): Grants {
  const statements: PolicyStatement[] = [];
  const unscoped: string[] = [];
  let instances: string | undefined;
  const has = (c: Capability) => capabilities.includes(c);
  const opsworks = scope.provider === 'opsworks';

  if (has('fleet-read')) {
    if (opsworks) {
      // The adapter finds the stack by name with DescribeStacks and no StackIds, which AWS refuses
      // when the action is limited to stack ARNs (API_DescribeStacks: "this parameter is required").
      unscoped.push('opsworks:DescribeStacks');
      statements.push(allow(['opsworks:DescribeLayers', 'opsworks:DescribeInstances'], [required(scope.opsworksStackArn, 'opsworksStackArn')]));
    }
    unscoped.push('ec2:DescribeInstances');
  }
  for (const [cap, action] of [
    ['fleet-start', opsworks ? 'opsworks:StartInstance' : 'ec2:StartInstances'],
    ['fleet-stop', opsworks ? 'opsworks:StopInstance' : 'ec2:StopInstances'],
  ] as const) {
    if (!has(cap)) continue;
    if (opsworks) {
      statements.push(allow([action], [required(scope.opsworksStackArn, 'opsworksStackArn')]));
    } else {
      instances = required(scope.ec2InstanceArns, 'ec2InstanceArns');
      statements.push(
        new PolicyStatement({
          actions: [action],
          resources: [instances],
          conditions: { StringEquals: { [`aws:ResourceTag/${scope.clusterTagKey}`]: scope.cluster } },
        }),
      );
    }
  }
  if (has('metrics-read')) unscoped.push('cloudwatch:GetMetricData');
  if (has('opencast')) statements.push(allow(['secretsmanager:GetSecretValue'], [scope.secretArn]));
  if (has('fleet-start') && !opsworks && scope.ebsKmsKeyArns && scope.ebsKmsKeyArns.length > 0) statements.push(...ebsKeyGrants(scope.ebsKmsKeyArns));
  if (has('list-executions') && scope.childStateMachineArns.length > 0) {
    statements.push(allow(['states:ListExecutions'], [...scope.childStateMachineArns]));
    // An execution we did not name (a console start) is asked for its input: which worker it acts on.
    statements.push(allow(['states:DescribeExecution'], [...required(scope.childExecutionArns, 'childExecutionArns')]));
  }
  if (has('cycle-list') || has('cycle-memory')) {
    statements.push(allow(['states:ListExecutions'], [required(scope.autoscaleStateMachineArn, 'autoscaleStateMachineArn')]));
  }
  if (has('cycle-memory')) {
    statements.push(allow(['states:DescribeExecution'], [required(scope.autoscaleExecutionArns, 'autoscaleExecutionArns')]));
  }
  if (unscoped.length > 0) statements.unshift(allow(unscoped.sort(), ['*']));

  const wildcards: Grants['wildcards'] = [];
  if (unscoped.length > 0) {
    wildcards.push({
      resource: '*',
      reason:
        `${unscoped.join(', ')} cannot be limited to a resource: ec2:DescribeInstances and cloudwatch:GetMetricData ` +
        'support no resource-level permissions, and opsworks:DescribeStacks is called without StackIds to find the stack by name. ' +
        'All are read-only; every action that changes something is limited to the cluster.',
    });
  }
  if (has('cycle-memory')) {
    wildcards.push({
      resource: required(scope.autoscaleExecutionArns, 'autoscaleExecutionArns'),
      reason:
        'The plan step reads its memory (the policy memory, and when each worker was last seen serving) from the newest finished autoscale execution, whose name (given by the schedule) is known only at run time; ' +
        'DescribeExecution is limited to the executions of the autoscale state machine, which carry no credentials.',
    });
  }
  if (has('list-executions') && scope.childExecutionArns) {
    for (const resource of scope.childExecutionArns) {
      wildcards.push({
        resource,
        reason:
          'A boot or drain execution started by hand (from the console, named freely) is described to read which worker its input names; ' +
          'its name is known only at run time. DescribeExecution is limited to the executions of the boot and drain state machines.',
      });
    }
  }
  if (instances) {
    wildcards.push({
      resource: instances,
      reason: `Start/stop are limited by the condition aws:ResourceTag/${scope.clusterTagKey} = ${scope.cluster}: the cluster's instances are not known by id at deploy time.`,
    });
  }
  return { statements, wildcards };
}

/**
 * StartInstances on an instance whose EBS volumes are encrypted with a customer-managed key: EC2 decrypts the
 * volumes' data keys through a grant the caller creates, so the caller needs kms:CreateGrant (only for grants an
 * AWS service makes on its behalf, kms:GrantIsForAWSResource), kms:Decrypt and kms:DescribeKey on the key; without
 * them the instance goes pending → stopped with Client.InternalError, and StartInstances itself succeeds.
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html#ebs-encryption-permissions,
 * https://repost.aws/knowledge-center/kms-iam-ec2-permission. The key policy must let the account's IAM policies
 * grant it (the default key policy does).
 */
function ebsKeyGrants(keys: readonly string[]): PolicyStatement[] {
  return [
    new PolicyStatement({ actions: ['kms:CreateGrant'], resources: [...keys], conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    allow(['kms:Decrypt', 'kms:DescribeKey'], [...keys]),
  ];
}

function allow(actions: string[], resources: string[]): PolicyStatement {
  return new PolicyStatement({ actions, resources });
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ConfigError(what, 'is required for this provider (permissions are scoped by it)');
  return value;
}
