/**
 * `moscaler scale up|down|to|auto`: through the workflows (one boot or drain
 * execution per worker, or one autoscale cycle), or the original synchronous
 * way with `--engine direct`.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import { warnAboutConfig } from './config-warnings';
import type { Decision } from '../core/decision';
import { ConfigError, ScalingError } from '../core/errors';
import { BOOT_WORKFLOW } from '../core/execution-names';
import { autoscale, scaleDown, scaleTo, scaleUp, type ScaleResult } from '../scaler/scale';
import { decisionText, resultText, statusJson, statusTable } from './format';
import type { CommandScope, Context } from './context';
import { withScaler } from './scope';
import {
  autoscaleViaWorkflow,
  outcomesText,
  scaleViaWorkflows,
  wouldStartText,
  type CycleResult,
  type ExecutionOutcome,
  type ScaleKind,
  type WorkflowScaleResult,
} from './workflow-commands';

export async function scaleCommand(ctx: Context, request: ScaleKind, opts: { scaleAvailable?: boolean }): Promise<void> {
  await withScaler(ctx, async (scope) => {
    const available = Boolean(opts.scaleAvailable);
    if ((scope.globals.engine ?? 'local') === 'direct') {
      const r = request;
      const result =
        r.kind === 'up' ? await scaleUp(scope.deps, r.n, available) : r.kind === 'down' ? await scaleDown(scope.deps, r.n, available) : await scaleTo(scope.deps, r.target, available);
      printResult(ctx, result);
      return;
    }
    const options = { scaleAvailable: available, force: Boolean(scope.globals.force), dryRun: Boolean(scope.globals.dryRun) };
    const engine = scope.openEngine();
    const result = await scaleViaWorkflows(engine, request, options, scope.runtime.now());
    logDecision(scope, result.decision, result.dryRun);
    const retried = await retryForCapacity(scope, engine, result, options);
    await printWorkflowResult(ctx, scope, retried.decision, retried.executions, retried, retried.wouldStart, retried.replaced);
  });
}

/** A boot that ended because EC2 had no capacity for its instance type (boot-worker's NoCapacity). */
const hadNoCapacity = (e: ExecutionOutcome) => e.workflow === BOOT_WORKFLOW && e.status === 'FAILED' && /^InsufficientCapacity\b/.test(e.error ?? '');

/**
 * EC2 refused a start for capacity: the same request tries the next stopped worker (another instance type first,
 * core/ranking.ts) in another scale execution, until the workers asked for started or none is left to try, and
 * says so. The refused boots are then `replaced`: not a failure of the request.
 */
async function retryForCapacity(
  scope: CommandScope,
  engine: ReturnType<CommandScope['openEngine']>,
  first: WorkflowScaleResult,
  options: { scaleAvailable: boolean; force: boolean; dryRun: boolean },
): Promise<WorkflowScaleResult & { replaced: string[]; capacityRetries?: Array<{ refused: string; instanceType?: string; tried: string[] }> }> {
  const executions = [...first.executions];
  const refused: string[] = [];
  const replaced: string[] = [];
  const retries: Array<{ refused: string; instanceType?: string; tried: string[] }> = [];
  const notes: string[] = [];
  let decision = first.decision;
  let last = first;
  let at = scope.runtime.now().getTime();
  for (;;) {
    const failed = last.executions.filter((e) => hadNoCapacity(e) && e.hostname && !refused.includes(e.hostname));
    if (failed.length === 0 || options.dryRun) break;
    refused.push(...failed.map((e) => e.hostname!));
    // Scale executions are named by the second: the next one is at least a second later.
    at = Math.max(scope.runtime.now().getTime(), at + 1000);
    const next = await scaleViaWorkflows(engine, { kind: 'up', n: failed.length }, { ...options, capacityRefused: refused }, new Date(at));
    logDecision(scope, next.decision, false);
    const tried = next.decision.chosen.map((c) => c.hostname);
    const { view } = await scope.deps.observe();
    const typeOf = (hostname: string) => view.workers.find((w) => w.hostname === hostname)?.instanceType;
    const named = (hostname: string) => `${hostname}${typeOf(hostname) ? ` (${typeOf(hostname)})` : ''}`;
    for (const [i, e] of failed.entries()) {
      const instead = tried[i];
      const instanceType = typeOf(e.hostname!);
      retries.push({ refused: e.hostname!, ...(instanceType ? { instanceType } : {}), tried: instead ? [instead] : [] });
      if (instead) replaced.push(e.name);
      const line = `${named(e.hostname!)}: EC2 has no capacity for its instance type: ${instead ? `trying ${named(instead)} instead` : 'no other stopped worker to try'}`;
      scope.deps.logger.warn({ event: 'capacity-retry', refused: e.hostname, ...(instead ? { next: instead } : {}) }, line);
      notes.push(line);
    }
    executions.push(...next.executions);
    decision = {
      ...decision,
      chosen: [...decision.chosen.filter((c) => !refused.includes(c.hostname)), ...next.decision.chosen],
      reasons: [...decision.reasons, ...notes.splice(0), ...next.decision.reasons.filter((r) => !decision.reasons.includes(r))],
    };
    last = next;
    if (tried.length === 0) break;
  }
  return { ...first, decision, executions, replaced, ...(retries.length > 0 ? { capacityRetries: retries } : {}) };
}

