/**
 * The one module every Lambda function runs. The stack tells each function which
 * activity it is (`MOSCALER_ACTIVITY`), so all functions share one bundle and the
 * activity modules themselves stay free of any runtime, secret or client.
 */
import type { ActivityHandler } from '../activities/support/deps';
import { emfTargetFrom, withEmfFigures } from '../adapters/aws/emf';
import type { CycleFigures } from '../core/cycle-figures';
import { ConfigError } from '../core/errors';
import { ACTIVITY_FACTORIES } from './activities';
import { lambdaHandler } from './lambda-runtime';

export const ACTIVITY_VARIABLE = 'MOSCALER_ACTIVITY';

const activity: ActivityHandler = lambdaHandler((deps) => {
  const name = process.env[ACTIVITY_VARIABLE] ?? '';
  const factory = ACTIVITY_FACTORIES[name];
  if (!factory) throw new ConfigError(ACTIVITY_VARIABLE, `names no activity (got "${name}"; known: ${Object.keys(ACTIVITY_FACTORIES).join(', ')})`);
  return factory(deps);
});

// An activity whose result carries `figures` (plan-cycle) publishes them to CloudWatch as EMF (adapters/aws/emf.ts).
export const handler = withEmfFigures(activity as ActivityHandler<unknown, { figures?: CycleFigures }>, () => emfTargetFrom(process.env));
