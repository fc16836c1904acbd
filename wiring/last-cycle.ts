/**
 * The newest decision and what it was: the last scheduled autoscale cycle or
 * `scale` command (the console's or the CLI's), as its Plan step recorded it.
 * `status` shows it beside the cluster, as the cluster-autoscaler publishes
 * its last decision. Read from the history the cycles leave: the local engine's files
 * under the state directory, or the deployed state machine's executions.
 */
import type { NoActionCode } from '../core/decision';
import { AUTOSCALE_WORKFLOW, SCALE_WORKFLOW } from '../core/execution-names';
import { AwsEngine } from '../engine/aws-engine';
import { FileExecutionStore } from '../engine/file-store';
import type { ExecutionRef, ExecutionStatus, ExecutionSummary, HistoryEvent, ListFilter } from '../engine/types';
import type { Runtime } from './runtime';
import { workflowArnsFrom } from './workflow-arns';

export interface LastCycle {
  name: string;
  startedAt: string;
  status: ExecutionStatus;
  /** What the Plan step decided, when it got that far. */
  action?: 'start' | 'stop' | 'none';
  outcome?: NoActionCode;
  /** A `scale -n` decision: nothing was started or stopped. */
  dryRun?: boolean;
  reason?: string;
  error?: string;
}

interface HistoryReader {
  list(filter: ListFilter): Promise<ExecutionSummary[]>;
  history(ref: ExecutionRef): Promise<HistoryEvent[]>;
}

/** The workflows whose Plan step decides: the scheduled cycle and the scale command. */
const DECIDING = [AUTOSCALE_WORKFLOW, SCALE_WORKFLOW];

/**
 * ListExecutions puts running executions by start and closed ones by stop ("sorted by time, with the most recent
 * execution first", API_ListExecutions): its first row is the execution that changed last, not the one begun last
 * (a cycle retried for minutes ends after the next one began). A page of a few, sorted by start here, has the newest.
 */
const PAGE = 10;

export async function lastCycle(reader: HistoryReader): Promise<LastCycle | undefined> {
  const lists = await Promise.all(DECIDING.map((workflow) => reader.list({ workflow, maxResults: PAGE })));
  const [newest] = lists.flat().sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  if (!newest) return undefined;
  const history = await reader.history(newest.ref);
  const plan = history.find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan')?.output;
  const decided = plan !== null && typeof plan === 'object' && !Array.isArray(plan) ? plan : {};
  const failed = history.find((e) => e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted' || e.type === 'ExecutionTimedOut');
  return {
    name: newest.ref.name,
    startedAt: newest.startedAt,
    status: newest.status,
    ...(typeof decided.action === 'string' ? { action: decided.action as LastCycle['action'] } : {}),
    ...(typeof decided.outcome === 'string' ? { outcome: decided.outcome as NoActionCode } : {}),
    ...(decided.dryRun === true ? { dryRun: true } : {}),
    ...(typeof decided.reason === 'string' ? { reason: decided.reason } : {}),
    ...(failed?.error ? { error: `${failed.error}${failed.cause ? `: ${failed.cause.slice(0, 200)}` : ''}` } : {}),
  };
}

/** The local engine's history under a state directory, read without loading the engine. */
export function localHistory(stateDir: string): HistoryReader {
  const store = new FileExecutionStore(stateDir);
  const summary = (r: ReturnType<FileExecutionStore['list']>[number]): ExecutionSummary => ({
    ref: { workflow: r.workflow, name: r.name, executionArn: r.executionArn },
    status: r.status,
    startedAt: r.startedAt,
    ...(r.stoppedAt ? { stoppedAt: r.stoppedAt } : {}),
  });
  return {
    list: async (filter) =>
      store
        .list({ ...(filter.workflow ? { workflow: filter.workflow } : {}), ...(filter.maxResults ? { newest: filter.maxResults } : {}) })
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
        .slice(0, filter.maxResults)
        .map(summary),
    history: async (ref) => store.history(ref.workflow, ref.name),
  };
}

/** The deployed deciding state machines' history, when their ARNs are configured; undefined otherwise. */
export function deployedHistory(runtime: Runtime, env: Record<string, string | undefined>): HistoryReader | undefined {
  const all = workflowArnsFrom(env);
  const arns = Object.fromEntries(DECIDING.flatMap((w) => (all[w] ? [[w, all[w]]] : [])));
  if (Object.keys(arns).length === 0) return undefined;
  const engine = new AwsEngine({ client: runtime.aws.sfn, stateMachines: { arns } });
  // Only the workflows with an ARN can be listed.
  return { list: async (filter) => (filter.workflow && !arns[filter.workflow] ? [] : engine.list(filter)), history: (ref) => engine.history(ref) };
}
