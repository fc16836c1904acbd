/**
 * One workflow file as a Standard state machine. The definition is the file's
 * text unchanged; CloudFormation fills its `${...}` placeholders from
 * DefinitionSubstitutions, so what runs on AWS is exactly what the local
 * engine runs. Its role may invoke the workflow's own functions and start its
 * own child workflows, nothing else.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import type { WorkflowSpec } from './workflow-catalog';
import { WorkflowDefinitionError } from '../engine/errors';

export interface WorkflowStateMachineProps {
  spec: WorkflowSpec;
  stateMachineName: string;
  /** Activity name → its function. */
  functions: Readonly<Record<string, IFunction>>;
  /** Workflow name → state machine ARN (built from the name, so a workflow may start itself). */
  stateMachineArns: Readonly<Record<string, string>>;
  logRetention: RetentionDays;
}

export class WorkflowStateMachine extends Construct {
  readonly spec: WorkflowSpec;
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    // The /aws/vendedlogs/ prefix keeps the log group's resource policy small (Step Functions docs: cw-logs).
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetention,
      // Named, so it must go with the stack: a retained one would make the next deploy fail (it exists).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `mo-scaler workflow ${spec.name}: its functions and child workflows only`,
    });

    const substitutions: Record<string, string> = {};
    const functionArns: string[] = [];
    for (const [key, activity] of Object.entries(spec.functions)) {
      const fn = props.functions[activity];
      if (!fn) throw new WorkflowDefinitionError(spec.name, `no function for activity ${activity}`);
      substitutions[key] = fn.functionArn;
      functionArns.push(fn.functionArn);
    }
    const childArns: string[] = [];
    for (const [key, workflow] of Object.entries(spec.stateMachines)) {
      const arn = props.stateMachineArns[workflow];
      if (!arn) throw new WorkflowDefinitionError(spec.name, `no state machine for workflow ${workflow}`);
      substitutions[key] = arn;
      childArns.push(arn);
    }
    // Task resources name the unqualified function ARN, so no `:*` version wildcard is needed.
    if (functionArns.length > 0) role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }));
    // Fire-and-forget startExecution (no .sync): StartExecution alone, no DescribeExecution or EventBridge rule.
    if (childArns.length > 0) role.addToPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: childArns }));

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(spec.text),
      definitionSubstitutions: substitutions,
      role,
      // Every state's input and output: the audit trail of each decision. No credentials ever pass through.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });

    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery, logs:PutResourcePolicy, ...) supports no resource-level ' +
        'permissions; CDK adds exactly the actions Step Functions documents for logging (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).',
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-SF2',
      'X-Ray tracing adds cost and `*` permissions for no new insight: every state, its input, output and timing is already in the ' +
        'execution history (kept 90 days) and in the ALL-level log group above.',
    );
  }
}
