/**
 * Each function's and each state machine's IAM policies as the stack synthesises
 * them, with the template's intrinsics resolved for one account and region: what
 * the simulated deployment authorises every AWS call against (wiring/sim-iam.ts),
 * a function's own calls and a state machine's Tasks alike. The schedules' roles
 * too, which start the autoscale cycle. Synthesis takes seconds
 * (more on a busy machine), so each stack config is synthesised once: kept per
 * process, and on disk under node_modules/.cache keyed by the config and the
 * sources that shape the roles (a changed source synthesises again).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { ConfigError } from '../core/errors';
import { parseStackConfig, type StackConfigInput } from './props';

interface FunctionRole {
  /** The function's name, `<prefix><activity>`. */
  functionName: string;
  /** The role's logical id in the template (its name is generated at deploy). */
  roleId: string;
  policies: { name: string; policy: unknown }[];
}

interface StateMachineRole {
  /** The state machine's name, `<prefix><workflow>`. */
  stateMachineName: string;
  /** Its execution role's logical id (AWS::StepFunctions::StateMachine RoleArn). */
  roleId: string;
  policies: { name: string; policy: unknown }[];
}

/** What one synthesis yields. */
interface StackRoles {
  /** Activity → its function's role. */
  functions: Record<string, FunctionRole>;
  /** Workflow → its state machine's execution role. */
  stateMachines: Record<string, StateMachineRole>;
  /** The EventBridge Scheduler schedules' roles (one per target), by logical id. */
  schedules: Record<string, { policies: { name: string; policy: unknown }[] }>;
}

interface RolePolicyScope {
  partition: string;
  region: string;
  account: string;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };

const ROOT = resolvePath(import.meta.dirname, '..');
const DISK_CACHE = join(ROOT, 'node_modules', '.cache', 'mo-scaler-iam');
const cache = new Map<string, Promise<StackRoles>>();

/** Activity → its function's role and policies. `input` is a stack config (infra/props.ts) whose region and account are the scope's. */
export async function functionRoles(input: StackConfigInput, scope: RolePolicyScope): Promise<Record<string, FunctionRole>> {
  return (await stackRoles(input, scope)).functions;
}

/** Every role the stack synthesises that the simulator authorises against: the functions', the state machines', the schedules'. */
export function stackRoles(input: StackConfigInput, scope: RolePolicyScope): Promise<StackRoles> {
  const key = createHash('sha256').update(JSON.stringify([input, scope])).update(sourcesDigest()).digest('hex').slice(0, 32);
  let roles = cache.get(key);
  if (!roles) {
    roles = synthesised(key, input, scope);
    cache.set(key, roles);
  }
  return roles;
}

async function synthesised(key: string, input: StackConfigInput, scope: RolePolicyScope): Promise<StackRoles> {
  const file = join(DISK_CACHE, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackRoles;
  } catch {
    // Not synthesised yet with these sources.
  }
  const config = parseStackConfig({ ...input, region: scope.region, account: scope.account }, 'simulated stack');
  // Loaded only on a miss: the CDK alone takes a while to load.
  const { buildApp } = await import('./build-app');
  // Bundling skipped (the `aws:cdk:bundling-stacks` context, as `cdk list` does): only the template is read.
  const { app, stack } = buildApp(config, { context: { 'aws:cdk:bundling-stacks': [] } });
  const template = app.synth().getStackArtifact(stack.artifactId).template as Template;
  const roles = rolesOf(template, config.resourcePrefix, scope);
  mkdirSync(DISK_CACHE, { recursive: true });
  // Written whole, then renamed: a parallel test worker reads either nothing or all of it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(roles));
  renameSync(partial, file);
  return roles;
}

let digest: string | undefined;

/** What shapes the roles: the infra sources, the workflows, the activities there are, the CDK's version. */
function sourcesDigest(): string {
  if (digest) return digest;
  const hash = createHash('sha256');
  for (const dir of ['infra', 'infra/workflows']) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => /\.(ts|json)$/.test(n)).sort()) hash.update(name).update(readFileSync(join(ROOT, dir, name)));
  }
  hash.update(readdirSync(join(ROOT, 'activities')).sort().join());
  hash.update(readFileSync(join(ROOT, 'core/policies/index.ts')));
  hash.update(readFileSync(join(ROOT, 'node_modules/aws-cdk-lib/package.json')));
  return (digest = hash.digest('hex'));
}

