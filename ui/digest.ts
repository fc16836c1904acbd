/**
 * What the visualizer needs from one execution's history, read once: which
 * worker it acts on, where it is now, the worker lifecycle's state and
 * transitions as its activities recorded them, an autoscale cycle's plan, and
 * its steps. Works the same on local and Step Functions histories (both are
 * `HistoryEvent`s). Pure.
 */
import { CLAIM_STEPS } from '../core/claim';
import { parseWorkerExecutionName } from '../core/execution-names';
import type { ExecutionStatus, ExecutionSummary, HistoryEvent, JsonValue } from '../engine/types';
import { isObject } from '../engine/definition';
import { WORKER_STATES, type WorkerState } from '../machines/worker-lifecycle';

export interface LifecycleTransition {
  at: string;
  hostname: string;
  from: WorkerState;
  to: WorkerState;
  event: string;
  code: string;
  reason: string;
  execution: string;
  /** A refused request: the state stayed. */
  refused: boolean;
  /**
   * Replayed from what the execution observed when it began (a fresh lifecycle
   * is caught up with the worker as it is), not a change that happened then.
   */
  catchUp: boolean;
}

interface Step {
  at: string;
  type: HistoryEvent['type'];
  state?: string;
  reason?: string;
  error?: string;
}

interface PlanDigest {
  action: string;
  reason: string;
  /** Why nothing is done (core/decision.ts NoActionCode), when nothing is. */
  outcome?: string;
  actions: Array<{ kind: string; hostname: string; executionName?: string }>;
}

/**
 * What an execution achieved, not what it was asked: judged by the lifecycle
 * transitions it made and the reason it ended with, never by the name of its
 * end state (those are the workflow's to rename).
 */
export interface ExecutionOutcome {
  /**
   * `running`: not ended; `acted`: moved the worker along its lifecycle;
   * `nothing`: ended without moving it (skipped, or its request refused);
   * `failed`: failed, aborted or timed out.
   */
  kind: 'running' | 'acted' | 'nothing' | 'failed';
  /** In words: `in WaitWhileDraining`, `online → offline (Stopped)`, `skipped: worker3 is being started by …`. */
  text: string;
}

export interface ExecutionDigest {
  workflow: string;
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
  parentExecutionArn?: string;
  /** The worker a boot or drain acts on. */
  hostname?: string;
  requestedBy?: string;
  /** Why it was started (the input's `reason`). */
  requestReason?: string;
  /** The state it is in (running) or ended in. */
  currentState?: string;
  /** The last reason an activity recorded, or how it failed. */
  lastReason?: string;
  error?: string;
  cause?: string;
  /** Where the worker lifecycle stood after the last activity. */
  workerState?: WorkerState;
  transitions: LifecycleTransition[];
  plan?: PlanDigest;
  steps: Step[];
  outcome: ExecutionOutcome;
}

const STATES = new Set<string>(WORKER_STATES);
const ADOPTION_EVENTS = new Set(['instance.online', 'opencast.registered', 'instance.pending']);
const isWorkerState = (value: unknown): value is WorkerState => typeof value === 'string' && STATES.has(value);

