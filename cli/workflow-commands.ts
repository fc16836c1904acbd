/**
 * The scale commands through the workflows: the original rules choose the
 * workers from one observation (core), then one boot-worker or drain-worker
 * execution per worker does the work and leaves its history. `scale auto`
 * runs one autoscale cycle. The command stays until its executions end.
 */
import { planScaleDown, planScaleTo, planScaleUp, type ScaleDownOptions } from '../core/scale';
import type { Decision } from '../core/decision';
import { ExecutionAlreadyExistsError } from '../engine/errors';
import { failureText } from '../engine/failure-text';
import type { ExecutionRef, HistoryEvent, JsonValue, WorkflowEngine } from '../engine/types';
import { workersActedOn } from '../activities/support/acting-on';
import { autoscaleExecutionName, BOOT_WORKFLOW, DRAIN_WORKFLOW, workerExecutionName } from '../core/execution-names';
import type { OpenedEngine } from '../wiring/engines';
import type { ScalerDeps } from '../scaler/scale';

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
  executions: ExecutionOutcome[];
}

export type ScaleKind = { kind: 'up'; n: number } | { kind: 'down'; n: number } | { kind: 'to'; target: number };

async function runningDrains(engine: WorkflowEngine, hostnames: string[]): Promise<string[]> {
  const running = await engine.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' });
  return (await workersActedOn(engine, running, hostnames)).filter((h): h is string => h !== undefined);
}

/** The last recorded reason of an execution (its final activity's). */
async function lastReason(engine: WorkflowEngine, ref: ExecutionRef): Promise<string | undefined> {
  const history = await engine.history(ref);
  return history.filter((e) => e.reason).at(-1)?.reason;
}

async function startOrExplain(
  opened: OpenedEngine,
  workflow: string,
  input: JsonValue,
  name: string,
  hostname: string,
): Promise<{ ref?: ExecutionRef; outcome?: ExecutionOutcome }> {
  try {
    return { ref: await opened.engine.start(workflow, input, { name }) };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExistsError)) throw error;
    // A second request for the same worker is a no-op with a message, not a failure.
    return { outcome: { workflow, name, hostname, status: 'NOT_STARTED', reason: `already requested: ${error.message}` } };
  }
}

async function finish(opened: OpenedEngine, started: Array<{ ref: ExecutionRef; hostname?: string }>): Promise<ExecutionOutcome[]> {
  const results = await opened.drive(Promise.all(started.map((s) => opened.engine.wait(s.ref))));
  return Promise.all(
    results.map(async (result, i) => {
      const reason = await lastReason(opened.engine, result.ref);
      const hostname = started[i]?.hostname;
      return {
        workflow: result.ref.workflow,
        name: result.ref.name,
        ...(hostname ? { hostname } : {}),
        status: result.status,
        ...(reason ? { reason } : {}),
        ...(result.error ? { error: failureText(result.error, result.cause) } : {}),
        ...(opened.consoleUrl ? { consoleUrl: opened.consoleUrl(result.ref.executionArn) } : {}),
      };
    }),
  );
}

export async function scaleViaWorkflows(
  deps: ScalerDeps,
  opened: OpenedEngine,
  request: ScaleKind,
  scaleAvailable: boolean,
): Promise<WorkflowScaleResult> {
  const observation = await deps.observe();
  const down: ScaleDownOptions = {
    force: deps.force,
    scaleAvailable,
    checkUptime: false,
    minWorkers: deps.settings.minWorkers,
    idleUptimeThreshold: deps.settings.idleUptimeThreshold,
    billing: deps.settings.billing,
    draining: await runningDrains(opened.engine, observation.view.workers.map((w) => w.hostname)),
  };
  const now = deps.now();
  const decision =
    request.kind === 'up'
      ? planScaleUp(observation.view, request.n, { scaleAvailable })
      : request.kind === 'down'
        ? planScaleDown(observation.view, request.n, down)
        : planScaleTo(observation.view, request.target, down);
  deps.logger.info({ event: 'decision', action: decision.action, chosen: decision.chosen.map((c) => c.hostname) }, decision.reasons.join('; '));
  if (deps.dryRun || decision.action === 'none') return { decision, executions: [] };
  const started: Array<{ ref: ExecutionRef; hostname: string }> = [];
  const executions: ExecutionOutcome[] = [];
  for (const chosen of decision.chosen) {
    const { workflow, input } =
      decision.action === 'start'
        ? { workflow: BOOT_WORKFLOW, input: { hostname: chosen.hostname, requestedBy: 'cli', reason: chosen.detail } }
        : {
            workflow: DRAIN_WORKFLOW,
            // A manual scale-down does not wait for the billing window (as the original).
            input: { hostname: chosen.hostname, requestedBy: 'cli', force: deps.force, respectBillingWindow: false, minWorkers: deps.settings.minWorkers, reason: chosen.detail },
          };
    const name = workerExecutionName(decision.action === 'start' ? 'boot' : 'drain', chosen.hostname, now);
    const { ref, outcome } = await startOrExplain(opened, workflow, input, name, chosen.hostname);
    if (ref) started.push({ ref, hostname: chosen.hostname });
    if (outcome) executions.push(outcome);
  }
  executions.push(...(await finish(opened, started)));
  return { decision, executions };
}

export interface CycleResult {
  cycle: ExecutionOutcome;
  plan?: JsonValue;
  executions: ExecutionOutcome[];
}

/** One autoscale cycle, then every boot or drain it started, to the end. */
export async function autoscaleViaWorkflow(opened: OpenedEngine, input: { minWorkers?: number; everySeconds?: number }, now: Date): Promise<CycleResult> {
  const ref = await opened.engine.start('autoscale', input as JsonValue, { name: autoscaleExecutionName(now) });
  const [cycle] = await finish(opened, [{ ref }]);
  const history = await opened.engine.history(ref);
  const plan = history.find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan')?.output;
  await opened.settle();
  const children = (await opened.engine.list({})).filter((e) => e.parentExecutionArn === ref.executionArn);
  const executions = await finish(opened, children.map((c) => ({ ref: c.ref })));
  return { cycle: cycle!, ...(plan !== undefined ? { plan } : {}), executions };
}

export function outcomesText(executions: ExecutionOutcome[]): string {
  if (executions.length === 0) return 'executions: none\n';
  const lines = executions.map(
    (e) =>
      `  ${e.name}: ${e.status}${e.reason ? ` (${e.reason})` : ''}${e.error ? ` error ${e.error}` : ''}${e.consoleUrl ? `\n    ${e.consoleUrl}` : ''}`,
  );
  return `executions:\n${lines.join('\n')}\n`;
}

export function historyText(events: HistoryEvent[]): string {
  const lines = events
    .filter((e) => e.type !== 'StateExited')
    .map((e) => {
      const what = e.state ? `${e.type} ${e.state}` : e.type;
      const extra = e.reason ? ` — ${e.reason}` : e.error ? ` — ${failureText(e.error, e.cause).slice(0, 300)}` : '';
      return `${e.at}  ${e.execution}  ${what}${extra}`;
    });
  return lines.length ? `${lines.join('\n')}\n` : 'no history\n';
}
