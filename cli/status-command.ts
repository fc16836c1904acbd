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
import { warnAboutConfig } from './config-warnings';
import type { CommandScope, Context } from './context';
import { lastCycleText, metricGapsText, statusJson, statusTable } from './format';
import type { LastCycle } from '../wiring/last-cycle';
import { withScaler } from './scope';

/** The configured CloudWatch metrics that have no datapoint in their whole query window right now. */
async function metricGapsNow(deps: ScalerDeps, config: AutoscaleConfig, observation: Observation): Promise<MetricGap[]> {
  const strategies = config.strategies.filter((s) => s.method === 'cloudwatch');
  if (strategies.length === 0) return [];
  const quiet = { ...deps.logger, error: () => undefined };
  return metricGaps(strategies, await collectVotes({ ...deps, logger: quiet }, { ...config, strategies }, observation));
}

/**
 * The newest autoscale cycle's decision, from the history the engine keeps: the local one's files (a
 * simulated cluster only when kept: a fresh one has no past), or the deployed state machine's.
 */
async function lastCycleOf(ctx: Context, scope: CommandScope): Promise<LastCycle | undefined> {
  const engine = scope.globals.engine ?? 'local';
  if (engine === 'direct' || (scope.sim && !scope.sim.kept)) return undefined;
  const { deployedHistory, lastCycle, localHistory } = await import('../wiring/last-cycle');
  const { stateDirFor } = await import('../wiring/state-dirs');
  const reader =
    engine === 'aws' ? deployedHistory(scope.runtime, ctx.env) : localHistory(stateDirFor(scope.settings, scope.sim ? `${scope.settings.cluster}.kept` : undefined));
  return reader ? lastCycle(reader) : undefined;
}

export async function statusCommand(ctx: Context, opts: { format?: 'table' | 'json'; config?: string }): Promise<void> {
  const config = opts.config !== undefined || ctx.env.AUTOSCALE_CONFIG || ctx.env.AUTOSCALE_TYPE ? readAutoscaleConfig(opts.config, ctx.env) : undefined;
  await withScaler(
    ctx,
    async (scope) => {
      const { deps } = scope;
      warnAboutConfig(deps.logger, config);
      const observation = await deps.observe();
      const { view } = observation;
      const [gaps, last] = await Promise.all([config ? metricGapsNow(deps, config, observation) : undefined, lastCycleOf(ctx, scope)]);
      const format = opts.format ?? ctx.globals().output;
      ctx.io.stdout.write(
        format === 'json'
          ? `${JSON.stringify({ ...statusJson(view, scope.settings.provider), ...(gaps ? { metricGaps: gaps } : {}), ...(last ? { lastCycle: last } : {}) }, null, 2)}\n`
          : statusTable(view, scope.settings.provider) + (gaps ? metricGapsText(gaps) : '') + (last ? lastCycleText(last) : ''),
      );
      // Wrong credentials are ours to fix, not Opencast's outage: exit as a configuration error.
      if (!view.opencast.up && view.opencast.credentialsRefused) {
        throw new ConfigError('MATTERHORN_USER/MATTERHORN_PASS', `Opencast refused our credentials (${view.opencast.error}); check the Opencast system account in the environment or .env`);
      }
    },
    { noEngine: true },
  );
}
