/**
 * The shipped workflows (infra/workflows/*.asl.json, the files AWS runs) on
 * the benchmark's virtual time, without the local engine's library: an
 * interpreter of exactly the States Language subset the asl-lint allows
 * (Pass, Task, Choice, Wait, Map, Succeed, Fail; Parameters, ResultSelector,
 * ResultPath, Retry, Catch; JSONPath `$.a.b[0]` and `$$.Execution.*`). Tasks
 * call the real activity handlers; `states:startExecution` starts a child.
 * Time passes only in Wait states and Retry intervals, on the driver's clock.
 * The cross-check (bench/cross-check.ts) compares its figures with the local engine's.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kebabCase } from '../../engine/arn';
import type { ExecutionStatus, ExecutionSummary, JsonObject, JsonValue, ListFilter } from '../../engine/types';

export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

export interface WorkflowTally {
  transitions: number;
  /** Executions ended per `workflow:State` (the state it succeeded or failed in). */
  ends: Record<string, number>;
}

/** Virtual time, owned by the evaluator's driver. */
export interface Timeline {
  now(): number;
  /** Resolves when the driver reaches `at`; the caller counts as idle until then. */
  sleepUntil(at: number): Promise<void>;
  /** An execution began / ended (the driver waits until every running one sleeps or ends before moving on). */
  busy(): void;
  idle(): void;
}

interface Execution {
  workflow: string;
  name: string;
  status: ExecutionStatus;
  startedAt: number;
  stoppedAt?: number;
  seq: number;
  /** The execution's output once it succeeded (DescribeExecution's `output`: a policy's memory rides in it). */
  output?: JsonValue;
}

type AslState = JsonObject & { Type: string };
interface StateMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

const WORKFLOW_DIR = fileURLToPath(new URL('../../infra/workflows/', import.meta.url));
const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const PLACEHOLDER = /^\$\{([A-Z][A-Za-z0-9]*)(FunctionArn|StateMachineArn)\}$/;

class StatesError extends Error {
  constructor(
    name: string,
    readonly cause_: string,
  ) {
    super(cause_);
    this.name = name;
  }
}

export class FastWorkflows {
  private readonly machines = new Map<string, StateMachine>();
  private readonly executions: Execution[] = [];
  private readonly byName = new Map<string, Execution>();
  private seq = 0;
  private finishedSinceCompact = 0;
  /** Executions by outcome, for the run summary. */
  readonly failures: Array<{ workflow: string; name: string; error: string }> = [];
  /**
   * What Standard workflows bill and operators read as churn: state transitions (every state
   * entered, Map iterations' states and Task retries included, as the Step Functions pricing page
   * counts them) and how many executions ended in each state (`workflow:State`).
   */
  readonly tally: WorkflowTally = { transitions: 0, ends: {} };

  constructor(
    private readonly time: Timeline,
    private readonly tasks: Readonly<Record<string, TaskHandler>>,
    workflows: readonly string[] = ['autoscale', 'boot-worker', 'drain-worker'],
  ) {
    for (const w of workflows) this.machines.set(w, JSON.parse(readFileSync(`${WORKFLOW_DIR}${w}.asl.json`, 'utf8')) as StateMachine);
  }

  /** Executions newest first, as ListExecutions answers. */
  list(filter: ListFilter = {}): ExecutionSummary[] {
    const out: ExecutionSummary[] = [];
    for (let i = this.executions.length - 1; i >= 0; i--) {
      const e = this.executions[i]!;
      if (filter.workflow && e.workflow !== filter.workflow) continue;
      if (filter.status && e.status !== filter.status) continue;
      if (filter.nameContains && !e.name.includes(filter.nameContains)) continue;
      out.push({
        ref: { workflow: e.workflow, name: e.name, executionArn: `arn:aws:states:local:000000000000:execution:${e.workflow}:${e.name}` },
        status: e.status,
        startedAt: new Date(e.startedAt).toISOString(),
        ...(e.stoppedAt !== undefined ? { stoppedAt: new Date(e.stoppedAt).toISOString() } : {}),
      });
      if (filter.maxResults !== undefined && out.length >= filter.maxResults) break;
    }
    return out;
  }

