/**
 * The local engine with the project's own workflows and activities: the same
 * ASL files the CDK stack deploys, the same handlers the Lambda functions run,
 * wired to this process's adapters (real, or the simulator's).
 */
import { fileURLToPath } from 'node:url';
import { ACTIVITY_FACTORIES } from './activities';
import { ExecutionEnvironments, type EnvironmentOptions } from './lambda-environments';
import type { ActivityDeps, ActivityHandler } from '../activities/support/deps';
import { typedError } from './typed-error';
import { withSharedObservations } from './shared-observer';
import { observe } from '../activities/support/observe';
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { Settings } from '../core/settings';
import { shareable } from '../engine/activity';
import { workflowFiles } from '../engine/definition';
import { LocalEngine, type LocalEngineOptions } from '../engine/local-engine';
import type { LambdaHandler } from '../engine/task-handlers';
import type { ExecutionRef, ExecutionSummary, JsonValue, ListFilter } from '../engine/types';
import { asDescribed, type ExecutionLag, listedAsAws, LISTING_MARGIN } from '../sim/aws/list-lag';
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
  /**
   * Run each activity as Lambda does: in execution environments that are reused, then shut down and
   * built afresh (cold starts). Without it each activity keeps one handler for the engine's life.
   */
  lambda?: EnvironmentOptions;
  /** How far the activities' reads of executions trail the truth (a simulated world's); absent: they do not. */
  listLagMs?: ExecutionLag;
}

export function createLocalWorkflows(options: LocalWorkflowsOptions): LocalEngine {
  let engine: LocalEngine | undefined;
  const own: ActivityDeps = {
    settings: options.settings,
    fleet: options.runtime.fleet,
    opencastAt: options.runtime.opencastAt,
    metrics: options.runtime.metrics,
    // The engine lists its own executions; built below, so reached lazily.
    executions: {
      list: (filter) => (options.listLagMs ? laggingList(engine!, filter, options.listLagMs, options.runtime.now().getTime()) : engine!.list(filter)),
      input: (ref) => engine!.input(ref),
      output: (ref) => (options.listLagMs ? laggingOutput(engine!, ref, options.listLagMs, options.runtime.now().getTime()) : engine!.output(ref)),
    },
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
    handlers: activityHandlers(deps, options.lambda),
    ...(options.stateDir ? { stateDir: `${options.stateDir}` } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return engine;
}

/** One handler per activity; with a lifecycle, each invocation runs in one of its environments (a fresh handler, fresh caches, at a cold start). */
function activityHandlers(deps: ActivityDeps, lambda: EnvironmentOptions | undefined): Record<string, LambdaHandler> {
  const names = Object.keys(ACTIVITY_FACTORIES);
  // Activities return plain JSON objects; the engine's type is JSON in, JSON out.
  // As the Lambda entry does: whatever else leaves a handler leaves as InternalError, a name the workflows know.
  const typed = (handler: ActivityHandler) => (event: unknown) => handler(event).catch((error: unknown) => Promise.reject(typedError(error)));
  if (!lambda) return Object.fromEntries(names.map((name) => [name, typed(ACTIVITY_FACTORIES[name]!(deps)) as unknown as LambdaHandler]));
  const environments = new ExecutionEnvironments((name) => typed(ACTIVITY_FACTORIES[name]!({ ...deps, cache: {} })), lambda);
  return Object.fromEntries(
    names.map((name) => [name, ((event: unknown) => environments.invoke(name, (handler) => handler(event))) as unknown as LambdaHandler]),
  );
}

/**
 * The engine's listing as ListExecutions gives it (sim/aws/list-lag.ts): executions begun in the last moments
 * are missing, those that just ended are still RUNNING, closed ones come by their stop. What the activities see on AWS.
 */
async function laggingList(engine: LocalEngine, filter: ListFilter = {}, lag: ExecutionLag, now: number): Promise<ExecutionSummary[]> {
  const { status, maxResults, ...rest } = filter;
  // The newest of every status beyond the page by a margin, and every running one (listed by its start, however old).
  const candidates = [...(await engine.list({ ...rest, maxResults: (maxResults ?? 0) + LISTING_MARGIN })), ...(await engine.list({ ...rest, status: 'RUNNING' }))];
  return listedAsAws(candidates, (e) => e.ref.executionArn, status, now, lag).slice(0, maxResults);
}

/** DescribeExecution's output as a lagging read gives it: none while the end has not shown. */
async function laggingOutput(engine: LocalEngine, ref: ExecutionRef, lag: ExecutionLag, now: number): Promise<JsonValue | undefined> {
  const record = engine.store.get(ref.workflow, ref.name);
  if (record && asDescribed(record, ref.executionArn, now, lag).status === 'RUNNING') return undefined;
  return engine.output(ref);
}
