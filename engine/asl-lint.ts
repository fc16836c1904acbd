/**
 * Rules that keep a workflow runnable identically by AWS and by the local
 * engine (aws-local-stepfunctions 3), whose gaps are: JSONata silently
 * ignored, no Assign/variables, no `$$.State`/`$$.Task`, a 60 s default Task
 * timeout (AWS has none), timers above 2,147,483 s overflowing Node's
 * setTimeout and firing at once, Task handlers keyed by state name, and no
 * `.sync`/`.waitForTaskToken`/distributed Map. Used by the engine at load, by
 * `test/infra/asl-lint.test.ts` and by the CLI.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { LAMBDA_INVOKE, lambdaFunctionName, START_EXECUTION } from './arn';
import { isObject, readDefinitionFile, substitute, walkStates, workflowNameOf } from './definition';
import type { JsonValue } from './types';

/** Node's setTimeout holds at most 2^31-1 ms; a longer delay fires after 1 ms. */
const MAX_TIMER_SECONDS = 2_147_483;


export type LintRule =
  | 'jsonpath-only'
  | 'no-assign'
  | 'context-object'
  | 'task-timeout'
  | 'timer-range'
  | 'task-resource'
  | 'unique-task-names'
  | 'unsupported-field'
  | 'placeholder'
  | 'library-validation';

export interface LintFinding {
  rule: LintRule;
  /** Where, e.g. `States.Observe.TimeoutSeconds`. */
  path: string;
  message: string;
}

export interface LintOptions {
  /** Placeholder values; keys the convention covers need none. */
  substitutions?: Readonly<Record<string, string>>;
  /** Also build the definition with the library (validation costs 70-100 ms). Default true. */
  validateWithLibrary?: boolean;
}

/** Fields the library does not implement; a state using one would behave differently locally. */
const UNSUPPORTED_FIELDS = [
  'ItemReader',
  'ResultWriter',
  'ItemBatcher',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'Credentials',
  'HeartbeatSeconds',
  'HeartbeatSecondsPath',
];

/** Context object paths the library fills (the local engine passes Execution and StateMachine; Map sets Map.Item). */
const SUPPORTED_CONTEXT = /^\$\$\.(Execution|StateMachine|Map)(\.|$)/;

export function lintFile(file: string, options: LintOptions = {}): LintFinding[] {
  return lintDefinition(readDefinitionFile(file), { ...options, workflow: workflowNameOf(file) });
}

export function lintDefinition(raw: JsonValue, options: LintOptions & { workflow?: string } = {}): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (rule: LintRule, path: string, message: string) => findings.push({ rule, path, message });
  if (!isObject(raw) || !isObject(raw.States)) {
    add('library-validation', '', 'not an ASL definition (no States object)');
    return findings;
  }

  let definition: JsonValue;
  try {
    definition = substitute(options.workflow ?? 'workflow', raw, options.substitutions);
  } catch (error) {
    add('placeholder', '', (error as Error).message);
    return findings;
  }

  lintTree(definition, '', add);
  lintStates(definition, add);

  if (isObject(definition) && definition.TimeoutSeconds !== undefined) {
    checkSeconds(definition.TimeoutSeconds, 'TimeoutSeconds', 1, add);
  }

  if (options.validateWithLibrary !== false) {
    try {
      new StateMachine(definition as unknown as StateMachineDefinition);
    } catch (error) {
      add('library-validation', '', (error as Error).message);
    }
  }
  return findings;
}

