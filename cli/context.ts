/** What every command body is given: the process's io and env, the global options and the runtime they built. */
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { ScalerDeps } from '../scaler/scale';
import type { OpenedEngine } from '../wiring/engines';
import type { CliIo } from './io';
import type { GlobalOptions } from './options';
import type { CommandRuntime } from './runtime-select';

/** Resolves settings and builds the runtime: real AWS and Opencast, or the simulator for `--sim`. */
export type RuntimeFor = (globals: GlobalOptions, env: Record<string, string | undefined>) => Promise<CommandRuntime>;

export interface Context {
  io: CliIo;
  env: Record<string, string | undefined>;
  /** The global options, wherever they were given (before the command or after it). */
  globals: () => GlobalOptions;
  runtimeFor: RuntimeFor;
}

/** What a command body gets: the scaler's dependencies and the runtime they were built from. */
export interface CommandScope extends CommandRuntime {
  deps: ScalerDeps;
  globals: GlobalOptions;
  /** The workflow engine for this command (not for `--engine direct`); `reading` keeps a simulated cluster's history. */
  openEngine(autoscaleConfig?: AutoscaleConfig, reading?: boolean): OpenedEngine;
}
