/** What every command body is given: the process's io and env, the global options and the runtime they built. */
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { ScalerDeps } from '../scaler/scale';
import type { OpenedEngine } from '../wiring/engines';
import type { CliIo } from './io';
import type { GlobalOptions } from './options';
import type { CommandRuntime } from './runtime-select';

export interface Context {
  io: CliIo;
  env: Record<string, string | undefined>;
  globals: () => GlobalOptions;
  /** Resolves settings and builds the runtime: real AWS and Opencast, or the simulator for `--sim`. */
  runtimeFor: (globals: GlobalOptions, env: Record<string, string | undefined>) => Promise<CommandRuntime>;
}

/** What a command body gets: the scaler's dependencies and the runtime they were built from. */
export interface CommandScope extends CommandRuntime {
  deps: ScalerDeps;
  globals: GlobalOptions;
  /** The workflow engine for this command (not for `--engine direct`); `reading` keeps a simulated cluster's history. */
  openEngine(autoscaleConfig?: AutoscaleConfig, reading?: boolean): OpenedEngine;
}