  /** An execution's output, as DescribeExecution gives it (undefined while running or when it failed). */
  output(workflow: string, name: string): JsonValue | undefined {
    return this.byName.get(`${workflow}:${name}`)?.output;
  }

  running(): number {
    return this.executions.reduce((n, e) => n + (e.status === 'RUNNING' ? 1 : 0), 0);
  }

  /** Starts an execution; it runs on the timeline until it ends. Throws as AWS does for a name already used. */
  start(workflow: string, input: JsonValue, name: string): Execution {
    const machine = this.machines.get(workflow);
    if (!machine) throw new StatesError('StepFunctions.StateMachineDoesNotExistException', `no workflow ${workflow}`);
    const key = `${workflow}:${name}`;
    if (this.byName.has(key)) throw new StatesError('StepFunctions.ExecutionAlreadyExistsException', `Execution already exists: ${name}`);
    const e: Execution = { workflow, name, status: 'RUNNING', startedAt: this.time.now(), seq: this.seq++ };
    this.executions.push(e);
    this.byName.set(key, e);
    this.time.busy();
    const last = { state: machine.StartAt };
    void this.run(machine, input, e, last)
      .then(
        (output) => {
          e.status = 'SUCCEEDED';
          e.output = output;
          this.countEnd(workflow, last.state);
        },
        (error: unknown) => {
          e.status = 'FAILED';
          this.countEnd(workflow, last.state);
          this.failures.push({ workflow, name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        },
      )
      .finally(() => {
        e.stoppedAt = this.time.now();
        // Finished executions are only asked for by name (duplicates) and as "the newest boot": the list is
        // scanned several times a cycle, so it keeps the running ones, the newest boot and a few others.
        if (++this.finishedSinceCompact > 64) this.compact();
        this.time.idle();
      });
    return e;
  }

  private compact(): void {
    this.finishedSinceCompact = 0;
    const lastBoot = [...this.executions].reverse().find((x) => x.workflow === 'boot-worker');
    const recent = new Set(this.executions.slice(-16));
    // The plan step also reads the boots that failed in the last hour (activities/plan-cycle.ts).
    const hourAgo = this.time.now() - 60 * 60_000;
    const failedBoot = (x: Execution) => x.workflow === 'boot-worker' && x.status === 'FAILED' && (x.stoppedAt ?? 0) >= hourAgo;
    const keep = this.executions.filter((x) => x.status === 'RUNNING' || x === lastBoot || recent.has(x) || failedBoot(x));
    // What drops out of the list is only ever asked for by name again (a duplicate start): its output can go.
    const kept = new Set(keep);
    for (const x of this.executions) if (!kept.has(x)) delete x.output;
    this.executions.length = 0;
    this.executions.push(...keep);
  }

  private countEnd(workflow: string, state: string): void {
    const key = `${workflow}:${state}`;
    this.tally.ends[key] = (this.tally.ends[key] ?? 0) + 1;
  }

  private async run(machine: StateMachine, input: JsonValue, e: Execution, last: { state: string }): Promise<JsonValue> {
    const context = { Execution: { Name: e.name, StartTime: new Date(e.startedAt).toISOString() } };
    return this.runStates(machine, input, context, last);
  }

  /** `last` (top level only) follows the state being run, so the execution's end state is known. */
  private async runStates(machine: StateMachine, input: JsonValue, context: JsonObject, last?: { state: string }): Promise<JsonValue> {
    let name = machine.StartAt;
    let data = input;
    for (;;) {
      const state = machine.States[name];
      if (!state) throw new StatesError('States.Runtime', `no state ${name}`);
      if (last) last.state = name;
      this.tally.transitions += 1;
      const step = await this.runState(state, data, context);
      if (step.end) return step.output;
      data = step.output;
      name = step.next!;
    }
  }

  private async runState(state: AslState, input: JsonValue, context: JsonObject): Promise<{ output: JsonValue; next?: string; end?: boolean }> {
    const after = (output: JsonValue) => (state.End === true || state.Next === undefined ? { output, end: true } : { output, next: String(state.Next) });
    switch (state.Type) {
      case 'Pass': {
        const value = state.Parameters !== undefined ? template(state.Parameters, input, context) : (state.Result ?? input);
        return after(placeResult(input, value, state.ResultPath));
      }
      case 'Succeed':
        return { output: input, end: true };
      case 'Fail':
        throw new StatesError(String(state.Error ?? 'States.Fail'), String(state.Cause ?? ''));
      case 'Choice': {
        for (const choice of (state.Choices as JsonObject[]) ?? []) {
          if (matches(choice, input)) return { output: input, next: String(choice.Next) };
        }
        if (state.Default === undefined) throw new StatesError('States.NoChoiceMatched', 'no choice matched');
        return { output: input, next: String(state.Default) };
      }
      case 'Wait': {
        const seconds = state.SecondsPath !== undefined ? Number(readPath(input, String(state.SecondsPath), context)) : Number(state.Seconds);
        if (!Number.isFinite(seconds) || seconds < 0) throw new StatesError('States.Runtime', `Wait: bad seconds ${seconds}`);
        await this.sleep(seconds * 1000);
        return after(input);
      }
      case 'Task':
        return this.runTask(state, input, context, after);
      case 'Map': {
        const items = readPath(input, String(state.ItemsPath ?? '$'), context);
        if (!Array.isArray(items)) throw new StatesError('States.Runtime', 'Map: ItemsPath is not an array');
        const processor = (state.ItemProcessor ?? state.Iterator) as unknown as StateMachine;
        const results: JsonValue[] = [];
        for (const item of items) results.push(await this.runStates(processor, item, context));
        return after(placeResult(input, results, state.ResultPath));
      }
      default:
        throw new StatesError('States.Runtime', `state type ${state.Type} is not supported here`);
    }
  }

  private async runTask(
    state: AslState,
    input: JsonValue,
    context: JsonObject,
    after: (output: JsonValue) => { output: JsonValue; next?: string; end?: boolean },
  ): Promise<{ output: JsonValue; next?: string; end?: boolean }> {
    const effective = state.Parameters !== undefined ? template(state.Parameters, input, context) : input;
    const retriers = ((state.Retry as JsonObject[] | undefined) ?? []).map(() => 0);
    for (;;) {
      try {
        let result = await this.invoke(String(state.Resource), effective);
        if (state.ResultSelector !== undefined) result = template(state.ResultSelector, result, context);
        return after(placeResult(input, result, state.ResultPath));
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        const cause = error instanceof StatesError ? error.cause_ : error instanceof Error ? JSON.stringify({ errorType: name, errorMessage: error.message }) : String(error);
        const retry = ((state.Retry as JsonObject[] | undefined) ?? []).findIndex((r) => errorMatches(r.ErrorEquals as string[], name));
        if (retry >= 0) {
          const r = (state.Retry as JsonObject[])[retry]!;
          const attempts = retriers[retry]!;
          if (attempts < Number(r.MaxAttempts ?? 3)) {
            retriers[retry] = attempts + 1;
            // A retry is billed as a transition too.
            this.tally.transitions += 1;
            const interval = Number(r.IntervalSeconds ?? 1) * Number(r.BackoffRate ?? 2) ** attempts;
            await this.sleep(Math.min(interval, Number(r.MaxDelaySeconds ?? Infinity)) * 1000);
            continue;
          }
        }
        const catcher = ((state.Catch as JsonObject[] | undefined) ?? []).find((c) => errorMatches(c.ErrorEquals as string[], name));
        if (!catcher) throw error;
        return { output: placeResult(input, { Error: name, Cause: cause }, catcher.ResultPath), next: String(catcher.Next) };
      }
    }
  }

  private async invoke(resource: string, input: JsonValue): Promise<JsonValue> {
    if (resource === START_EXECUTION) {
      const params = input as JsonObject;
      const machine = PLACEHOLDER.exec(String(params.StateMachineArn));
      if (!machine) throw new StatesError('States.Runtime', `startExecution of ${String(params.StateMachineArn)}`);
      const child = kebabCase(machine[1]!);
      const name = String(params.Name);
      this.start(child, throughJson(params.Input ?? {}), name);
      return { ExecutionArn: `arn:aws:states:local:000000000000:execution:${child}:${name}`, StartDate: this.time.now() / 1000 };
    }
    const fn = PLACEHOLDER.exec(resource);
    const handler = fn ? this.tasks[kebabCase(fn[1]!)] : undefined;
    if (!handler) throw new StatesError('States.Runtime', `no handler for ${resource}`);
    // Lambda payloads are JSON: the handler gets its own copy. Its result is built fresh from JSON-only
    // values (the activities' contract, checked through JSON by the full stack), so it is not copied again.
    return (await handler(throughJson(input))) ?? null;
  }

  private async sleep(ms: number): Promise<void> {
    if (ms > 0) await this.time.sleepUntil(this.time.now() + ms);
  }
}

function throughJson(value: JsonValue): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function errorMatches(names: readonly string[], error: string): boolean {
  // States.ALL matches every error; States.TaskFailed every error but States.Timeout.
  return names.some((n) => n === error || n === 'States.ALL' || (n === 'States.TaskFailed' && error !== 'States.Timeout'));
}

/** `$`, `$.a.b`, `$.a[0].b`, and `$$.` for the context object. */
function readPath(input: JsonValue, path: string, context: JsonObject): JsonValue | undefined {
  let root: JsonValue = input;
  let rest = path;
  if (path.startsWith('$$')) {
    root = context;
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    rest = path.slice(1);
  } else {
    throw new StatesError('States.Runtime', `not a JSONPath: ${path}`);
  }
  let value: JsonValue | undefined = root;
  for (const m of rest.matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = m[1] !== undefined ? (Array.isArray(value) ? undefined : (value as JsonObject)[m[1]]) : Array.isArray(value) ? value[Number(m[2])] : undefined;
  }
  return value;
}

function template(value: JsonValue, input: JsonValue, context: JsonObject): JsonValue {
  if (Array.isArray(value)) return value.map((v) => template(v, input, context));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith('.$')) {
      const read = readPath(input, String(v), context);
      if (read === undefined) throw new StatesError('States.Runtime', `path ${String(v)} not found`);
      out[key.slice(0, -2)] = read;
    } else {
      out[key] = template(v, input, context);
    }
  }
  return out;
}