function rolesOf(template: Template, prefix: string, scope: RolePolicyScope): StackRoles {
  const resources = template.Resources;
  const policiesOf = (roleId: string) => {
    if (resources[roleId]?.Properties?.ManagedPolicyArns?.length) throw new ConfigError(roleId, 'has managed policies, which the simulated IAM cannot read');
    return Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: { Ref?: string }) => ref.Ref === roleId))
      .map(([id, r]) => ({ name: id, policy: resolvePolicy(r.Properties!.PolicyDocument, { ...scope, resources }, id) }));
  };
  const roleOf = (value: unknown): string | undefined => {
    const id = (value as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt']?.[0];
    return typeof id === 'string' ? id : undefined;
  };
  const roles: StackRoles = { functions: {}, stateMachines: {}, schedules: {} };
  for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const functionName = fn.Properties?.FunctionName;
    const roleId = roleOf(fn.Properties?.Role);
    if (typeof functionName !== 'string' || !functionName.startsWith(prefix) || !roleId) continue;
    roles.functions[functionName.slice(prefix.length)] = { functionName, roleId, policies: policiesOf(roleId) };
  }
  // A state machine runs its Tasks with its execution role (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html).
  for (const machine of Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')) {
    const stateMachineName = machine.Properties?.StateMachineName;
    const roleId = roleOf(machine.Properties?.RoleArn);
    if (typeof stateMachineName !== 'string' || !stateMachineName.startsWith(prefix) || !roleId) continue;
    roles.stateMachines[stateMachineName.slice(prefix.length)] = { stateMachineName, roleId, policies: policiesOf(roleId) };
  }
  for (const schedule of Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule')) {
    const roleId = roleOf(schedule.Properties?.Target?.RoleArn);
    if (roleId && !roles.schedules[roleId]) roles.schedules[roleId] = { policies: policiesOf(roleId) };
  }
  return roles;
}

/** Services the simulator does not serve: statements for them may name resources only a deployment knows. */
const UNSIMULATED = /^(logs|ec2:(Create|Delete|Describe)NetworkInterfaces?|ec2:(Assign|Unassign)PrivateIpAddresses|ec2:DescribeSubnets|ec2:DescribeVpcs)/;

/** The scope, and the template's resources: a named function's or state machine's ARN is known before deploying. */
type ResolveScope = RolePolicyScope & { resources: Template['Resources'] };

function resolvePolicy(document: { Statement: Record<string, unknown>[] } & Record<string, unknown>, scope: ResolveScope, where: string): unknown {
  const statements = document.Statement.flatMap((statement) => {
    try {
      return [resolve(statement, scope) as Record<string, unknown>];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const actions = ([] as unknown[]).concat(statement.Action ?? []);
      // A log group's ARN (a GetAtt) is only known deployed; the functions' calls never reach CloudWatch Logs here.
      if (actions.every((a) => typeof a === 'string' && UNSIMULATED.test(a))) return [];
      throw new ConfigError(where, `a statement for ${actions.join(', ')} names what the simulated IAM cannot resolve: ${error.message}`);
    }
  });
  return { ...document, Statement: statements };
}

/**
 * Ref of a pseudo parameter or of a named state machine (its ARN), Fn::GetAtt Arn of a named function, and
 * Fn::Join: the intrinsics the stack's policy ARNs use; anything else is unresolvable. The ARN formats:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html#awslambda-resources-for-iam-policies,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html#awsstepfunctions-resources-for-iam-policies.
 */
function resolve(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    const named = (id: unknown, type: string, property: string): string | undefined => {
      const resource = typeof id === 'string' ? scope.resources[id] : undefined;
      const name = resource?.Type === type ? resource.Properties?.[property] : undefined;
      return typeof name === 'string' ? name : undefined;
    };
    if (fn === 'Ref') {
      const pseudo: Record<string, string> = { 'AWS::Partition': scope.partition, 'AWS::Region': scope.region, 'AWS::AccountId': scope.account, 'AWS::URLSuffix': 'amazonaws.com' };
      if (typeof arg === 'string' && arg in pseudo) return pseudo[arg];
      // Ref of a state machine is its ARN (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html#aws-resource-stepfunctions-statemachine-return-values).
      const machine = named(arg, 'AWS::StepFunctions::StateMachine', 'StateMachineName');
      if (machine) return `arn:${scope.partition}:states:${scope.region}:${scope.account}:stateMachine:${machine}`;
      throw new ConfigError('Ref', `not a pseudo parameter or a named state machine: ${String(arg)}`);
    }
    if (fn === 'Fn::GetAtt' && Array.isArray(arg) && arg[1] === 'Arn') {
      const functionName = named(arg[0], 'AWS::Lambda::Function', 'FunctionName');
      if (functionName) return `arn:${scope.partition}:lambda:${scope.region}:${scope.account}:function:${functionName}`;
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolve(p, scope))).join(separator);
    }
    if (fn.startsWith('Fn::')) throw new ConfigError(fn, `unresolvable here: ${JSON.stringify(arg)}`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, scope)]));
}
