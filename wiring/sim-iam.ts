/**
 * IAM for the simulated deployment: each function calls AWS with its own session
 * credentials (an access key id of its own), and every call is authorised against
 * that function's role policies as the stack synthesises them (infra/role-policies.ts),
 * evaluated by @cloud-copilot/iam-simulate (sim/aws/iam-evaluator.ts). Each state
 * machine's Tasks are authorised against its execution role the same way (taskAuthorizer).
 *
 * Both are development-time code: the CDK and an AGPL-3.0 evaluator stay out of the
 * `moscaler` command. So they are imported by URL at run time, which neither esbuild
 * (scripts/build.ts) nor the layer check follows: under tsx (tests, the soak,
 * `npx tsx cli/main.ts`) they load; from the packed command they are not there
 * (or are TypeScript Node cannot load), and the simulated deployment runs without IAM.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import { mayRemember } from '../core/policies';
import { DEFAULT_EC2_TAG_KEYS, type Settings } from '../core/settings';
import { SIM_REGION } from '../adapters/aws/clients';
import { SIM_ACCOUNT_ID } from '../sim/aws/opsworks';
import { functionArn, lambdaFunctionName, START_EXECUTION, stateMachineArn, type ArnScope } from '../engine/arn';
import { TaskError, type TaskCall } from '../engine/task-handlers';
import { IamAuthorizer, type IamPolicy, type PolicyEvaluator, type SimRole } from '../sim/aws/iam-authorizer';

type Roles = Record<string, { roleId: string; policies: IamPolicy[] }>;

/** infra/role-policies.ts's stackRoles, as loaded (typed here: wiring imports nothing of infra). */
type StackRoles = (
  input: Record<string, unknown>,
  scope: { partition: string; region: string; account: string },
) => Promise<{ functions: Roles; stateMachines: Roles }>;

export interface SimIamInput {
  settings: Settings;
  autoscaleConfig?: AutoscaleConfig;
  region: string;
  account: string;
  /** The stack's resource prefix (the functions are `<prefix><activity>`). */
  prefix: string;
  secretArn: string;
  /** The simulated OpsWorks stack (provider opsworks). */
  opsworksStackId?: string;
  /** The functions the deployment runs. */
  activities: readonly string[];
  /** The state machines it runs: workflow → state machine ARN. */
  stateMachines?: Readonly<Record<string, string>>;
  /** A secret's ARN from its name (GetSecretValue accepts either). */
  secretArnOf?: (id: string) => string | undefined;
}

/** What neither a packed command nor a missing install can load: IAM is off then, not broken. */
const NOT_LOADABLE = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNKNOWN_FILE_EXTENSION', 'ERR_UNSUPPORTED_ESM_URL_SCHEME']);

/**
 * The autoscale config shapes the roles only by whether its policy remembers (infra/stack.ts): the stack is
 * synthesised with one of these two, so a simulation's own config (which may be large) is never the cache key.
 */
const FORGETFUL_CONFIG = { strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }] };
const REMEMBERING_CONFIG = { strategies: [], policy: { name: 'idle-timer' } };

/** Values synthesised as placeholders and filled in after, so one synthesis serves every cluster, stack and secret. */
const PLACEHOLDER = {
  cluster: 'moscaler-sim-cluster-placeholder',
  opsworksStackId: '00000000-0000-4000-8000-00000000c1a5',
  secretName: 'moscaler-sim-secret-placeholder',
};

/**
 * Session credentials' access key ids start with ASIA
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids);
 * the rest is derived from the activity, so a run replays identically.
 */
export function functionAccessKey(activity: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let hash = 2166136261;
  let key = '';
  for (let i = 0; key.length < 16; i += 1) {
    hash = Math.imul(hash ^ activity.charCodeAt(i % activity.length) ^ i, 16777619) >>> 0;
    key += alphabet[hash % 32];
  }
  return `ASIA${key}`;
}

