/**
 * What the stack deploys, read from the workflow files themselves: every
 * `infra/workflows/*.asl.json` is a state machine, every `${XxxFunctionArn}`
 * placeholder an activity (`activities/xxx.ts`, one Lambda function running
 * `wiring/lambda-entry.ts`) and every
 * `${XxxStateMachineArn}` a child workflow. A new activity or workflow needs
 * no change here or in the stack; a placeholder nothing can fill fails synth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kebabCase, LAMBDA_INVOKE } from '../engine/arn';
import { FUNCTION_TIMEOUT_MARGIN_SECONDS, functionTimeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS } from '../engine/function-timeout';
import { isObject, placeholdersOf, walkStates, workflowFiles } from '../engine/definition';
import { WorkflowDefinitionError } from '../engine/errors';
import type { JsonValue } from '../engine/types';


const FUNCTION_KEY = /^([A-Z][A-Za-z0-9]*)FunctionArn$/;
const STATE_MACHINE_KEY = /^([A-Z][A-Za-z0-9]*)StateMachineArn$/;

export interface WorkflowSpec {
  /** `drain-worker` for `drain-worker.asl.json`. */
  name: string;
  file: string;
  /** The file's text, deployed as is (CloudFormation fills the placeholders). */
  text: string;
  definition: JsonValue;
  /** Placeholder key → activity name, e.g. `CheckDrainedFunctionArn` → `check-drained`. */
  functions: Record<string, string>;
  /** Placeholder key → workflow name, e.g. `DrainWorkerStateMachineArn` → `drain-worker`. */
  stateMachines: Record<string, string>;
  /** Task state name → the activity it calls and its TimeoutSeconds. */
  tasks: Record<string, { activity: string; timeoutSeconds: number }>;
}

export interface ActivitySpec {
  name: string;
  /** The activity's module, `activities/<name>.ts` (the functions all run `wiring/lambda-entry.ts`, which picks it by name). */
  source: string;
  /** The function's timeout: the shortest TimeoutSeconds of the Tasks that call it, less FUNCTION_TIMEOUT_MARGIN_SECONDS. */
  timeoutSeconds: number;
  /** The shortest TimeoutSeconds of the Tasks that call it. */
  taskTimeoutSeconds: number;
  /** Workflows whose Tasks call it. */
  workflows: string[];
}

export interface Catalog {
  workflows: WorkflowSpec[];
  activities: ActivitySpec[];
}

export function loadCatalog(workflowsDir: string, activitiesDir: string): Catalog {
  const files = workflowFiles(workflowsDir);
  const workflows = Object.entries(files).map(([name, file]) => readWorkflow(name, file));
  if (workflows.length === 0) throw new WorkflowDefinitionError('(none)', `no *.asl.json in ${workflowsDir}`);

  const activities = new Map<string, ActivitySpec>();
  for (const wf of workflows) {
    for (const [key, target] of Object.entries(wf.stateMachines)) {
      if (!(target in files)) throw new WorkflowDefinitionError(wf.name, `\${${key}} names workflow "${target}", which has no ${target}.asl.json`);
    }
    for (const [key, name] of Object.entries(wf.functions)) {
      const source = join(activitiesDir, `${name}.ts`);
      if (!existsSync(source)) throw new WorkflowDefinitionError(wf.name, `\${${key}} needs the activity ${source}, which does not exist`);
      const timeout = Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, ...Object.values(wf.tasks).filter((t) => t.activity === name).map((t) => t.timeoutSeconds));
      const seen = activities.get(name);
      const taskTimeoutSeconds = Math.min(seen?.taskTimeoutSeconds ?? LAMBDA_MAX_TIMEOUT_SECONDS, timeout);
      if (taskTimeoutSeconds <= FUNCTION_TIMEOUT_MARGIN_SECONDS) {
        throw new WorkflowDefinitionError(wf.name, `a Task calling ${name} has TimeoutSeconds ${taskTimeoutSeconds}: the function needs more than ${FUNCTION_TIMEOUT_MARGIN_SECONDS} s to time out before it`);
      }
      activities.set(name, {
        name,
        source,
        timeoutSeconds: functionTimeoutSeconds(taskTimeoutSeconds),
        taskTimeoutSeconds,
        workflows: [...(seen?.workflows ?? []), wf.name],
      });
    }
  }
  return { workflows, activities: [...activities.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

function readWorkflow(name: string, file: string): WorkflowSpec {
  const text = readFileSync(file, 'utf8');
  let definition: JsonValue;
  try {
    definition = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new WorkflowDefinitionError(name, `${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const functions: Record<string, string> = {};
  const stateMachines: Record<string, string> = {};
  for (const key of placeholdersOf(definition).sort()) {
    const fn = FUNCTION_KEY.exec(key);
    const sm = STATE_MACHINE_KEY.exec(key);
    if (fn) functions[key] = kebabCase(fn[1]!);
    else if (sm) stateMachines[key] = kebabCase(sm[1]!);
    else throw new WorkflowDefinitionError(name, `\${${key}}: the stack fills only \${XxxFunctionArn} and \${XxxStateMachineArn}`);
  }
  const tasks: WorkflowSpec['tasks'] = {};
  walkStates(definition, ({ name: state, state: s }) => {
    if (s.Type !== 'Task') return;
    const params = isObject(s.Parameters) ? s.Parameters : {};
    const resource = s.Resource === LAMBDA_INVOKE ? params.FunctionName : s.Resource;
    const activity = typeof resource === 'string' ? functions[/^\$\{(.+)\}$/.exec(resource)?.[1] ?? ''] : undefined;
    // The lint (engine/asl-lint.ts) requires a literal TimeoutSeconds on every Task; Lambda's ceiling otherwise.
    const timeoutSeconds = typeof s.TimeoutSeconds === 'number' ? s.TimeoutSeconds : LAMBDA_MAX_TIMEOUT_SECONDS;
    if (activity) tasks[state] = { activity, timeoutSeconds: Math.min(timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS) };
  });
  return { name, file, text, definition, functions, stateMachines, tasks };
}
