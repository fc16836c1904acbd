/**
 * `moscaler status`: one observation of the cluster, as a table or JSON; with an
 * autoscale config, also each configured CloudWatch metric that has no datapoints.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { MetricGap } from '../core/decision';
import { ConfigError } from '../core/errors';
import { metricGaps } from '../core/strategies';
import type { Observation } from '../scaler/observe';
import { collectVotes, type ScalerDeps } from '../scaler/scale';
import { readAutoscaleConfig } from './autoscale-config-input';
import type { Context } from './context';
import { metricGapsText, statusJson, statusTable } from './format';
import { withScaler } from './scope';

/** The configured CloudWatch metrics that have no datapoint in their whole query window right now. */
async function metricGapsNow(deps: ScalerDeps, config: AutoscaleConfig, observation: Observation): Promise<MetricGap[]> {
  const strategies = config.strategies.filter((s) => s.method === 'cloudwatch');
  if (strategies.length === 0) return [];
  const quiet = { ...deps.logger, error: () => undefined };
  return metricGaps(strategies, await collectVotes({ ...deps, logger: quiet }, { ...config, strategies }, observation));
}

export async function statusCommand(ctx: Context, opts: { format?: 'table' | 'json'; config?: string }): Promise<void> {
  const config = opts.config !== undefined || ctx.env.AUTOSCALE_CONFIG || ctx.env.AUTOSCALE_TYPE ? readAutoscaleConfig(opts.config, ctx.env) : undefined;
  await withScaler(
    ctx,
    async ({ deps }) => {
      const observation = await deps.observe();
      const { view } = observation;
      const gaps = config ? await metricGapsNow(deps, config, observation) : undefined;
      const format = opts.format ?? ctx.globals().output;
      ctx.io.stdout.write(
        format === 'json' ? `${JSON.stringify({ ...statusJson(view), ...(gaps ? { metricGaps: gaps } : {}) }, null, 2)}\n` : statusTable(view) + (gaps ? metricGapsText(gaps) : ''),
      );
      // Wrong credentials are ours to fix, not Opencast's outage: exit as a configuration error.
      if (!view.opencast.up && view.opencast.credentialsRefused) {
        throw new ConfigError('MATTERHORN_USER/MATTERHORN_PASS', `Opencast refused our credentials (${view.opencast.error}); check the Opencast system account in the environment or .env`);
      }
    },
    { noEngine: true },
  );
}
