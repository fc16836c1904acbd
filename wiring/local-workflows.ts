/**
 * The local engine with the project's own workflows and activities: the same
 * ASL files the CDK stack deploys, the same handlers the Lambda functions run,
 * wired to this process's adapters (real, or the simulator's).
 */
import { fileURLToPath } from 'node:url';
import { createActivityHandlers } from './activities';
import type { ActivityDeps } from '../activities/support/deps';
import { withSharedObservations } from './shared-observer';
import { observe } from '../activities/support/observe';
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { Settings } from '../core/settings';
import { shareable } from '../engine/activity';
import { workflowFiles } from '../engine/definition';
import { LocalEngine, type LocalEngineOptions } from '../engine/local-engine';
import type { LambdaHandler } from '../engine/task-handlers';
import type { Runtime } from './runtime';

export const WORKFLOW_DIR = fileURLToPath(new URL('../infra/workflows', import.meta.url));

export interface LocalWorkflowsOptions {
  runtime: Runtime;
  settings: Settings;
  autoscaleConfig?: AutoscaleConfig;
  /** Keep executions and their history on disk (the CLI); in memory without it (long simulations). */
  stateDir?: string;
  hooks?: LocalEngineOptions['hooks'];
  onEvent?: LocalEngineOptions['onEvent'];
}

export function createLocalWorkflows(options: LocalWorkflowsOptions): LocalEngine {
  let engine: LocalEngine | undefined;
  const own: ActivityDeps = {
    settings: options.settings,
    fleet: options.runtime.fleet,
    opencastAt: options.runtime.opencastAt,
    metrics: options.runtime.metrics,
    // The engine lists its own executions; built below, so reached lazily.
    executions: { list: (filter) => engine!.list(filter), input: (ref) => engine!.input(ref) },
    now: options.runtime.now,
    ...(options.autoscaleConfig ? { autoscaleConfig: options.autoscaleConfig } : {}),
    cache: {},
  };
  const deps = withSharedObservations(own, observe, shareable);
  engine = new LocalEngine({
    workflows: workflowFiles(WORKFLOW_DIR),
    // The shipped definitions pass the library's schema in test/infra/asl-lint.test.ts: checking them again at
    // every start would add ~0.45 s to each command. Our own lint (what the local engine cannot run) still runs.
    validateWithLibrary: false,
    // Activities return plain JSON objects; the engine's type is JSON in, JSON out.
    handlers: createActivityHandlers(deps) as unknown as Record<string, LambdaHandler>,
    ...(options.stateDir ? { stateDir: `${options.stateDir}` } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return engine;
}
