/**
 * Runs workflows on AWS Step Functions: starts executions of the deployed
 * state machines, polls them to completion and reads their history in the
 * same shape as the local engine. The SFN client is injected.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent as SfnEvent,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DependencyError, permissionDenied, ThrottledError } from '../core/errors';
import { consoleUrl, EXECUTION_NAME, executionArn, stateMachineArn, type ArnScope } from './arn';
import { fromAwsHistory, parse } from './aws-history';
import { ExecutionAlreadyExistsError, ExecutionAlreadyRunningError, ExecutionNotFoundError, InvalidExecutionNameError, UnknownWorkflowError } from './errors';
import type {
  ExecutionRef,
  ExecutionResult,
  ExecutionStatus,
  ExecutionSummary,
  FinalStatus,
  HistoryEvent,
  HistoryFilter,
  JsonValue,
  ListFilter,
  StartOptions,
  WorkflowEngine,
  WorkflowName,
} from './types';
import { isExecutionRef } from './types';

type StateMachineMap =
  /** Workflow name → state machine ARN (e.g. from the stack's outputs). */
  | { arns: Readonly<Record<WorkflowName, string>> }
  /** ARNs built as `arn:aws:states:<region>:<account>:stateMachine:<prefix><workflow>`. */
  | { scope: ArnScope; prefix?: string; workflows: readonly WorkflowName[] };

export interface AwsEngineOptions {
  client: SFNClient;
  stateMachines: StateMachineMap;
  /** DescribeExecution interval while waiting. Default 5,000 ms. */
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** At most this many executions listed per workflow (ListExecutions pages through 90 days). Default 1,000. */
  listLimit?: number;
}

export class AwsEngine implements WorkflowEngine {
  readonly kind = 'aws' as const;
  private readonly client: SFNClient;
  private readonly arns: Readonly<Record<WorkflowName, string>>;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly listLimit: number;

  constructor(options: AwsEngineOptions) {
    this.client = options.client;
    const map = options.stateMachines;
    this.arns =
      'arns' in map
        ? map.arns
        : Object.fromEntries(map.workflows.map((w) => [w, stateMachineArn(map.scope, `${map.prefix ?? ''}${w}`)]));
    this.pollMs = options.pollIntervalMs ?? 5000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.listLimit = options.listLimit ?? 1000;
  }

  consoleUrl(ref: ExecutionRef): string {
    return consoleUrl(ref.executionArn);
  }

