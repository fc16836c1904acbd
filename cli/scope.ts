/**
 * What every command that touches a cluster shares: settings and runtime (real
 * or simulated), the logger, the scaler's dependencies and the workflow engine,
 * built once per command and closed after it.
 */
import { MoScalerError } from '../core/errors';
import { createActuator } from '../scaler/actuator';
import { observeCluster } from '../scaler/observe';
import { filePauseStore } from '../scaler/pause-store';
import type { ScalerDeps } from '../scaler/scale';
import type { HistoryEvent } from '../engine/types';
import { executionProgress } from './execution-progress';
import { createLogger } from './logger';
import { createLogglyShipper } from './loggly';
import type { CommandScope, Context } from './context';
import type { CommandRuntime } from './runtime-select';

export interface ScopeOptions {
  /** Say on stderr which simulated cluster the command works on (default true). */
  simulationNote?: boolean;
  /** The command runs no workflow: the engine (and the local ASL interpreter, 1.6 MB of code) is not loaded. */
  noEngine?: boolean;
}

export async function withScaler<T>(ctx: Context, fn: (scope: CommandScope) => Promise<T>, options: ScopeOptions = {}): Promise<T> {
  const globals = ctx.globals();
  const [command, engines] = await Promise.all([ctx.runtimeFor(globals, ctx.env), options.noEngine ? undefined : import('../wiring/engines')]);
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
    if (command.sim && options.simulationNote !== false) ctx.io.stderr.write(`${simulationNote(command.sim, settings.cluster)}\n`);
    const progress = executionProgress(ctx.io.stderr);
    const onEvent = (e: HistoryEvent) => {
      if (globals.output !== 'json') progress(e);
    };
    return await fn({
      ...command,
      deps,
      globals,
      openEngine: (autoscaleConfig, reading) => {
        if (!engines) throw new MoScalerError('this command was set up without a workflow engine', 'internal');
        return engines.openEngine({
          // A kept cluster keeps its history; one started afresh starts its history afresh too.
          freshSimulation: !reading && !command.sim?.kept,
          engine: globals.engine ?? 'local',
          runtime,
          settings,
          env: ctx.env,
          ...(autoscaleConfig ? { autoscaleConfig } : {}),
          ...(command.sim?.vt ? { vt: command.sim.vt } : {}),
          ...(command.sim
            ? { simulated: command.sim.kept ? `${settings.cluster}.kept` : settings.cluster, sim: { cluster: command.sim.cluster, scenario: command.sim.scenario } }
            : {}),
          onEvent,
        });
      },
    });
  } finally {
    await runtime.close();
    await loggly?.flush();
  }
}

/** Says on stderr which simulated cluster a command works on: a kept one, or a fresh one at the scenario's start. */
export function simulationNote(sim: NonNullable<CommandRuntime['sim']>, cluster: string): string {
  const kept = sim.kept;
  if (!kept) {
    return `note: simulated cluster ${cluster} starts afresh at the scenario's start (${sim.start.toISOString()}) in each command; add --sim-keep to carry it, and its history, from one command to the next`;
  }
  if (kept.continuedAt) return `simulated cluster ${cluster} kept in ${kept.dir}: continuing at virtual ${kept.continuedAt.toISOString()} after ${kept.changes} change(s)`;
  return `simulated cluster ${cluster} kept in ${kept.dir}: starting it at the scenario's start (${sim.start.toISOString()})${kept.reset ? `, as ${kept.reset}` : ''}`;
}
