/**
 * Evaluates the few CloudFormation intrinsics the stack uses (Ref, Fn::GetAtt
 * Arn, Fn::Join) as CloudFormation would at deploy, for a given account:
 * Lambda and state machine ARNs come from the resources' own names, so a
 * wrong reference shows as a wrong name.
 */
import type { Synthesised } from './synth';

export interface Scope {
  partition: string;
  region: string;
  account: string;
}

export function evaluate(value: unknown, s: Synthesised, scope: Scope): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => evaluate(p, s, scope)).join(sep);
  }
  if (typeof o.Ref === 'string') {
    const pseudo: Record<string, string> = { 'AWS::Partition': scope.partition, 'AWS::Region': scope.region, 'AWS::AccountId': scope.account };
    if (o.Ref in pseudo) return pseudo[o.Ref]!;
    return arnOf(o.Ref, s, scope);
  }
  if (Array.isArray(o['Fn::GetAtt']) && o['Fn::GetAtt'][1] === 'Arn') return arnOf(String(o['Fn::GetAtt'][0]), s, scope);
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

/** Ref of a state machine or secret and GetAtt Arn of a function or log group are their ARNs. */
function arnOf(logicalId: string, s: Synthesised, scope: Scope): string {
  const r = s.json.Resources[logicalId];
  if (!r) throw new Error(`no resource ${logicalId}`);
  const { partition, region, account } = scope;
  switch (r.Type) {
    case 'AWS::Lambda::Function':
      return `arn:${partition}:lambda:${region}:${account}:function:${r.Properties.FunctionName}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:${partition}:states:${region}:${account}:stateMachine:${r.Properties.StateMachineName}`;
    case 'AWS::Logs::LogGroup':
      return `arn:${partition}:logs:${region}:${account}:log-group:${r.Properties.LogGroupName}:*`;
    case 'AWS::SecretsManager::Secret':
      return `arn:${partition}:secretsmanager:${region}:${account}:secret:${r.Properties.Name}-AbCdEf`;
    default:
      throw new Error(`no ARN rule for ${r.Type}`);
  }
}