  async start(workflow: WorkflowName, input: JsonValue, options: StartOptions): Promise<ExecutionRef> {
    if (!EXECUTION_NAME.test(options.name)) throw new InvalidExecutionNameError(options.name);
    const machineArn = this.machineArn(workflow);
    const ref = { workflow, name: options.name, executionArn: executionArn(machineArn, options.name) };
    // AWS answers a repeated start of a RUNNING name with the same input as a success (idempotency);
    // look first so a duplicate is refused exactly as the local engine refuses it.
    const existing = await this.describe(ref).catch((error: unknown) => {
      if (error instanceof ExecutionNotFoundError) return undefined;
      throw error;
    });
    if (existing) throw conflict(ref, existing.status);
    try {
      const out = await this.client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: options.name, input: JSON.stringify(input) }));
      return { ...ref, executionArn: out.executionArn ?? ref.executionArn };
    } catch (error) {
      if (nameOf(error) === 'ExecutionAlreadyExists') throw conflict(ref, (await this.describe(ref)).status);
      throw sfnError(error, `StartExecution ${workflow}/${options.name}`);
    }
  }

  async wait(ref: ExecutionRef): Promise<ExecutionResult> {
    for (;;) {
      const d = await this.describe(ref);
      if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') {
        return {
          ref,
          status: d.status as FinalStatus,
          startedAt: (d.startDate ?? new Date(0)).toISOString(),
          stoppedAt: (d.stopDate ?? d.startDate ?? new Date(0)).toISOString(),
          ...(d.output !== undefined ? { output: parse(d.output) } : {}),
          ...(d.error !== undefined ? { error: d.error } : {}),
          ...(d.cause !== undefined ? { cause: d.cause } : {}),
        };
      }
      await this.sleep(this.pollMs);
    }
  }

  async history(target: ExecutionRef | HistoryFilter): Promise<HistoryEvent[]> {
    if (isExecutionRef(target)) return this.historyOf(target);
    const all = await Promise.all((await this.list(target)).map((s) => this.historyOf(s.ref)));
    return all.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async list(filter: ListFilter = {}): Promise<ExecutionSummary[]> {
    const workflows = filter.workflow ? [filter.workflow] : Object.keys(this.arns);
    const summaries: ExecutionSummary[] = [];
    for (const workflow of workflows) {
      const machineArn = this.machineArn(workflow);
      let nextToken: string | undefined;
      let listed = 0;
      let matched = 0;
      // Step Functions lists newest first: with maxResults and no name filter, one small page is enough.
      const pageSize = filter.maxResults !== undefined && !filter.nameContains ? Math.min(1000, Math.max(1, filter.maxResults)) : 1000;
      do {
        const page = await this.client
          .send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: filter.status, maxResults: pageSize, nextToken }))
          .catch((error: unknown) => {
            throw sfnError(error, `ListExecutions ${workflow}`);
          });
        for (const e of page.executions ?? []) {
          listed++;
          if (!e.name || !e.executionArn || (filter.nameContains && !e.name.includes(filter.nameContains))) continue;
          summaries.push({
            ref: { workflow, name: e.name, executionArn: e.executionArn },
            status: e.status as ExecutionStatus,
            startedAt: (e.startDate ?? new Date(0)).toISOString(),
            ...(e.stopDate ? { stoppedAt: e.stopDate.toISOString() } : {}),
          });
          matched++;
        }
        nextToken = page.nextToken;
      } while (nextToken && listed < this.listLimit && (filter.maxResults === undefined || matched < filter.maxResults));
    }
    return summaries.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0)).slice(0, filter.maxResults);
  }

  async input(ref: ExecutionRef): Promise<JsonValue> {
    const d = await this.describe(ref);
    return d.input === undefined ? null : parse(d.input);
  }

  async output(ref: ExecutionRef): Promise<JsonValue | undefined> {
    const d = await this.describe(ref);
    return d.status === 'SUCCEEDED' && d.output !== undefined ? parse(d.output) : undefined;
  }

  async stop(ref: ExecutionRef, details: { error?: string; cause?: string } = {}): Promise<void> {
    await this.client.send(new StopExecutionCommand({ executionArn: ref.executionArn, ...details })).catch((error: unknown) => {
      throw nameOf(error) === 'ExecutionDoesNotExist' ? new ExecutionNotFoundError(ref.executionArn, { cause: error }) : sfnError(error, 'StopExecution');
    });
  }

  private async historyOf(ref: ExecutionRef): Promise<HistoryEvent[]> {
    const events: SfnEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new GetExecutionHistoryCommand({ executionArn: ref.executionArn, maxResults: 1000, nextToken })).catch((error: unknown) => {
        throw nameOf(error) === 'ExecutionDoesNotExist' ? new ExecutionNotFoundError(ref.executionArn, { cause: error }) : sfnError(error, 'GetExecutionHistory');
      });
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return fromAwsHistory(events, ref.workflow, ref.name);
  }

  private async describe(ref: ExecutionRef): Promise<DescribeExecutionCommandOutput> {
    try {
      return await this.client.send(new DescribeExecutionCommand({ executionArn: ref.executionArn }));
    } catch (error) {
      if (nameOf(error) === 'ExecutionDoesNotExist') throw new ExecutionNotFoundError(ref.executionArn, { cause: error });
      throw sfnError(error, 'DescribeExecution');
    }
  }

  private machineArn(workflow: WorkflowName): string {
    const arn = this.arns[workflow];
    if (!arn) throw new UnknownWorkflowError(workflow, Object.keys(this.arns));
    return arn;
  }
}

function conflict(ref: ExecutionRef, status: string | undefined): ExecutionAlreadyExistsError {
  return status === 'RUNNING' || status === 'PENDING_REDRIVE'
    ? new ExecutionAlreadyRunningError(ref.workflow, ref.name)
    : new ExecutionAlreadyExistsError(ref.workflow, ref.name, (status ?? 'FAILED') as ExecutionStatus);
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function sfnError(error: unknown, what: string): Error {
  const name = nameOf(error);
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  if (name === 'ThrottlingException') return new ThrottledError('stepfunctions', message, { cause: error });
  // A missing permission is permanent: named, never retried (adapters/aws/errors.ts maps the other services alike).
  if (name === 'AccessDeniedException') return permissionDenied('stepfunctions', what, name, message, { cause: error });
  return new DependencyError('stepfunctions', message, { cause: error });
}
