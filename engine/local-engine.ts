/**
 * Runs the project's ASL in-process with aws-local-stepfunctions. Each
 * definition is validated and built once (70-100 ms) and its StateMachine
 * reused: `run()` is re-entrant. Executions and their history go to an
 * ExecutionStore (on disk under `stateDir` for `moscaler history`).
 *
 * Library gaps this engine guards against at load (engine/asl-lint.ts):
 * JSONata is ignored, Assign/variables and `$$.State` are unsupported, Tasks
 * default to a 60 s timeout, timers above 2,147,483 s overflow.
 */
import './polyfill';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { MoScalerError } from '../core/errors';
import { ActivityTracker } from './activity';
import { EXECUTION_NAME, executionArn, LOCAL_SCOPE, parseStateMachineArn, START_EXECUTION, stateMachineArn, type ArnScope } from './arn';
import { formatFindings, lintDefinition } from './asl-lint';
import { readDefinitionFile, substitute } from './definition';
import {
  ExecutionAlreadyExistsError,
  ExecutionNotFoundError,
  InvalidExecutionNameError,
  UnknownWorkflowError,
  WorkflowDefinitionError,
} from './errors';
import { FileExecutionStore } from './file-store';
import { LocalRun, resultOf } from './local-run';
import { MemoryExecutionStore, refOf, type ExecutionRecord, type ExecutionStore, type StoreProblem } from './store';
import { handlerResolver, TaskError, TaskPlan, type LambdaHandler, type ResolvedHandler, type TaskCall, type TaskRuntime } from './task-handlers';
import {
  isExecutionRef,
  type ExecutionRef,
  type ExecutionResult,
  type ExecutionSummary,
  type HistoryEvent,
  type HistoryFilter,
  type JsonObject,
  type JsonValue,
  type ListFilter,
  type StartOptions,
  type WorkflowEngine,
  type WorkflowName,
} from './types';
import type { EngineHooks } from './virtual-time';
import { nowIso } from './time';

/** The error a task of a stopped execution fails with, should the library still try to run it. */
const EXECUTION_STOPPED = 'Local.ExecutionStopped';

export interface LocalEngineOptions {
  /** Workflow name → definition file path or parsed definition. */
  workflows: Readonly<Record<WorkflowName, string | JsonValue>>;
  /** Activity handlers by function name (`observe`, or `moscaler-observe` with `resourcePrefix`). */
  handlers?: Readonly<Record<string, LambdaHandler>>;
  /** Stripped from function and state machine names when looking up handlers and workflows, e.g. `moscaler-`. */
  resourcePrefix?: string;
  /**
   * Region and account of the state machine and execution ARNs (default the local, fake ones). With it, a
   * state machine is named `<resourcePrefix><workflow>` as the stack names it (the simulated Step Functions).
   */
  scope?: ArnScope;
  /** Placeholder values; keys the convention in engine/arn.ts covers need none. */
  substitutions?: Readonly<Record<string, string>>;
  /** Keep executions on disk here; without it (and without `store`) they live in memory. */
  stateDir?: string;
  store?: ExecutionStore;
  /** Virtual-time hooks (VirtualTime.hooks): in-flight tracking and the before-task callback. */
  hooks?: EngineHooks;
  /** Every history event as it is recorded (for live printing). */
  onEvent?: (event: HistoryEvent) => void;
  /** Unreadable execution files skipped by the file store. */
  onProblem?: (problem: StoreProblem) => void;
  /** How often wait() re-reads an execution run by another process. Default 1,000 ms. */
  pollMs?: number;
  /**
   * Also validate each definition with the library's ASL schema at load (default true; 70-200 ms each).
   * Our own lint always runs. The project's shipped files are schema-checked by test/infra/asl-lint.test.ts.
   */
  validateWithLibrary?: boolean;
  /**
   * Asked before each Task's call (each attempt), in its tracked activity: throws a TaskError to fail the Task
   * as the service would (the simulated deployment authorises the state machine's execution role here).
   */
  authorizeTask?: (call: TaskCall) => Promise<void>;
}

interface LoadedWorkflow {
  machine: StateMachine;
  machineArn: string;
  plan: TaskPlan;
}

export class LocalEngine implements WorkflowEngine {
  readonly kind = 'local' as const;
  readonly store: ExecutionStore;
  private readonly options: LocalEngineOptions;
  private readonly tracker: ActivityTracker;
  private readonly resolve: (nameOrArn: string) => ResolvedHandler | undefined;
  private readonly loaded = new Map<string, LoadedWorkflow>();
  private readonly runs = new Map<string, LocalRun>();
  private readonly owner = { pid: process.pid, host: hostname() };

