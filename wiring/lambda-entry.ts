/**
 * The one module every Lambda function runs. The stack tells each function which
 * activity it is (`MOSCALER_ACTIVITY`), so all functions share one bundle and the
 * activity modules themselves stay free of any runtime, secret or client. This is
 * the only place that reads `process.env`: the simulator builds the same handler
 * with a function's environment and its own transports (`createLambdaHandler`).
 */
import type { ActivityHandler } from '../activities/support/deps';
import { emfTargetFrom, withEmfFigures } from '../adapters/aws/emf';
import type { CycleFigures } from '../core/cycle-figures';
import { ConfigError } from '../core/errors';
import type { Transports } from './runtime';
import { ACTIVITY_FACTORIES } from './activities';
import { lambdaHandler, type LambdaDeps, type LambdaEnv } from './lambda-runtime';

export const ACTIVITY_VARIABLE = 'MOSCALER_ACTIVITY';

/** A fresh execution environment of the function whose environment is `env`: what a cold start gives. */
export function createLambdaHandler(env: LambdaEnv, transports?: Transports, onInit?: (built: LambdaDeps) => void): ActivityHandler {
  return lambdaHandler(
    (deps) => {
      const name = env[ACTIVITY_VARIABLE] ?? '';
      const factory = Object.hasOwn(ACTIVITY_FACTORIES, name) ? ACTIVITY_FACTORIES[name] : undefined;
      if (!factory) throw new ConfigError(ACTIVITY_VARIABLE, `names no activity (got "${name}"; known: ${Object.keys(ACTIVITY_FACTORIES).join(', ')})`);
      return factory(deps);
    },
    { env, ...(transports ? { transports } : {}), ...(onInit ? { onInit } : {}) },
  );
}

// An activity whose result carries `figures` (plan-cycle) publishes them to CloudWatch as EMF (adapters/aws/emf.ts).
export const handler = withEmfFigures(createLambdaHandler(process.env) as ActivityHandler<unknown, { figures?: CycleFigures }>, () => emfTargetFrom(process.env));
