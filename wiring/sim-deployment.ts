/**
 * The deployed stack, simulated: Step Functions state machines running the
 * shipped ASL (a LocalEngine behind the Step Functions wire protocol), one
 * Lambda function per activity whose every invocation runs the real Lambda
 * entry (wiring/lambda-entry.ts's createLambdaHandler) in an execution
 * environment that is reused, shut down and started cold, with the
 * environment the stack would give it (function-environment.ts), reading the
 * Opencast credentials from simulated Secrets Manager, and timing out
 * (Sandbox.Timedout) before its Task does. Everything reaches the simulated
 * AWS and Opencast through the same wire routers as the CLI.
 *
 * `moscaler --engine aws --sim` and `sim run --engine aws` then run the whole
 * deployed path: the AWS engine (real SFN client) → simulated Step Functions →
 * Lambda handlers → simulated AWS and Opencast.
 */
import { SIM_CREDENTIALS, SIM_REGION } from '../adapters/aws/clients';
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { Settings } from '../core/settings';
import { functionArn, pascalCase, stateMachineArn, type ArnScope } from '../engine/arn';
import { readDefinitionFile, substitute, workflowFiles } from '../engine/definition';
import { LocalEngine } from '../engine/local-engine';
import type { LambdaHandler } from '../engine/task-handlers';
import { TaskError } from '../engine/task-handlers';
import type { JsonValue } from '../engine/types';
import type { EngineHooks } from '../engine/virtual-time';
import { functionTimeouts } from '../engine/function-timeout';
import { createAwsRouter } from '../sim/aws/router';
import { SIM_ACCOUNT_ID } from '../sim/aws/opsworks';
import { secretsManagerOperations, SimSecrets } from '../sim/aws/secrets-manager';
import { stepFunctionsOperations } from '../sim/aws/step-functions';
import type { SimCluster } from '../sim/model/cluster';
import { SimAwsError } from '../sim/model/types';
import { faultWindows } from '../sim/model/create';
import { passwordRotations, rotatedPassword } from '../sim/model/faults';
import type { Scenario } from '../sim/model/scenario';
import { createOpencastRouter } from '../sim/opencast/router';
import { createSdkRequestHandler } from '../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../sim/wire/undici-dispatcher';
import { functionEnvironment } from './function-environment';
import { ExecutionEnvironments, type EnvironmentStats } from './lambda-environments';
import { createLambdaHandler } from './lambda-entry';
import type { LambdaDeps } from './lambda-runtime';
import { WORKFLOW_DIR } from './local-workflows';
import { createRuntime, type Runtime, type Transports } from './runtime';
import { simLambda } from './sim-runtime';
import type { IamAuthorizer } from '../sim/aws/iam-authorizer';
import { functionAccessKey, loadSimIam, taskAuthorizer } from './sim-iam';
import { workflowArnVariable } from './workflow-arns';

/** The stack's default prefix for a cluster is longer; any prefix shows the names carry the wiring. */
export const SIM_RESOURCE_PREFIX = 'moscaler-';

export interface SimDeploymentOptions {
  cluster: SimCluster;
  scenario: Scenario;
  /** What the functions' environment resolves to (the stack config's settings). */
  settings: Settings;
  autoscaleConfig?: AutoscaleConfig;
  /** Virtual-time hooks: the simulated Step Functions runs its Waits, Retries and Tasks on the simulation's clock. */
  hooks?: EngineHooks;
  /** Counts function invocations and cold starts. */
  lambdaStats?: EnvironmentStats;
  /** Authorise the functions' AWS calls and the state machines' Tasks against their roles as the stack synthesises them (wiring/sim-iam.ts). Default true. */
  iam?: boolean;
}

export interface SimDeployment {
  /** Adapters on the simulated AWS (Step Functions and Secrets Manager included) and Opencast, for the caller. */
  runtime: Runtime;
  /** Workflow name → state machine ARN. */
  arns: Record<string, string>;
  /** The variables `--engine aws` reads (MOSCALER_<WORKFLOW>_STATE_MACHINE_ARN). */
  env: Record<string, string>;
  /** The service side: its executions (to know when all have ended). */
  service: LocalEngine;
  secretArn: string;
  /** IAM as the functions and state machines meet it (its denials); undefined where it cannot be loaded (the packed command) or is off. */
  iam: Promise<IamAuthorizer | undefined>;
  /** The environment of each function, by activity. */
  functions: Record<string, Record<string, string>>;
  close(): Promise<void>;
}

