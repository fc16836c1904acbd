/**
 * Builds activity dependencies inside AWS Lambda from the function's environment,
 * once per container (cold start). Opencast credentials are read at run time from
 * Secrets Manager (`MOSCALER_OPENCAST_SECRET_ARN`), never from the environment or
 * the execution input; running executions are listed through Step Functions.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createRuntime } from './runtime';
import { legacyAutoscaleConfig, parseAutoscaleConfig, parseJsonText } from '../core/autoscale-config';
import { ConfigError } from '../core/errors';
import { resolveSettings } from '../core/settings';
import { AwsEngine } from '../engine/aws-engine';
import type { ActivityDeps, ActivityHandler } from '../activities/support/deps';

const secretSchema = z.object({ user: z.string().min(1), password: z.string().min(1) });

async function opencastCredentials(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const arn = env.MOSCALER_OPENCAST_SECRET_ARN;
  if (!arn) return {};
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const parsed = secretSchema.safeParse(JSON.parse(out.SecretString ?? '{}'));
    if (!parsed.success) throw new ConfigError('MOSCALER_OPENCAST_SECRET_ARN', 'the secret must hold JSON {"user": ..., "password": ...}');
    return { MATTERHORN_USER: parsed.data.user, MATTERHORN_PASS: parsed.data.password };
  } finally {
    client.destroy();
  }
}

export async function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<ActivityDeps> {
  const settings = resolveSettings({}, { ...env, ...(await opencastCredentials(env)) });
  // The same adapter wiring as the CLI, with the SDK's default credential chain (the function's role).
  const runtime = createRuntime(settings);
  const arns = Object.fromEntries(
    [
      ['boot-worker', env.MOSCALER_BOOT_WORKER_STATE_MACHINE_ARN],
      ['drain-worker', env.MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN],
    ].filter((e): e is [string, string] => Boolean(e[1])),
  );
  const configText = env.AUTOSCALE_CONFIG;
  const autoscaleConfig = configText
    ? parseAutoscaleConfig(parseJsonText(configText, 'AUTOSCALE_CONFIG'), 'AUTOSCALE_CONFIG')
    : legacyAutoscaleConfig(env);
  return {
    settings,
    fleet: runtime.fleet,
    opencastAt: runtime.opencastAt,
    metrics: runtime.metrics,
    executions: new AwsEngine({ client: runtime.aws.sfn, stateMachines: { arns } }),
    now: () => new Date(),
    ...(autoscaleConfig ? { autoscaleConfig } : {}),
    cache: {},
  };
}

/** A Lambda entry point from a handler factory; dependencies are built on the first invocation. */
export function lambdaHandler<I, O>(factory: (deps: ActivityDeps) => ActivityHandler<I, O>): ActivityHandler<I, O> {
  let built: Promise<ActivityHandler<I, O>> | undefined;
  return async (event) => {
    built ??= depsFromEnvironment().then(factory);
    return (await built)(event);
  };
}
