/**
 * What every command that touches a cluster shares: settings and runtime (real
 * or simulated), the logger, the scaler's dependencies and the workflow engine,
 * built once per command and closed after it.
 */
import { createActuator } from '../scaler/actuator';
import { observeCluster } from '../scaler/observe';
import { filePauseStore } from '../scaler/pause-store';
import type { ScalerDeps } from '../scaler/scale';
import type { HistoryEvent } from '../engine/types';
import { openEngine } from '../wiring/engines';
import { executionProgress } from './execution-progress';
import { createLogger } from './logger';
import { createLogglyShipper } from './loggly';
import type { CommandScope, Context } from './main';

export async function withScaler<T>(ctx: Context, fn: (scope: CommandScope) => Promise<T>): Promise<T> {
  const globals = ctx.globals();
  const command = await ctx.runtimeFor(globals, ctx.env);
  const { runtime, settings } = command;
  const loggly = settings.logglyToken
    ? createLogglyShipper({
        token: settings.logglyToken,
        cluster: settings.cluster,
        ...(ctx.env.MOSCALER_LOGGLY_URL ? { baseUrl: ctx.env.MOSCALER_LOGGLY_URL } : {}),
        onError: (message) => ctx.io.stderr.write(`${message}\n`),
      })
    : undefined;
  const logger = createLogger(ctx.io, {
    debug: Boolean(globals.debug),
    jsonOutput: globals.output === 'json',
    now: runtime.now,
    ...(loggly ? { extra: loggly } : {}),
  });
  try {
    const deps: ScalerDeps = {
      observe: () => observeCluster({ fleet: runtime.fleet, opencastAt: runtime.opencastAt, now: runtime.now, settings }),
      actuatorFor: (observation) =>
        createActuator({
          fleet: runtime.fleet,
          ...(observation.opencast ? { opencast: observation.opencast } : {}),
          now: runtime.now,
          dryRun: Boolean(globals.dryRun),
        }),
      metrics: runtime.metrics,
      pauseStore: filePauseStore(settings.stateDir, settings.cluster, (m) => logger.warn({ event: 'state-file' }, m)),
      now: runtime.now,
      settings,
      logger,
      force: Boolean(globals.force),
      dryRun: Boolean(globals.dryRun),
    };
    if (globals.force) logger.warn({ event: 'force' }, '--force: minimum workers, idleness and billing window are ignored');
    if (globals.dryRun) logger.info({ event: 'dry-run' }, '--dry-run: nothing will be started, stopped or put in maintenance');
    const progress = executionProgress(ctx.io.stderr);
    const onEvent = (e: HistoryEvent) => {
      if (globals.output !== 'json') progress(e);
    };
    return await fn({
      ...command,
      deps,
      globals,
      openEngine: (autoscaleConfig, reading) =>
        openEngine({
          freshSimulation: !reading,
          engine: globals.engine ?? 'local',
          runtime,
          settings,
          env: ctx.env,
          ...(autoscaleConfig ? { autoscaleConfig } : {}),
          ...(command.sim?.vt ? { vt: command.sim.vt } : {}),
          ...(command.sim ? { simulated: settings.cluster } : {}),
          onEvent,
        }),
    });
  } finally {
    await runtime.close();
    await loggly?.flush();
  }
}
