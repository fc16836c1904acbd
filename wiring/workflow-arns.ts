/**
 * Where a process finds the deployed state machines: one variable per workflow,
 * `MOSCALER_<WORKFLOW>_STATE_MACHINE_ARN`, set by the stack on every function and
 * by the operator for `--engine aws`.
 */
export function workflowArnVariable(workflow: string): string {
  return `MOSCALER_${workflow.toUpperCase().replace(/-/g, '_')}_STATE_MACHINE_ARN`;
}

export const WORKFLOW_ARN_VARIABLES = {
  autoscale: workflowArnVariable('autoscale'),
  'boot-worker': workflowArnVariable('boot-worker'),
  'drain-worker': workflowArnVariable('drain-worker'),
  scale: workflowArnVariable('scale'),
} as const;