export function formatFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.path || '(definition)'}: ${f.message} [${f.rule}]`).join('\n');
}

type Add = (rule: LintRule, path: string, message: string) => void;

/** Rules about any key or string anywhere in the definition. */
function lintTree(value: JsonValue, path: string, add: Add): void {
  if (typeof value === 'string') {
    if (value.startsWith('{%')) add('jsonpath-only', path, 'JSONata expression; the local engine ignores JSONata');
    for (const m of value.matchAll(/\$\$\.[A-Za-z.]*/g)) {
      if (!SUPPORTED_CONTEXT.test(m[0])) add('context-object', path, `${m[0]} is not available locally (only $$.Execution, $$.StateMachine, $$.Map)`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => lintTree(v, `${path}[${i}]`, add));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === 'QueryLanguage' && child === 'JSONata') add('jsonpath-only', at, 'QueryLanguage JSONata; use JSONPath');
    if (key === 'Assign') add('no-assign', at, 'Assign (workflow variables) is not supported locally');
    lintTree(child, at, add);
  }
}

/** Rules about each state. */
function lintStates(definition: JsonValue, add: Add): void {
  const taskPaths = new Map<string, string>();
  walkStates(definition, ({ name, state, path }) => {
    for (const field of UNSUPPORTED_FIELDS) {
      if (field in state) add('unsupported-field', `${path}.${field}`, `${field} is not supported locally`);
    }
    if (state.Type === 'Map' || state.Type === 'Parallel') {
      if ('Arguments' in state || 'Output' in state) add('jsonpath-only', path, 'Arguments/Output are JSONata fields');
    }
    if (Array.isArray(state.Retry)) {
      state.Retry.forEach((retrier, i) => checkRetrier(retrier, `${path}.Retry[${i}]`, add));
    }
    if (state.Type === 'Task') {
      const seen = taskPaths.get(name);
      if (seen) add('unique-task-names', path, `Task name "${name}" also used at ${seen}; local handlers are keyed by state name`);
      taskPaths.set(name, path);
      checkTask(state, path, add);
    }
    if (state.Type === 'Wait') checkWait(state, path, add);
  });
}

function checkTask(state: Record<string, JsonValue>, path: string, add: Add): void {
  if ('Arguments' in state || 'Output' in state) add('jsonpath-only', path, 'Arguments/Output are JSONata fields');
  if (state.TimeoutSeconds === undefined) {
    add('task-timeout', `${path}.TimeoutSeconds`, 'Task needs an explicit TimeoutSeconds (the local engine would default to 60 s; AWS has no default)');
  } else {
    checkSeconds(state.TimeoutSeconds, `${path}.TimeoutSeconds`, 1, add);
  }
  if ('TimeoutSecondsPath' in state) add('task-timeout', `${path}.TimeoutSecondsPath`, 'use a literal TimeoutSeconds so its range can be checked');

  const resource = state.Resource;
  const params = isObject(state.Parameters) ? state.Parameters : {};
  if (typeof resource !== 'string') {
    add('task-resource', `${path}.Resource`, 'Resource must be a string');
  } else if (resource === LAMBDA_INVOKE) {
    if (!('FunctionName' in params) && !('FunctionName.$' in params)) {
      add('task-resource', `${path}.Parameters`, 'lambda:invoke needs Parameters.FunctionName');
    }
    if (!('Payload' in params) && !('Payload.$' in params)) {
      add('task-resource', `${path}.Parameters`, 'lambda:invoke needs an explicit Parameters.Payload (e.g. "Payload.$": "$")');
    }
  } else if (resource === START_EXECUTION) {
    if (!('StateMachineArn' in params) && !('StateMachineArn.$' in params)) {
      add('task-resource', `${path}.Parameters`, 'startExecution needs Parameters.StateMachineArn');
    }
  } else if (!(resource.startsWith('arn:') && lambdaFunctionName(resource))) {
    add(
      'task-resource',
      `${path}.Resource`,
      `${resource} cannot run locally; use a Lambda function ARN, ${LAMBDA_INVOKE} or ${START_EXECUTION} (fire-and-forget)`,
    );
  }
}

function checkWait(state: Record<string, JsonValue>, path: string, add: Add): void {
  const fields = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((f) => f in state);
  if (fields.length !== 1) {
    add('timer-range', path, `Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath (has ${fields.join(', ') || 'none'})`);
  }
  if ('Seconds' in state) checkSeconds(state.Seconds, `${path}.Seconds`, 0, add);
  if ('Timestamp' in state) {
    const ts = state.Timestamp;
    if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts))) add('timer-range', `${path}.Timestamp`, 'Timestamp is not an ISO-8601 time');
  }
  for (const f of ['SecondsPath', 'TimestampPath']) {
    if (f in state && (typeof state[f] !== 'string' || !(state[f] as string).startsWith('$'))) {
      add('timer-range', `${path}.${f}`, `${f} must be a JSONPath`);
    }
  }
}

function checkRetrier(retrier: JsonValue, path: string, add: Add): void {
  if (!isObject(retrier)) return;
  const num = (v: JsonValue | undefined, d: number) => (typeof v === 'number' ? v : d);
  const interval = num(retrier.IntervalSeconds, 1);
  const rate = num(retrier.BackoffRate, 2);
  const attempts = num(retrier.MaxAttempts, 3);
  const cap = typeof retrier.MaxDelaySeconds === 'number' ? retrier.MaxDelaySeconds : Infinity;
  const longest = Math.min(cap, interval * Math.pow(rate, Math.max(0, attempts - 1)));
  if (longest > MAX_TIMER_SECONDS) {
    add('timer-range', path, `retry delay reaches ${longest} s, above ${MAX_TIMER_SECONDS} s; set MaxDelaySeconds`);
  }
}

function checkSeconds(value: JsonValue | undefined, path: string, min: number, add: Add): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_SECONDS) {
    add('timer-range', path, `must be an integer from ${min} to ${MAX_TIMER_SECONDS} (got ${JSON.stringify(value)})`);
  }
}