/** ResultPath: `$` (default) replaces the input, `$.a.b` sets a field of a copy, null discards the result. */
function placeResult(input: JsonValue, result: JsonValue, resultPath: JsonValue | undefined): JsonValue {
  if (resultPath === null) return input;
  const path = resultPath === undefined ? '$' : String(resultPath);
  if (path === '$') return result;
  const keys = path.slice(2).split('.');
  const root: JsonObject = input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...input } : {};
  let node = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) node[k] = result;
    else {
      const next = node[k];
      const copy: JsonObject = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {};
      node[k] = copy;
      node = copy;
    }
  });
  return root;
}

function matches(rule: JsonObject, input: JsonValue): boolean {
  if (Array.isArray(rule.And)) return (rule.And as JsonObject[]).every((r) => matches(r, input));
  if (Array.isArray(rule.Or)) return (rule.Or as JsonObject[]).some((r) => matches(r, input));
  if (rule.Not !== undefined) return !matches(rule.Not as JsonObject, input);
  const value = readPath(input, String(rule.Variable), {});
  if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
  if (rule.StringEquals !== undefined) return value === rule.StringEquals;
  if (rule.BooleanEquals !== undefined) return value === rule.BooleanEquals;
  if (rule.NumericEquals !== undefined) return value === rule.NumericEquals;
  if (rule.NumericGreaterThan !== undefined) return typeof value === 'number' && value > Number(rule.NumericGreaterThan);
  if (rule.NumericLessThan !== undefined) return typeof value === 'number' && value < Number(rule.NumericLessThan);
  throw new StatesError('States.Runtime', `Choice operator not supported here: ${Object.keys(rule).join(',')}`);
}
