/**
 * The scale commands through the workflows, on every engine one path: a `scale`
 * execution (infra/workflows/scale.asl.json) takes the command line as its
 * input, applies the original rules (`auto`: the autoscale cycle's plan) and
 * starts one boot-worker or drain-worker execution per chosen worker, as the
 * console does; a dry run records the decision and starts nothing. The command
 * then waits for every execution it started, to the end.
 */
import { decisionFromRecord, type Decision, type DecisionRecord } from '../core/decision';
import { ConfigError, DependencyError, MoScalerError, ScalingError } from '../core/errors';
import { failureText } from '../engine/failure-text';
import type { ExecutionRef, ExecutionResult, JsonValue, WorkflowEngine } from '../engine/types';
import { scaleExecutionName, SCALE_WORKFLOW, workflowOfKind } from '../core/execution-names';
import type { OpenedEngine } from '../wiring/engines';
import type { PlannedAction } from '../activities/plan-cycle';

export interface ExecutionOutcome {
  workflow: string;
  name: string;
  hostname?: string;
  status: string;
  /** The last reason the execution recorded. */
  reason?: string;
  error?: string;
  consoleUrl?: string;
}

export interface WorkflowScaleResult {
  decision: Decision;
  /** The scale execution that decided (its history has the whole decision). */
  scale: ExecutionOutcome;
  dryRun: boolean;
  /** A dry run: the executions it would have started. */
  wouldStart?: Array<{ workflow: string; name: string; hostname: string }>;
  executions: ExecutionOutcome[];
}

export type ScaleKind = { kind: 'up'; n: number } | { kind: 'down'; n: number } | { kind: 'to'; target: number };

export interface ScaleOptions {
  scaleAvailable: boolean;
  force: boolean;
  dryRun: boolean;
  /** A retry of `up` in the same request: workers whose start EC2 refused for capacity (cli/scale-command.ts). */
  capacityRefused?: string[];
}

/** The last recorded reason of an execution (its final activity's). */
async function lastReason(engine: WorkflowEngine, ref: ExecutionRef): Promise<string | undefined> {
  const history = await engine.history(ref);
  return history.filter((e) => e.reason).at(-1)?.reason;
}

async function outcomeOf(opened: OpenedEngine, result: ExecutionResult, hostname?: string): Promise<ExecutionOutcome> {
  const reason = await lastReason(opened.engine, result.ref);
  return {
    workflow: result.ref.workflow,
    name: result.ref.name,
    ...(hostname ? { hostname } : {}),
    status: result.status,
    ...(reason ? { reason } : {}),
    ...(result.error ? { error: failureText(result.error, result.cause) } : {}),
    ...(opened.consoleUrl ? { consoleUrl: opened.consoleUrl(result.ref.executionArn) } : {}),
  };
}

async function finish(opened: OpenedEngine, started: Array<{ ref: ExecutionRef; hostname?: string }>): Promise<ExecutionOutcome[]> {
  const results = await opened.drive(Promise.all(started.map((s) => opened.engine.wait(s.ref))));
  return Promise.all(results.map((result, i) => outcomeOf(opened, result, started[i]?.hostname)));
}

interface ScalePlanOutput {
  command: string;
  dryRun: boolean;
  action: Decision['action'];
  actions: PlannedAction[];
  reason: string;
  decision: DecisionRecord;
}

/** What one scale execution decided and started. */
interface ScaleRun {
  scale: ExecutionOutcome;
  plan: ScalePlanOutput;
  executions: ExecutionOutcome[];
  wouldStart?: WorkflowScaleResult['wouldStart'];
}

/**
 * Runs one `scale` execution and waits for the executions it started. A failed decision (a bad input, a
 * rule that forbids the request) comes back as the error it was, so the exit code is the CLI's own.
 */