  constructor(options: LocalEngineOptions) {
    this.options = options;
    this.store =
      options.store ??
      (options.stateDir === undefined
        ? new MemoryExecutionStore()
        : new FileExecutionStore(options.stateDir, options.onProblem ? { onProblem: options.onProblem } : {}));
    this.tracker = options.hooks?.tracker ?? new ActivityTracker();
    this.resolve = handlerResolver(options.handlers ?? {}, options.resourcePrefix);
  }

  /** Forget executions closed more than `retainMs` ago (the store's `expire`); how many went. */
  async expireClosed(retainMs: number): Promise<number> {
    return this.store.expire(retainMs);
  }

  /** Executions running in this process. */
  get activeCount(): number {
    return this.runs.size;
  }

  workflowNames(): string[] {
    return Object.keys(this.options.workflows);
  }

  /** Load and validate every workflow now rather than at its first start. */
  prepare(): void {
    for (const workflow of this.workflowNames()) this.load(workflow);
  }

  async start(workflow: WorkflowName, input: JsonValue, options: StartOptions): Promise<ExecutionRef> {
    return refOf(this.begin(workflow, input, options.name));
  }

  async wait(ref: ExecutionRef): Promise<ExecutionResult> {
    const run = this.runs.get(ref.executionArn);
    if (run) return run.finished;
    for (;;) {
      const record = this.store.get(ref.workflow, ref.name);
      if (!record) throw new ExecutionNotFoundError(`${ref.workflow}/${ref.name}`);
      if (record.status !== 'RUNNING') return resultOf(record);
      // Run by another process: its record changes on disk when it ends.
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 1000));
    }
  }

  async history(target: ExecutionRef | HistoryFilter): Promise<HistoryEvent[]> {
    if (isExecutionRef(target)) {
      if (!this.store.get(target.workflow, target.name)) throw new ExecutionNotFoundError(`${target.workflow}/${target.name}`);
      return this.store.history(target.workflow, target.name);
    }
    const events = (await this.list(target)).flatMap((s) => this.store.history(s.ref.workflow, s.ref.name));
    // Stable: events of one execution keep their order when timestamps tie.
    return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async list(filter: ListFilter = {}): Promise<ExecutionSummary[]> {
    const newest = filter.maxResults !== undefined && !filter.nameContains ? { newest: filter.maxResults } : {};
    return this.store
      .list({ ...(filter.workflow ? { workflow: filter.workflow } : {}), ...(filter.status ? { status: filter.status } : {}), ...newest })
      .filter((r) => !filter.nameContains || r.name.includes(filter.nameContains))
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
      .slice(0, filter.maxResults)
      .map((r) => ({
        ref: refOf(r),
        status: r.status,
        startedAt: r.startedAt,
        ...(r.stoppedAt ? { stoppedAt: r.stoppedAt } : {}),
        ...(r.parentExecutionArn ? { parentExecutionArn: r.parentExecutionArn } : {}),
      }));
  }

  async input(ref: ExecutionRef): Promise<JsonValue> {
    const record = this.store.get(ref.workflow, ref.name);
    if (!record) throw new ExecutionNotFoundError(`${ref.workflow}/${ref.name}`);
    return record.input;
  }

  async output(ref: ExecutionRef): Promise<JsonValue | undefined> {
    const record = this.store.get(ref.workflow, ref.name);
    if (!record) throw new ExecutionNotFoundError(`${ref.workflow}/${ref.name}`);
    return record.status === 'SUCCEEDED' ? record.output : undefined;
  }

  async stop(ref: ExecutionRef, details: { error?: string; cause?: string } = {}): Promise<void> {
    const run = this.runs.get(ref.executionArn);
    if (run) {
      run.stop(details);
      await run.finished;
      return;
    }
    const record = this.store.get(ref.workflow, ref.name);
    if (!record) throw new ExecutionNotFoundError(`${ref.workflow}/${ref.name}`);
    if (record.status === 'RUNNING') {
      throw new MoScalerError(`${ref.workflow} execution "${ref.name}" runs in process ${record.owner.pid}; stop it there`, 'user');
    }
  }

  /** Synchronous so that a parent's startExecution task and `start()` claim the name at once. */
  private begin(workflow: WorkflowName, input: JsonValue, name: string, parentExecutionArn?: string): ExecutionRecord {
    if (!EXECUTION_NAME.test(name)) throw new InvalidExecutionNameError(name);
    const loaded = this.load(workflow);
    const record: ExecutionRecord = {
      version: 1,
      workflow,
      name,
      executionArn: executionArn(loaded.machineArn, name),
      status: 'RUNNING',
      startedAt: nowIso(),
      input: JSON.parse(JSON.stringify(input === undefined ? {} : input)) as JsonValue,
      ...(parentExecutionArn ? { parentExecutionArn } : {}),
      owner: this.owner,
    };
    this.store.begin(record);
    let run: LocalRun | undefined;
    const authorize = async (state: string, resource: string, target: string) => this.options.authorizeTask?.({ workflow, state, resource, target });
    const runtime: TaskRuntime = {
      resolve: this.resolve,
      authorize,
      invoke: (state, call) =>
        this.tracker.track(`${workflow}/${name}/${state}`, async () => {
          // The library runs ahead of the events it reports: one turn lets this step's StateEntered reach the
          // history before its side effect, so a crash never leaves an effect the history does not show.
          await new Promise<void>((resolve) => setImmediate(resolve));
          // A stopped execution starts nothing more (the library may still be running a Map iteration of it).
          if (run?.stopping) throw new TaskError(EXECUTION_STOPPED, `${workflow} execution "${name}" was stopped before ${state} ran`);
          await this.options.hooks?.beforeTask?.(new Date());
          return call();
        }),
      taskSucceeded: (state, output) => run?.taskSucceeded(state, output),
      startChild: async (state, params) => {
        if (run?.stopping) throw new TaskError(EXECUTION_STOPPED, `${workflow} execution "${name}" was stopped: no child is started`);
        if (this.options.authorizeTask) {
          await this.tracker.track(`${workflow}/${name}/${state}`, () => authorize(state, START_EXECUTION, String(params.StateMachineArn)));
        }
        return this.startChild(record, params);
      },
    };
    try {
      run = new LocalRun(record, loaded.machine, loaded.plan.bind(runtime), loaded.machineArn, {
        store: this.store,
        ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}),
        onFinished: (r) => this.runs.delete(r.record.executionArn),
      });
    } catch (error) {
      // Never leave a RUNNING record (and its lock) behind for a run that did not start.
      this.store.finish({ ...record, status: 'FAILED', stoppedAt: record.startedAt, error: 'Local.EngineError', cause: String(error) });
      throw error;
    }
    this.runs.set(record.executionArn, run);
    return record;
  }

  /** `arn:aws:states:::states:startExecution`, failing with the error names AWS uses for this integration. */
  private startChild(parent: ExecutionRecord, params: JsonObject): { ExecutionArn: string; StartDate: number } {
    const target = String(params.StateMachineArn);
    const workflow = this.workflowOf(target);
    if (!workflow) throw new TaskError('StepFunctions.StateMachineDoesNotExistException', `State Machine Does Not Exist: '${target}'`);
    let input: JsonValue = params.Input ?? {};
    if (typeof input === 'string') {
      try {
        input = JSON.parse(input) as JsonValue;
      } catch {
        throw new TaskError('StepFunctions.InvalidExecutionInputException', 'Invalid State Machine Execution Input');
      }
    }
    const name = typeof params.Name === 'string' ? params.Name : randomUUID();
    try {
      const child = this.begin(workflow, input, name, parent.executionArn);
      return { ExecutionArn: child.executionArn, StartDate: Date.parse(child.startedAt) };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExistsError) {
        throw new TaskError('StepFunctions.ExecutionAlreadyExistsException', `Execution Already Exists: '${workflow}/${name}' (${error.message})`);
      }
      if (error instanceof InvalidExecutionNameError) throw new TaskError('StepFunctions.InvalidNameException', error.message);
      throw error;
    }
  }

  private workflowOf(machineArn: string): string | undefined {
    const parsed = parseStateMachineArn(machineArn);
    if (!parsed) return undefined;
    const prefix = this.options.resourcePrefix ?? '';
    const candidates = prefix && parsed.name.startsWith(prefix) ? [parsed.name, parsed.name.slice(prefix.length)] : [parsed.name];
    return candidates.find((c) => c in this.options.workflows);
  }

  private load(workflow: WorkflowName): LoadedWorkflow {
    const cached = this.loaded.get(workflow);
    if (cached) return cached;
    const source = this.options.workflows[workflow];
    if (source === undefined) throw new UnknownWorkflowError(workflow, this.workflowNames());
    const raw = typeof source === 'string' ? readDefinitionFile(source) : source;
    const definition = substitute(workflow, raw, this.options.substitutions);
    const findings = lintDefinition(definition, { validateWithLibrary: false, workflow });
    if (findings.length > 0) throw new WorkflowDefinitionError(workflow, `cannot run locally:\n${formatFindings(findings)}`);
    const plan = new TaskPlan(workflow, definition, this.resolve);
    let machine: StateMachine;
    try {
      // Validate once here. The machine kept for runs skips validation: the library passes this option
      // to every Map iterator it builds, which it otherwise re-validates on each Map run.
      if (this.options.validateWithLibrary !== false) new StateMachine(definition as unknown as StateMachineDefinition);
      machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    } catch (error) {
      throw new WorkflowDefinitionError(workflow, (error as Error).message, { cause: error });
    }
    const machineArn = this.options.scope ? stateMachineArn(this.options.scope, `${this.options.resourcePrefix ?? ''}${workflow}`) : stateMachineArn(LOCAL_SCOPE, workflow);
    const loaded = { machine, machineArn, plan };
    this.loaded.set(workflow, loaded);
    return loaded;
  }
}
