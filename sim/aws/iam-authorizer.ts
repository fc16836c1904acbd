/**
 * AWS authorises every call: the caller (known by the access key id its
 * credentials carry) may make it only if its role's policies allow the action
 * on each resource the call touches, under the request's condition keys
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * The decision is the policy evaluator's (a maintained IAM engine, injected:
 * sim/aws/iam-evaluator.ts); this module asks it, records every denial, and
 * answers a denial as the service does.
 *
 * Credentials that belong to no role here are the operator's own (the CLI's
 * side of `--engine aws --sim`) and are not restricted.
 *
 * A state machine's Tasks are authorised too, against its execution role
 * (authorizeTask): invoking a function, starting a child execution.
 */
import { SimAwsError, type SimClusterState } from '../model/types';
import { iamQuestion, type IamRequestContext } from './iam-requests';
import type { AwsTarget } from './protocols';

export type IamDecision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface IamPolicy {
  name: string;
  /** An IAM policy document (`{ Version, Statement: [...] }`), as the stack synthesises it. */
  policy: unknown;
}

export interface SimRole {
  /** Who the credentials belong to, e.g. the function `moscaler-plan-cycle` (or the state machine `moscaler-autoscale`). */
  caller: string;
  /** The session principal a denial names: `arn:aws:sts::<account>:assumed-role/<role>/<function>`. */
  principalArn: string;
  policies: readonly IamPolicy[];
}

export interface IamEvaluation {
  principalArn: string;
  account: string;
  action: string;
  resource: string;
  context: Record<string, string>;
  policies: readonly IamPolicy[];
  /** The resource's own policy, where the service has one (a KMS key policy: without one allowing the account, IAM policies grant nothing). */
  resourcePolicy?: unknown;
}

export type PolicyEvaluator = (question: IamEvaluation) => Promise<IamDecision>;

export interface IamDenial {
  /** Virtual time, epoch ms. */
  at: number;
  caller: string;
  action: string;
  resource: string;
  decision: Exclude<IamDecision, 'Allowed'>;
}

export interface IamAuthorizerOptions {
  /** Access key id → the role its credentials are a session of. */
  roles: ReadonlyMap<string, SimRole>;
  /** State machine ARN → its execution role's session. A state machine not here has no role: its every Task is denied. */
  stateMachines?: ReadonlyMap<string, SimRole>;
  evaluate: PolicyEvaluator;
  account: string;
  region: string;
  secretArn?: IamRequestContext['secretArn'];
}

export class IamAuthorizer {
  readonly denials: IamDenial[] = [];
  /** Requests authorised against a role (allowed or not), Tasks included. */
  checked = 0;
  /** Of those, the state machines' Task calls. */
  tasksChecked = 0;
  private readonly decided = new Map<string, Promise<IamDecision>>();

  constructor(private readonly options: IamAuthorizerOptions) {}

  /** The refusal AWS would answer, or undefined when the call may go on. */
  async authorize(accessKeyId: string, target: AwsTarget, body: string, state: SimClusterState): Promise<SimAwsError | undefined> {
    const role = this.options.roles.get(accessKeyId);
    if (!role) return undefined;
    const question = iamQuestion(target, body, { state, region: this.options.region, account: this.options.account, ...(this.options.secretArn ? { secretArn: this.options.secretArn } : {}) });
    if (!question) return undefined;
    this.checked += 1;
    for (const resource of question.resources) {
      const decision = await this.decide(role, question.action, resource.arn, resource.context);
      if (decision === 'Allowed') continue;
      this.denials.push({ at: state.now(), caller: role.caller, action: question.action, resource: resource.arn, decision });
      return accessDenied(target, role.principalArn, question.action, resource.arn, decision);
    }
    return undefined;
  }