/** The authoriser, or undefined when the development-time modules cannot be loaded here. */
export async function loadSimIam(input: SimIamInput): Promise<IamAuthorizer | undefined> {
  let stackRoles: StackRoles;
  let evaluatePolicies: PolicyEvaluator;
  try {
    ({ stackRoles } = (await import(new URL('../infra/role-policies.ts', import.meta.url).href)) as { stackRoles: StackRoles });
    ({ evaluatePolicies } = (await import(new URL('../sim/aws/iam-evaluator.ts', import.meta.url).href)) as { evaluatePolicies: PolicyEvaluator });
  } catch (error) {
    if (NOT_LOADABLE.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
  const { settings } = input;
  const secretPlaceholder = `arn:aws:secretsmanager:${input.region}:${input.account}:secret:${PLACEHOLDER.secretName}-AbCdEf`;
  const synthesised = await stackRoles(
    {
      cluster: PLACEHOLDER.cluster,
      provider: settings.provider,
      ...(settings.provider === 'opsworks' ? { opsworksStackId: PLACEHOLDER.opsworksStackId } : {}),
      ec2ClusterTag: settings.ec2Tags.cluster,
      opencastSecretArn: secretPlaceholder,
      autoscale: mayRemember(input.autoscaleConfig?.policy) ? REMEMBERING_CONFIG : FORGETFUL_CONFIG,
      resourcePrefix: input.prefix,
      region: input.region,
    },
    { partition: 'aws', region: input.region, account: input.account },
  );
  // Filled in as JSON strings, so a value with quotes or backslashes stays one string.
  const fill = (text: string, placeholder: string, value: string) => text.split(JSON.stringify(placeholder).slice(1, -1)).join(JSON.stringify(value).slice(1, -1));
  let text = JSON.stringify(synthesised);
  text = fill(text, secretPlaceholder, input.secretArn);
  text = fill(text, PLACEHOLDER.cluster, settings.cluster);
  if (input.opsworksStackId) text = fill(text, PLACEHOLDER.opsworksStackId, input.opsworksStackId);
  const filled = JSON.parse(text) as typeof synthesised;
  const roles = new Map<string, SimRole>(
    input.activities.map((activity) => {
      const role = filled.functions[activity];
      const functionName = `${input.prefix}${activity}`;
      // A function the stack does not deploy has no role: every call it makes is denied.
      const principalArn = `arn:aws:sts::${input.account}:assumed-role/${role?.roleId ?? 'NoRole'}/${functionName}`;
      return [functionAccessKey(activity), { caller: functionName, principalArn, policies: role?.policies ?? [] }];
    }),
  );
  const stateMachines = new Map<string, SimRole>(
    Object.entries(input.stateMachines ?? {}).map(([workflow, arn]) => {
      const role = filled.stateMachines[workflow];
      const name = `${input.prefix}${workflow}`;
      // Step Functions assumes the role with a session name of its own (a random id); the state machine's name reads better.
      const principalArn = `arn:aws:sts::${input.account}:assumed-role/${role?.roleId ?? 'NoRole'}/${name}`;
      return [arn, { caller: name, principalArn, policies: role?.policies ?? [] }];
    }),
  );
  return new IamAuthorizer({
    roles,
    stateMachines,
    evaluate: evaluatePolicies,
    account: input.account,
    region: input.region,
    ...(input.secretArnOf ? { secretArn: input.secretArnOf } : {}),
  });
}

/**
 * Synthesises ahead the roles of the simulated stacks tests use most (either provider, a policy that remembers
 * or not), so no test waits for the CDK (vitest's global setup). False when IAM cannot be loaded here.
 */
export async function warmSimIam(prefix: string): Promise<boolean> {
  const variants = (['opsworks', 'ec2'] as const).flatMap((provider) =>
    [undefined, { name: 'idle-timer' }].map((policy) => ({ provider, policy })),
  );
  for (const { provider, policy } of variants) {
    const settings = { cluster: 'warm', provider, ec2Tags: DEFAULT_EC2_TAG_KEYS } as unknown as Settings;
    const autoscaleConfig = (policy ? { strategies: [], policy } : FORGETFUL_CONFIG) as unknown as AutoscaleConfig;
    const iam = await loadSimIam({ settings, autoscaleConfig, region: SIM_REGION, account: SIM_ACCOUNT_ID, prefix, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:warm-AbCdEf', opsworksStackId: PLACEHOLDER.opsworksStackId, activities: [] });
    if (!iam) return false;
  }
  return true;
}

/**
 * The LocalEngine's `authorizeTask` for the simulated Step Functions: each Task's call, authorised against its
 * state machine's execution role. A function Task needs lambda:InvokeFunction on the function, a
 * fire-and-forget startExecution Task states:StartExecution on the child state machine
 * (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html). A denial fails the Task
 * with the error Step Functions reports (IamAuthorizer.authorizeTask).
 */
export function taskAuthorizer(
  iam: Promise<IamAuthorizer | undefined>,
  scope: ArnScope & { prefix: string },
  now: () => number,
): (call: TaskCall) => Promise<void> {
  return async (call) => {
    const authorizer = await iam;
    if (!authorizer) return;
    const machine = stateMachineArn(scope, `${scope.prefix}${call.workflow}`);
    const denial =
      call.resource === START_EXECUTION
        ? await authorizer.authorizeTask(machine, 'states:StartExecution', call.target, now())
        : await authorizer.authorizeTask(machine, 'lambda:InvokeFunction', invokedFunction(scope, call.target), now());
    if (denial) throw new TaskError(denial.error, denial.cause);
  };
}

/**
 * Lambda authorises Invoke on the function's ARN as the call names it, a qualifier included (hence CDK's grant on
 * `<arn>:*` too); a name or partial ARN is the function's in the state machine's account and Region.
 */
function invokedFunction(scope: ArnScope, target: string): string {
  if (target.startsWith('arn:')) return target;
  if (/^\d{12}:function:/.test(target)) return `arn:${scope.partition ?? 'aws'}:lambda:${scope.region}:${target}`;
  return functionArn(scope, lambdaFunctionName(target) ?? target);
}