async function runScale(opened: OpenedEngine, input: Record<string, JsonValue>, now: Date): Promise<ScaleRun> {
  const command = input.command as 'up' | 'down' | 'to' | 'auto';
  const dryRun = input.dryRun === true;
  const ref = await opened.engine.start(SCALE_WORKFLOW, input, { name: scaleExecutionName(command, dryRun, now) });
  const result = await opened.drive(opened.engine.wait(ref));
  if (result.status !== 'SUCCEEDED') throw decisionError(result);
  const output = result.output as { plan?: ScalePlanOutput; started?: Array<{ executionArn?: string; execution?: string; reason?: string }> };
  const plan = output.plan!;
  const scale = await outcomeOf(opened, result);
  if (dryRun) {
    const wouldStart = plan.actions.flatMap((a) => (a.kind === 'release' ? [] : [{ workflow: workflowOfKind(a.kind), name: a.executionName, hostname: a.hostname }]));
    return { scale, plan, executions: [], wouldStart };
  }
  const started: Array<{ ref: ExecutionRef; hostname: string }> = [];
  const executions: ExecutionOutcome[] = [];
  plan.actions.forEach((action, i) => {
    if (action.kind === 'release') return;
    const workflow = workflowOfKind(action.kind);
    const outcome = output.started?.[i];
    if (outcome?.executionArn) started.push({ ref: { workflow, name: action.executionName, executionArn: outcome.executionArn }, hostname: action.hostname });
    // A second request for the same worker is a no-op with a message, not a failure.
    else executions.push({ workflow, name: action.executionName, hostname: action.hostname, status: 'NOT_STARTED', reason: `already requested: ${outcome?.reason ?? 'an execution of that name exists'}` });
  });
  executions.push(...(await finish(opened, started)));
  return { scale, plan, executions };
}

/** The error the scale execution failed with, as the CLI's own: ConfigError (exit 2), ScalingError (exit 1), else DependencyError. */
function decisionError(result: ExecutionResult): MoScalerError {
  let message = result.cause ?? result.status;
  try {
    const cause = JSON.parse(result.cause ?? '') as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    // a cause that is not Lambda's {"errorType","errorMessage"} is shown as it is
  }
  const where = `${result.ref.workflow} execution ${result.ref.name}`;
  if (result.error === 'ScalingError') return new ScalingError(message);
  if (result.error === 'ConfigError' || result.error === 'WorkerNotFoundError') {
    const [field, ...rest] = message.split(': ');
    return new ConfigError(rest.length ? field! : where, rest.length ? rest.join(': ') : message);
  }
  return new DependencyError('stepfunctions', `${where} ${result.status}: ${result.error ?? ''} ${message}`.trim());
}

export async function scaleViaWorkflows(opened: OpenedEngine, request: ScaleKind, options: ScaleOptions, now: Date): Promise<WorkflowScaleResult> {
  const input: Record<string, JsonValue> = {
    command: request.kind,
    count: request.kind === 'to' ? request.target : request.n,
    scaleAvailable: options.scaleAvailable,
    force: options.force,
    dryRun: options.dryRun,
    requestedBy: 'cli',
    ...(options.capacityRefused?.length ? { capacityRefused: options.capacityRefused } : {}),
  };
  const run = await runScale(opened, input, now);
  return {
    decision: decisionFromRecord(run.plan.decision),
    scale: run.scale,
    dryRun: options.dryRun,
    ...(run.wouldStart ? { wouldStart: run.wouldStart } : {}),
    executions: run.executions,
  };
}

export interface CycleResult {
  cycle: ExecutionOutcome;
  plan?: JsonValue;
  dryRun?: boolean;
  wouldStart?: WorkflowScaleResult['wouldStart'];
  executions: ExecutionOutcome[];
}

/** One autoscale decision (the autoscale cycle's plan, through a `scale auto` execution), then every boot or drain it started, to the end. */
export async function autoscaleViaWorkflow(opened: OpenedEngine, input: { minWorkers?: number; everySeconds?: number; dryRun?: boolean }, now: Date): Promise<CycleResult> {
  const { dryRun, ...cycle } = input;
  const run = await runScale(opened, { command: 'auto', dryRun: Boolean(dryRun), requestedBy: 'cli', ...cycle }, now);
  return {
    cycle: run.scale,
    plan: run.plan as unknown as JsonValue,
    ...(dryRun ? { dryRun: true } : {}),
    ...(run.wouldStart ? { wouldStart: run.wouldStart } : {}),
    executions: run.executions,
  };
}

/** What a dry run would have started. */
export function wouldStartText(wouldStart: NonNullable<WorkflowScaleResult['wouldStart']>): string {
  if (wouldStart.length === 0) return 'dry run: would start no execution\n';
  return `dry run: would start\n${wouldStart.map((w) => `  ${w.workflow} ${w.name} (${w.hostname})`).join('\n')}\n`;
}

export function outcomesText(executions: ExecutionOutcome[]): string {
  if (executions.length === 0) return 'executions: none\n';
  const lines = executions.map(
    (e) =>
      `  ${e.name}: ${e.status}${e.reason ? ` (${e.reason})` : ''}${e.error ? ` error ${e.error}` : ''}${e.consoleUrl ? `\n    ${e.consoleUrl}` : ''}`,
  );
  return `executions:\n${lines.join('\n')}\n`;
}