/** `config` is undefined only with the deployed stack (`--engine aws` without `--sim`): its functions have their own. */
export async function scaleAutoCommand(ctx: Context, config: AutoscaleConfig | undefined, minWorkers: number | undefined): Promise<void> {
  await withScaler(ctx, async (scope) => {
    warnAboutConfig(scope.deps.logger, config);
    if ((scope.globals.engine ?? 'local') === 'direct') {
      if (!config) throw new ConfigError('--config', 'no autoscale config');
      printResult(ctx, await autoscale(scope.deps, config));
      return;
    }
    const dryRun = Boolean(scope.globals.dryRun);
    const result = await autoscaleViaWorkflow(scope.openEngine(config), { ...(minWorkers === undefined ? {} : { minWorkers }), dryRun }, scope.runtime.now());
    scope.deps.logger.info({ event: 'decision', command: 'auto', cycle: result.cycle.name, dryRun }, result.cycle.reason ?? '');
    await printCycleResult(ctx, scope, result);
  });
}

/** The decision in the log, with whether it was a dry run (nothing started). */
function logDecision(scope: CommandScope, decision: Decision, dryRun: boolean): void {
  scope.deps.logger.info({ event: 'decision', command: decision.command, action: decision.action, chosen: decision.chosen.map((c) => c.hostname), dryRun }, decision.reasons.join('; '));
}

async function printWorkflowResult(
  ctx: Context,
  scope: CommandScope,
  decision: Decision,
  executions: ExecutionOutcome[],
  json: unknown,
  wouldStart?: WorkflowScaleResult['wouldStart'],
  /** Executions that failed for capacity and whose worker another start replaced: not a failure of the request. */
  replaced: readonly string[] = [],
): Promise<void> {
  if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(await withStatusAfter(scope, json), null, 2)}\n`);
  else {
    ctx.io.stdout.write(decisionText(decision, Boolean(scope.globals.debug)) + (wouldStart ? wouldStartText(wouldStart) : outcomesText(executions)));
    await printStatusAfter(ctx, scope);
  }
  if (executions.some((e) => !replaced.includes(e.name) && (e.status === 'FAILED' || e.status === 'TIMED_OUT' || e.status === 'ABORTED'))) {
    throw new ScalingError('an execution did not succeed; see `moscaler history` for every step');
  }
}

async function printCycleResult(ctx: Context, scope: CommandScope, result: CycleResult): Promise<void> {
  if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(await withStatusAfter(scope, result), null, 2)}\n`);
  else {
    ctx.io.stdout.write(`cycle ${result.cycle.name}: ${result.cycle.status}${result.cycle.reason ? ` (${result.cycle.reason})` : ''}\n`);
    ctx.io.stdout.write(result.wouldStart ? wouldStartText(result.wouldStart) : outcomesText(result.executions));
    await printStatusAfter(ctx, scope);
  }
  if (result.cycle.status !== 'SUCCEEDED') throw new ScalingError(`autoscale cycle ${result.cycle.status}: ${result.cycle.error ?? ''}`);
}

/** `--sim-wait`: the simulated cluster after the workflows ran. */
async function printStatusAfter(ctx: Context, scope: CommandScope): Promise<void> {
  if (!scope.globals.simWait || !scope.sim) return;
  const { view } = await scope.deps.observe();
  ctx.io.stdout.write(`\nAfter the workflows (virtual time ${view.observedAt}):\n`);
  ctx.io.stdout.write(statusTable(view, scope.settings.provider));
}

/** `--sim-wait --output json`: one JSON document, the result with the cluster after the workflows as `after`. */
async function withStatusAfter(scope: CommandScope, json: unknown): Promise<unknown> {
  if (!scope.globals.simWait || !scope.sim || json === null || typeof json !== 'object') return json;
  const { view } = await scope.deps.observe();
  return { ...json, after: statusJson(view, scope.settings.provider) };
}

function printResult(ctx: Context, result: ScaleResult): void {
  const globals = ctx.globals();
  if (globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.io.stdout.write(resultText(result, Boolean(globals.debug)));
}