export function createSimDeployment(options: SimDeploymentOptions): SimDeployment {
  const { cluster, scenario } = options;
  const region = options.settings.aws.region ?? SIM_REGION;
  const settings = { ...options.settings, aws: { region } };
  const scope: ArnScope = { partition: 'aws', region, account: SIM_ACCOUNT_ID };
  const now = () => new Date(cluster.now());

  const secrets = new SimSecrets(region);
  const secretArn = secrets.put(`${SIM_RESOURCE_PREFIX}opencast`, JSON.stringify({ user: settings.opencast.user, password: settings.opencast.password }), cluster.now());
  // `password-rotated`: the secret changes with Opencast's password (sim/model/faults.ts).
  passwordRotations(faultWindows(scenario)).forEach((at, i) =>
    secrets.rotate(secretArn, JSON.stringify({ user: settings.opencast.user, password: rotatedPassword(settings.opencast.password, i + 1) }), at),
  );

  const files = workflowFiles(WORKFLOW_DIR);
  const arns = Object.fromEntries(Object.keys(files).map((w) => [w, stateMachineArn(scope, `${SIM_RESOURCE_PREFIX}${w}`)]));
  const raw: Record<string, JsonValue> = Object.fromEntries(Object.entries(files).map(([w, f]) => [w, readDefinitionFile(f)]));
  // Activity → its function's timeout, as the stack sets it (engine/function-timeout.ts).
  const timeouts = functionTimeouts(Object.values(raw));
  const activities = Object.keys(timeouts).sort();

  const services: NonNullable<Parameters<typeof createAwsRouter>[1]>['services'] = { secretsmanager: secretsManagerOperations(secrets) };
  const iam =
    options.iam === false
      ? Promise.resolve(undefined)
      : loadSimIam({
          settings,
          ...(options.autoscaleConfig ? { autoscaleConfig: options.autoscaleConfig } : {}),
          region,
          account: SIM_ACCOUNT_ID,
          prefix: SIM_RESOURCE_PREFIX,
          secretArn,
          opsworksStackId: cluster.stack.id,
          activities,
          stateMachines: arns,
          secretArnOf: (id) => secrets.find(id)?.arn,
        });
  // Awaited by every call a function makes; a failure to load shows there (and in `iam`), never as an unhandled rejection.
  iam.catch(() => undefined);
  const authorize: NonNullable<Parameters<typeof createAwsRouter>[1]>['authorize'] = async (accessKeyId, target, request) => {
    const authorizer = await iam.catch((error: unknown) => {
      // Said in the answer, not hidden behind a bare 500: the simulation itself is broken.
      throw new SimAwsError('InternalFailure', `simulated IAM failed to load: ${error instanceof Error ? error.message : String(error)}`, 500);
    });
    return authorizer?.authorize(accessKeyId, target, request.body, cluster);
  };
  const requestHandler = createSdkRequestHandler(createAwsRouter(cluster, { services, authorize }));
  const dispatcher = new RouterDispatcher(createOpencastRouter(cluster));
  // Shared by every function: an environment's close must not close them (no onClose here).
  const transports: Transports = { requestHandler, credentials: SIM_CREDENTIALS, maxAttempts: 1, dispatcher, now };

  // The functions: the stack's environment (settings, config, the secret's ARN, the ARNs), no credentials.
  const environmentOf = (activity: string) =>
    functionEnvironment({ settings, ...(options.autoscaleConfig ? { autoscaleConfig: options.autoscaleConfig } : {}), secretArn, stateMachineArns: arns }, activity);
  const functions = Object.fromEntries(activities.map((a) => [a, environmentOf(a)]));
  interface Environment {
    handler: (event: unknown) => Promise<unknown>;
    built?: LambdaDeps;
  }
  const environments = new ExecutionEnvironments<Environment>(
    (activity) => {
      const environment: Environment = { handler: async () => undefined };
      // Each function calls AWS with its own role's session credentials, so IAM knows the caller.
      const credentials = { accessKeyId: functionAccessKey(activity), secretAccessKey: 'simulated-session-secret', sessionToken: 'simulated-session-token' };
      environment.handler = createLambdaHandler(functions[activity]!, { ...transports, credentials }, (built) => (environment.built = built));
      return environment;
    },
    simLambda(scenario, cluster, options.lambdaStats),
    (environment) => void environment.built?.runtime.close(),
  );
  const handlers: Record<string, LambdaHandler> = Object.fromEntries(
    activities.map((a) => [
      a,
      ((event: JsonValue) => environments.invoke(a, (environment) => withTimeout(environment.handler(event), timeouts[a]!, a))) as unknown as LambdaHandler,
    ]),
  );

  // The definitions as CloudFormation fills them: the functions' and state machines' ARNs.
  const substitutions: Record<string, string> = {
    ...Object.fromEntries(activities.map((a) => [`${pascalCase(a)}FunctionArn`, functionArn(scope, `${SIM_RESOURCE_PREFIX}${a}`)])),
    ...Object.fromEntries(Object.keys(files).map((w) => [`${pascalCase(w)}StateMachineArn`, arns[w]!])),
  };
  const definitions: Record<string, JsonValue> = Object.fromEntries(Object.entries(raw).map(([w, d]) => [w, substitute(w, d, substitutions)]));
  const service = new LocalEngine({
    workflows: definitions,
    handlers,
    resourcePrefix: SIM_RESOURCE_PREFIX,
    substitutions,
    scope,
    validateWithLibrary: false,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    // Each Task's call, authorised against its state machine's execution role as the stack synthesises it.
    authorizeTask: taskAuthorizer(iam, { ...scope, prefix: SIM_RESOURCE_PREFIX }, () => cluster.now()),
  });
  services.stepfunctions = stepFunctionsOperations({ engine: service, arns, definitions });

  // The caller's side: the same transports, and the dispatcher is closed with it.
  const runtime = createRuntime(settings, { ...transports, onClose: () => dispatcher.close() });
  const close = runtime.close.bind(runtime);
  runtime.close = async () => {
    environments.close();
    await close();
  };
  return {
    runtime,
    arns,
    env: Object.fromEntries(Object.entries(arns).map(([w, arn]) => [workflowArnVariable(w), arn])),
    service,
    secretArn,
    iam,
    functions,
    close: () => runtime.close(),
  };
}

/**
 * A function cut off at its timeout, as Lambda reports it to Step Functions: error `Sandbox.Timedout`
 * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts).
 * The timer is the simulation's clock: only an answer that waits on virtual time (a slow Opencast) can reach it.
 */
async function withTimeout<T>(work: Promise<T>, timeoutSeconds: number, fn: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TaskError('Sandbox.Timedout', `Task timed out after ${timeoutSeconds.toFixed(2)} seconds (${fn})`)), timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
