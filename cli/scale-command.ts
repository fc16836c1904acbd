/**
 * `moscaler scale up|down|to|auto`: through the workflows (one boot or drain
 * execution per worker, or one autoscale cycle), or the original synchronous
 * way with `--engine direct`.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { Decision } from '../core/decision';
import { ConfigError, ScalingError } from '../core/errors';
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
    const result = await scaleViaWorkflows(scope.openEngine(), request, options, scope.runtime.now());
    logDecision(scope, result.decision, result.dryRun);
    await printWorkflowResult(ctx, scope, result.decision, result.executions, result, result.wouldStart);
  });
}

/** `config` is undefined only with the deployed stack (`--engine aws` without `--sim`): its functions have their own. */
export async function scaleAutoCommand(ctx: Context, config: AutoscaleConfig | undefined, minWorkers: number | undefined): Promise<void> {
  await withScaler(ctx, async (scope) => {
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
): Promise<void> {
  if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(await withStatusAfter(scope, json), null, 2)}\n`);
  else {
    ctx.io.stdout.write(decisionText(decision, Boolean(scope.globals.debug)) + (wouldStart ? wouldStartText(wouldStart) : outcomesText(executions)));
    await printStatusAfter(ctx, scope);
  }
  if (executions.some((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT' || e.status === 'ABORTED')) {
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
  ctx.io.stdout.write(statusTable(view));
}

/** `--sim-wait --output json`: one JSON document, the result with the cluster after the workflows as `after`. */
async function withStatusAfter(scope: CommandScope, json: unknown): Promise<unknown> {
  if (!scope.globals.simWait || !scope.sim || json === null || typeof json !== 'object') return json;
  const { view } = await scope.deps.observe();
  return { ...json, after: statusJson(view) };
}

function printResult(ctx: Context, result: ScaleResult): void {
  const globals = ctx.globals();
  if (globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.io.stdout.write(resultText(result, Boolean(globals.debug)));
}