/** `drain-worker2-20251013T040000Z` → `worker2`: the worker's key in the name (core/execution-names.ts); the hostname itself unless it had to change. */
export function hostnameOfExecution(name: string): string | undefined {
  return parseWorkerExecutionName(name)?.key;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Transition records of a worker slot's persisted snapshot (machines/worker-slot.ts). */
function recordsOf(output: JsonValue | undefined): JsonValue[] {
  if (!isObject(output) || !isObject(output.persisted) || !isObject(output.persisted.snapshot)) return [];
  const context = output.persisted.snapshot.context;
  return isObject(context) && Array.isArray(context.history) ? context.history : [];
}

export function digestExecution(summary: ExecutionSummary, events: readonly HistoryEvent[]): ExecutionDigest {
  const started = events.find((e) => e.type === 'ExecutionStarted');
  const input = isObject(started?.input) ? started.input : {};
  const hostname = str(input.hostname) ?? hostnameOfExecution(summary.ref.name);
  const transitions: LifecycleTransition[] = [];
  const seen = new Set<string>();
  let workerState: WorkerState | undefined;
  let lastReason: string | undefined;
  let currentState: string | undefined;
  let plan: PlanDigest | undefined;
  let error: string | undefined;
  let cause: string | undefined;
  let tasks = 0;
  let rebuiltAt = 1;
  let finalReason: { code: string; message: string } | undefined;
  const steps: Step[] = [];

  for (const e of events) {
    if (e.type !== 'StateExited') {
      steps.push({ at: e.at, type: e.type, ...(e.state ? { state: e.state } : {}), ...(e.reason ? { reason: e.reason } : {}), ...(e.error ? { error: e.cause ? `${e.error}: ${e.cause}` : e.error } : {}) });
    }
    if (e.type === 'StateEntered') currentState = e.state;
    if (e.reason) lastReason = e.reason;
    if (e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted' || e.type === 'ExecutionTimedOut') {
      error = e.error;
      cause = e.cause;
    }
    if (e.type === 'ExecutionSucceeded') finalReason = reasonIn(e.output);
    if (e.type !== 'TaskSucceeded') continue;
    tasks += 1;
    // A boot's or drain's second check rebuilds the lifecycle afresh, and nothing acted since the first: it replaces it.
    if (e.state !== undefined && CLAIM_STEPS.has(e.state) && tasks > 1) {
      transitions.length = 0;
      seen.clear();
      rebuiltAt = tasks;
    }
    const output = e.output;
    if (isObject(output) && isWorkerState(output.state)) workerState = output.state;
    if (e.state === 'Plan' && isObject(output)) plan = planOf(output);
    for (const record of recordsOf(output)) {
      if (!isObject(record) || !isWorkerState(record.from) || !isWorkerState(record.to)) continue;
      const key = `${String(record.at)}|${record.from}|${record.to}|${String(record.event)}|${String(record.code)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const event = String(record.event ?? '');
      transitions.push({
        at: String(record.at ?? e.at),
        hostname: hostname ?? '',
        from: record.from,
        to: record.to,
        event,
        code: String(record.code ?? ''),
        reason: String(record.reason ?? ''),
        execution: summary.ref.name,
        refused: record.from === record.to,
        // Only the claim steps rebuild the lifecycle from an observation.
        catchUp: tasks === rebuiltAt && ADOPTION_EVENTS.has(event),
      });
    }
  }
  const outcome = outcomeOf(summary.status, { currentState, transitions, finalReason, lastReason, error, cause, plan });
  return {
    workflow: summary.ref.workflow,
    name: summary.ref.name,
    executionArn: summary.ref.executionArn,
    status: summary.status,
    startedAt: summary.startedAt,
    ...(summary.stoppedAt ? { stoppedAt: summary.stoppedAt } : {}),
    ...(summary.parentExecutionArn ? { parentExecutionArn: summary.parentExecutionArn } : {}),
    ...(hostname && summary.ref.workflow !== 'autoscale' ? { hostname } : {}),
    ...(str(input.requestedBy) ? { requestedBy: str(input.requestedBy) } : {}),
    ...(str(input.reason) ? { requestReason: str(input.reason) } : {}),
    ...(currentState ? { currentState } : {}),
    ...(lastReason ? { lastReason } : {}),
    ...(error ? { error } : {}),
    ...(cause ? { cause } : {}),
    ...(workerState ? { workerState } : {}),
    transitions,
    ...(plan ? { plan } : {}),
    steps,
    outcome,
  };
}

/** The `{ code, message }` an execution ended with: its output's own, or its worker slot's (activities/worker-slot.ts). */
function reasonIn(output: JsonValue | undefined): { code: string; message: string } | undefined {
  if (!isObject(output)) return undefined;
  for (const holder of [output.worker, output]) {
    if (!isObject(holder) || !isObject(holder.reason)) continue;
    const { code, message } = holder.reason;
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return undefined;
}

function outcomeOf(
  status: ExecutionStatus,
  d: { currentState?: string; transitions: LifecycleTransition[]; finalReason?: { code: string; message: string }; lastReason?: string; error?: string; cause?: string; plan?: PlanDigest },
): ExecutionOutcome {
  if (status === 'RUNNING') return { kind: 'running', text: d.currentState ? `in ${d.currentState}` : 'starting' };
  if (status !== 'SUCCEEDED') return { kind: 'failed', text: `${status.toLowerCase().replace('_', ' ')}${d.error ? `: ${d.error}` : ''}${d.cause ? `: ${d.cause}` : ''}` };
  if (d.plan) {
    const what = d.plan.actions.map((a) => `${a.kind} ${a.hostname}`).join(', ');
    return what ? { kind: 'acted', text: `started ${what}` } : { kind: 'nothing', text: `nothing to do${d.plan.reason ? `: ${d.plan.reason}` : ''}` };
  }
  // What this execution itself moved: not the lifecycle it rebuilt from the observation, not a refused request.
  const moves = d.transitions.filter((t) => !t.catchUp && !t.refused);
  const end = d.currentState ? ` (${d.currentState})` : '';
  if (moves.length > 0) {
    const from = moves[0]!.from;
    const to = moves[moves.length - 1]!.to;
    const path = from === to ? `${from} → ${moves[0]!.to} → ${to}` : `${from} → ${to}`;
    return { kind: 'acted', text: `${path}${end}` };
  }
  const refusal = [...d.transitions].reverse().find((t) => t.refused && !t.catchUp);
  if (refusal) return { kind: 'nothing', text: `refused: ${refusal.code}: ${refusal.reason}` };
  const why = d.finalReason ? d.finalReason.message : d.lastReason;
  return { kind: 'nothing', text: `skipped${why ? `: ${why}` : ''}` };
}

function planOf(output: Record<string, JsonValue>): PlanDigest {
  const actions = Array.isArray(output.actions) ? output.actions : [];
  return {
    action: str(output.action) ?? 'none',
    reason: str(output.reason) ?? '',
    ...(str(output.outcome) ? { outcome: str(output.outcome) } : {}),
    actions: actions.filter(isObject).map((a) => ({ kind: str(a.kind) ?? '?', hostname: str(a.hostname) ?? '?', ...(str(a.executionName) ? { executionName: str(a.executionName) } : {}) })),
  };
}
