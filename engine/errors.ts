/**
 * Engine errors. A name conflict is a refusal, not a failure: the caller
 * (autoscale cycle, CLI) turns ExecutionAlreadyRunningError into a no-op.
 */
import { MoScalerError } from '../core/errors';
import type { ExecutionStatus, WorkflowName } from './types';

/** The workflow already has an execution of this name (running, or finished and the name may not be reused). */
export class ExecutionAlreadyExistsError extends MoScalerError {
  readonly workflow: WorkflowName;
  readonly executionName: string;
  readonly status: ExecutionStatus;
  constructor(workflow: WorkflowName, executionName: string, status: ExecutionStatus, message?: string, options?: { cause?: unknown }) {
    super(
      message ?? `${workflow} execution "${executionName}" already exists (${status}); execution names cannot be reused`,
      'dependency',
      options,
    );
    this.name = 'ExecutionAlreadyExistsError';
    this.workflow = workflow;
    this.executionName = executionName;
    this.status = status;
  }
}

export class ExecutionAlreadyRunningError extends ExecutionAlreadyExistsError {
  readonly ownerPid?: number;
  constructor(workflow: WorkflowName, executionName: string, ownerPid?: number, options?: { cause?: unknown }) {
    const owner = ownerPid === undefined ? '' : ` (process ${ownerPid})`;
    super(workflow, executionName, 'RUNNING', `${workflow} execution "${executionName}" is already running${owner}`, options);
    this.name = 'ExecutionAlreadyRunningError';
    if (ownerPid !== undefined) this.ownerPid = ownerPid;
  }
}

export class ExecutionNotFoundError extends MoScalerError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`no execution ${what}`, 'user', options);
    this.name = 'ExecutionNotFoundError';
  }
}

export class UnknownWorkflowError extends MoScalerError {
  constructor(workflow: string, known: readonly string[]) {
    super(`unknown workflow "${workflow}" (known: ${known.join(', ') || 'none'})`, 'user');
    this.name = 'UnknownWorkflowError';
  }
}

export class InvalidExecutionNameError extends MoScalerError {
  constructor(name: string) {
    super(`invalid execution name "${name}": use 1-80 of A-Z a-z 0-9 _ -`, 'user');
    this.name = 'InvalidExecutionNameError';
  }
}

/** An ASL definition the engine cannot run (invalid, unsupported feature, unresolved Task resource). A bug in the shipped workflows. */
export class WorkflowDefinitionError extends MoScalerError {
  readonly workflow: string;
  constructor(workflow: string, message: string, options?: { cause?: unknown }) {
    super(`${workflow}: ${message}`, 'internal', options);
    this.name = 'WorkflowDefinitionError';
    this.workflow = workflow;
  }
}

/** The local state directory cannot be read or written (permissions, a folder where a file should be). Exit 2: fix the directory. */
export class StateStoreError extends MoScalerError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`state directory: ${path}: ${message}`, 'user', options);
    this.name = 'StateStoreError';
    this.path = path;
  }
}

/** The virtual-time loop cannot make progress (activity stuck in real time, or nothing scheduled). */
export class VirtualTimeStallError extends MoScalerError {
  constructor(message: string) {
    super(message, 'internal');
    this.name = 'VirtualTimeStallError';
  }
}