  /**
   * A Task's call, made by Step Functions with the state machine's execution role: the Task's
   * failure as Step Functions reports a denial, or undefined when the call may go on.
   */
  async authorizeTask(stateMachineArn: string, action: string, resource: string, at: number): Promise<TaskDenial | undefined> {
    const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
    const role = this.options.stateMachines?.get(stateMachineArn) ?? { caller: name, principalArn: `arn:aws:sts::${this.options.account}:assumed-role/NoRole/${name}`, policies: [] };
    this.checked += 1;
    this.tasksChecked += 1;
    const decision = await this.decide(role, action, resource, {});
    if (decision === 'Allowed') return undefined;
    this.denials.push({ at, caller: role.caller, action, resource, decision });
    return taskDenied(role.principalArn, action, resource, decision);
  }

  /** Decisions are pure in their inputs: each is asked of the evaluator once. */
  private decide(role: SimRole, action: string, resource: string, context: Record<string, string>): Promise<IamDecision> {
    const key = JSON.stringify([role.principalArn, action, resource, context]);
    let decision = this.decided.get(key);
    if (!decision) {
      decision = this.options.evaluate({ principalArn: role.principalArn, account: this.options.account, action, resource, context, policies: role.policies });
      this.decided.set(key, decision);
    }
    return decision;
  }
}

/**
 * A denial in the service's own words. The message is IAM's
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): who, which
 * action, on which resource (left out for actions that support none), and why. The code and HTTP status:
 * - Step Functions AccessDeniedException, 400 (https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html);
 * - Secrets Manager AccessDeniedException, 400 (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html);
 * - EC2 UnauthorizedOperation, 403 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html;
 *   EC2 appends an encoded authorization message, which the simulator leaves out);
 * - CloudWatch AccessDenied, 403 (the query code; its JSON protocol carries it in `x-amzn-query-error`,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html);
 * - OpsWorks (JSON, like Step Functions) AccessDeniedException, 400.
 */
function accessDenied(target: AwsTarget, principalArn: string, action: string, resource: string, decision: Exclude<IamDecision, 'Allowed'>): SimAwsError {
  const message = deniedMessage(principalArn, action, resource, decision);
  if (target.protocol === 'ec2') return new SimAwsError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403);
  if (target.service === 'cloudwatch') return new SimAwsError('AccessDeniedException', message, 403);
  return new SimAwsError('AccessDeniedException', message, 400);
}

function deniedMessage(principalArn: string, action: string, resource: string, decision: Exclude<IamDecision, 'Allowed'>): string {
  const why = decision === 'ExplicitlyDenied' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action}${resource === '*' ? '' : ` on resource: ${resource}`} ${why}`;
}

/** A Task failed by its state machine's role: the error Retry and Catch match, and the cause the history shows. */
export interface TaskDenial {
  error: string;
  cause: string;
}

/**
 * A denied Task call as Step Functions reports it: the service's SDK exception under the integration's
 * prefix, the cause the SDK's message for the service's AccessDeniedException. A function Task denied
 * lambda:InvokeFunction fails with `Lambda.AWSLambdaException`, cause "User: ... is not authorized to
 * perform: lambda:InvokeFunction on resource: ... because no identity-based policy allows the
 * lambda:InvokeFunction action (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; ...)"
 * (a deployed state machine's history, https://github.com/awslabs/aws-deployment-framework/issues/460).
 * A startExecution Task fails the same way under `StepFunctions.AWSStepFunctionsException` (Step Functions
 * answers AccessDeniedException with 400: https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html).
 * Service exceptions are reported as `<Service>.<Exception>`, AWSLambdaException among Lambda's
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 * The Request ID that follows in AWS's cause is left out.
 */
function taskDenied(principalArn: string, action: string, resource: string, decision: Exclude<IamDecision, 'Allowed'>): TaskDenial {
  const message = deniedMessage(principalArn, action, resource, decision);
  if (action.startsWith('lambda:')) {
    return { error: 'Lambda.AWSLambdaException', cause: `${message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException)` };
  }
  return { error: 'StepFunctions.AWSStepFunctionsException', cause: `${message} (Service: AWSStepFunctions; Status Code: 400; Error Code: AccessDeniedException)` };
}
