/**
 * Where a process finds the deployed state machines: one variable per workflow,
 * `MOSCALER_<WORKFLOW>_STATE_MACHINE_ARN`, set by the stack on every function and
 * by the operator for `--engine aws`.
 */
import { ConfigError } from '../core/errors';

export function workflowArnVariable(workflow: string): string {
  return `MOSCALER_${workflow.toUpperCase().replace(/-/g, '_')}_STATE_MACHINE_ARN`;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/;

/** The deployed state machines the environment names, each checked to be a state machine ARN (ConfigError naming the variable). */
export function workflowArnsFrom(env: Record<string, string | undefined>): Record<string, string> {
  const arns: Record<string, string> = {};
  for (const [workflow, variable] of Object.entries(WORKFLOW_ARN_VARIABLES)) {
    const arn = env[variable];
    if (!arn) continue;
    if (!STATE_MACHINE_ARN.test(arn)) throw new ConfigError(variable, `not a state machine ARN (got "${arn}")`);
    arns[workflow] = arn;
  }
  return arns;
}

export const WORKFLOW_ARN_VARIABLES = {
  autoscale: workflowArnVariable('autoscale'),
  'boot-worker': workflowArnVariable('boot-worker'),
  'drain-worker': workflowArnVariable('drain-worker'),
  scale: workflowArnVariable('scale'),
} as const;
