/**
 * IAM policy evaluation by @cloud-copilot/iam-simulate (https://github.com/cloud-copilot/iam-simulate),
 * a maintained engine that implements AWS's evaluation logic: statements, actions, resource ARNs and
 * every condition operator. It is AGPL-3.0 and a development dependency: this module is loaded only
 * by wiring/sim-iam.ts at run time, never bundled into the `moscaler` command (scripts/build.ts).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { InternalError } from '../../core/errors';
import type { IamDecision, IamEvaluation } from './iam-authorizer';

export async function evaluatePolicies(question: IamEvaluation): Promise<IamDecision> {
  const result = await runSimulation(
    {
      request: {
        principal: question.principalArn,
        action: question.action,
        resource: { resource: question.resource, accountId: question.account },
        contextVariables: question.context,
      },
      identityPolicies: question.policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(question.resourcePolicy !== undefined ? { resourcePolicy: question.resourcePolicy } : {}),
    },
    {},
  );
  // A question the engine cannot evaluate (an unknown action, a resource of the wrong type) is a simulator bug: loud.
  if (result.resultType === 'error') throw new InternalError(`IAM evaluation of ${question.action} on ${question.resource}: ${result.errors.message}`);
  return result.overallResult;
}
