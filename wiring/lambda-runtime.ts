/**
 * Builds activity dependencies inside AWS Lambda from the function's environment,
 * once per execution environment (cold start). Opencast credentials are read at
 * run time from Secrets Manager (`MOSCALER_OPENCAST_SECRET_ARN`), never from the
 * environment or the execution input; executions are listed through Step Functions.
 *
 * The environment and the transports are passed in: lambda-entry.ts gives
 * `process.env` and none (the SDK's defaults: the function's role, HTTPS), the
 * simulator gives a function's environment and its in-process routers, so the
 * same code runs in both.
 *
 * Lambda's lifecycle (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
 * an environment is reused for many invocations, and an Init that fails is tried
 * again at the next invocation. So a failed initialisation (a GetSecretValue
 * timeout) is not cached: the next invocation builds the dependencies afresh.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createRuntime, type Runtime, type Transports } from './runtime';
import { legacyAutoscaleConfig, parseAutoscaleConfig, parseJsonText } from '../core/autoscale-config';
import { AuthError, ConfigError } from '../core/errors';
import { typedError } from './typed-error';
import { resolveSettings } from '../core/settings';
import { AwsEngine } from '../engine/aws-engine';
import { mapAwsError } from '../adapters/aws/errors';
import type { ActivityDeps, ActivityHandler } from '../activities/support/deps';
import { WORKFLOW_ARN_VARIABLES } from './workflow-arns';

export type LambdaEnv = Readonly<Record<string, string | undefined>>;

const secretSchema = z.object({ user: z.string().min(1), password: z.string().min(1) });

export const SECRET_ARN_VARIABLE = 'MOSCALER_OPENCAST_SECRET_ARN';

async function opencastCredentials(env: LambdaEnv, transports: Transports): Promise<Record<string, string>> {
  const arn = env[SECRET_ARN_VARIABLE];
  if (!arn) return {};
  const client = new SecretsManagerClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(transports.requestHandler ? { requestHandler: transports.requestHandler } : {}),
    // The SDK writes bookkeeping onto a static credentials object: the client gets its own copy.
    ...(transports.credentials ? { credentials: typeof transports.credentials === 'function' ? transports.credentials : { ...transports.credentials } } : {}),
    ...(transports.maxAttempts ? { maxAttempts: transports.maxAttempts } : {}),
  });
  try {
    let text: string | undefined;
    try {
      text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
    } catch (error) {
      const mapped = mapAwsError(error, { system: 'secretsmanager', operation: 'GetSecretValue' });
      // A secret that does not exist is the stack's configuration, not a passing failure.
      if ((error as { name?: string })?.name === 'ResourceNotFoundException') {
        throw new ConfigError(SECRET_ARN_VARIABLE, `no such secret (${mapped.message})`, { cause: error });
      }
      throw mapped;
    }
    let json: unknown;
    try {
      json = JSON.parse(text ?? '{}');
    } catch {
      json = undefined;
    }
    const parsed = secretSchema.safeParse(json);
    if (!parsed.success) throw new ConfigError(SECRET_ARN_VARIABLE, 'the secret must hold JSON {"user": ..., "password": ...}');
    return { MATTERHORN_USER: parsed.data.user, MATTERHORN_PASS: parsed.data.password };
  } finally {
    client.destroy();
  }
}

/** The dependencies of one execution environment, and what closes them when it goes away. */
export interface LambdaDeps {
  deps: ActivityDeps;
  runtime: Runtime;
}

export async function depsFromEnvironment(env: LambdaEnv, transports: Transports = {}): Promise<LambdaDeps> {
  const settings = resolveSettings({}, { ...env, ...(await opencastCredentials(env, transports)) });
  // The same adapter wiring as the CLI; without transports the SDK's default credential chain (the function's role).
  const runtime = createRuntime(settings, transports);
  const arns = Object.fromEntries(
    Object.entries(WORKFLOW_ARN_VARIABLES)
      .map(([workflow, variable]) => [workflow, env[variable]] as const)
      .filter((e): e is readonly [string, string] => Boolean(e[1])),
  );
  const configText = env.AUTOSCALE_CONFIG;
  const autoscaleConfig = configText
    ? parseAutoscaleConfig(parseJsonText(configText, 'AUTOSCALE_CONFIG'), 'AUTOSCALE_CONFIG')
    : legacyAutoscaleConfig(env);
  const executions = new AwsEngine({ client: runtime.aws.sfn, stateMachines: { arns } });
  return {
    runtime,
    deps: {
      settings,
      fleet: runtime.fleet,
      opencastAt: runtime.opencastAt,
      metrics: runtime.metrics,
      executions,
      now: runtime.now,
      ...(autoscaleConfig ? { autoscaleConfig } : {}),
      cache: {},
    },
  };
}

export interface LambdaHandlerOptions {
  env: LambdaEnv;
  transports?: Transports;
  /** Called with the dependencies once they are built (the simulator closes them when it retires an environment). */
  onInit?: (built: LambdaDeps) => void;
}

/**
 * A Lambda entry point from a handler factory. Dependencies are built on the first invocation and kept
 * while they work; a failed build is forgotten, so the next invocation tries again. Dependencies whose
 * Opencast credentials were refused (AuthError) are dropped too: the secret may have been rotated since this
 * environment read it (Secrets Manager rotation changes the password and the secret together). When they were
 * built by an earlier invocation, the secret is read again and the activity tried once more at once, so a
 * rotation costs no failed cycle; a refusal with a secret read in this invocation is the configuration's.
 * Retrying is safe: Opencast answers 401 before it does anything, and an activity's one side effect is the
 * call that was refused or comes after the reads that were.
 */
export function lambdaHandler<I, O>(factory: (deps: ActivityDeps) => ActivityHandler<I, O>, options: LambdaHandlerOptions): ActivityHandler<I, O> {
  let built: Promise<{ lambda: LambdaDeps; handler: ActivityHandler<I, O> }> | undefined;
  const build = () =>
    depsFromEnvironment(options.env, options.transports).then((lambda) => {
      options.onInit?.(lambda);
      return { lambda, handler: factory(lambda.deps) };
    });
  const invoke = async (event: I, reused: boolean): Promise<O> => {
    const fresh = built === undefined;
    const attempt = (built ??= build());
    let current: Awaited<typeof attempt>;
    try {
      current = await attempt;
    } catch (error) {
      if (built === attempt) built = undefined;
      throw typedError(error);
    }
    try {
      return await current.handler(event);
    } catch (error) {
      if (refusedCredentials(error) && built === attempt) {
        built = undefined;
        await current.lambda.runtime.close().catch(() => undefined);
        if (!fresh && !reused) return invoke(event, true);
      }
      throw typedError(error);
    }
  };
  return (event) => invoke(event, false);
}

/** An AuthError, or the configuration error an activity made of one (scaler/observe.ts credentialsRefusedError). */
function refusedCredentials(error: unknown): boolean {
  return error instanceof AuthError || (error instanceof ConfigError && error.cause instanceof AuthError);
}
