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
  /** Who the credentials belong to, e.g. the function `moscaler-plan-cycle`. */
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
  evaluate: PolicyEvaluator;
  account: string;
  region: string;
  secretArn?: IamRequestContext['secretArn'];
}

export class IamAuthorizer {
  readonly denials: IamDenial[] = [];
  /** Requests authorised against a role (allowed or not). */
  checked = 0;
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
  const why = decision === 'ExplicitlyDenied' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  const message = `User: ${principalArn} is not authorized to perform: ${action}${resource === '*' ? '' : ` on resource: ${resource}`} ${why}`;
  if (target.protocol === 'ec2') return new SimAwsError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403);
  if (target.service === 'cloudwatch') return new SimAwsError('AccessDeniedException', message, 403);
  return new SimAwsError('AccessDeniedException', message, 400);
}
