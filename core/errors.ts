/**
 * Error hierarchy. `source` says whose fault it is and maps to the exit code:
 * user (bad flag, config or env: exit 2), dependency (AWS or Opencast failed or
 * refused: exit 1), internal (a bug: exit 1). A workflow's Retry/Catch matches on `name`.
 */
export type ErrorSource = 'user' | 'dependency' | 'internal';

export class MoScalerError extends Error {
  readonly source: ErrorSource;
  constructor(message: string, source: ErrorSource, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MoScalerError';
    this.source = source;
  }
}

/** A bad flag, config file, environment value, scenario or workflow input. Exit 2. */
export class ConfigError extends MoScalerError {
  /** Where the bad value was, e.g. `AUTOSCALE_CONFIG.strategies[0].settings.up_threshold`. */
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, 'user', options);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/**
 * A bad value inside a document (a config file, a scenario, a variable holding
 * JSON): the message names the document, then the field's path, then the
 * problem and its fix (`--config file a.json: strategies[0].settings.up_treshold:
 * unknown key; did you mean up_threshold?`). `field` stays the one dotted id.
 */
export class DocumentFieldError extends ConfigError {
  readonly document: string;
  constructor(document: string, field: string, path: string, problem: string, options?: { cause?: unknown }) {
    super(field, problem, options);
    // Same name as its parent: whatever matches a ConfigError matches this one.
    this.name = 'ConfigError';
    this.document = document;
    this.message = `${document}: ${path ? `${path}: ` : ''}${problem}`;
  }
}

/** A workflow input names a worker the cluster does not have. */
export class WorkerNotFoundError extends ConfigError {
  constructor(hostname: string) {
    super('hostname', `no worker named "${hostname}" in the cluster`);
    this.name = 'WorkerNotFoundError';
  }
}

/** The cluster cannot do what was asked, or a scaling rule forbids it. Exit 1, nothing changed. */
export class ScalingError extends MoScalerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'dependency', options);
    this.name = 'ScalingError';
  }
}

/**
 * EC2 has no capacity for the instance type now (InsufficientInstanceCapacity).
 * Retrying the same type is futile: the boot ends and the cycle starts another
 * worker, another instance type first.
 */
export class InsufficientCapacityError extends ScalingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InsufficientCapacityError';
  }
}

/** An outside system (AWS, Opencast) failed, timed out or answered garbage. */
export class DependencyError extends MoScalerError {
  readonly system: 'opencast' | 'opsworks' | 'ec2' | 'cloudwatch' | 'stepfunctions' | 'secretsmanager' | 'sim';
  constructor(system: DependencyError['system'], message: string, options?: { cause?: unknown }) {
    super(`${system}: ${message}`, 'dependency', options);
    this.name = 'DependencyError';
    this.system = system;
  }
}

/** AWS said slow down; workflows retry this with backoff. */
export class ThrottledError extends DependencyError {
  constructor(system: DependencyError['system'], message: string, options?: { cause?: unknown }) {
    super(system, message, options);
    this.name = 'ThrottledError';
  }
}

/** Opencast refused the credentials (401) or they lack ROLE_ADMIN. */
export class AuthError extends DependencyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('opencast', message, options);
    this.name = 'AuthError';
  }
}

/** A response that does not have the shape the API documents. */
export class ProtocolError extends DependencyError {
  constructor(system: DependencyError['system'], message: string, options?: { cause?: unknown }) {
    super(system, message, options);
    this.name = 'ProtocolError';
  }
}

/**
 * AWS refused the call for want of a permission (AccessDenied, AccessDeniedException,
 * UnauthorizedOperation): the role or user lacks an IAM grant. A retry cannot fix it, so no
 * workflow retries it (the Task fails at once under this name); the message names the action
 * and, where AWS said it, the resource. `user`: the fix is in the deployment (the stack's
 * role, a key policy) or the operator's credentials, exit 2.
 */
export class PermissionError extends MoScalerError {
  readonly system: DependencyError['system'];
  /** The denied action as IAM names it, e.g. `states:DescribeExecution`, when AWS said it. */
  readonly action?: string;
  readonly resource?: string;
  constructor(system: DependencyError['system'], message: string, denied: { action?: string; resource?: string } = {}, options?: { cause?: unknown }) {
    super(`${system}: ${message}`, 'user', options);
    this.name = 'PermissionError';
    this.system = system;
    if (denied.action !== undefined) this.action = denied.action;
    if (denied.resource !== undefined) this.resource = denied.resource;
  }
}

/** IAM's service prefix of each system, to name the permission when AWS's message does not. */
const IAM_PREFIX: Readonly<Record<DependencyError['system'], string>> = {
  opsworks: 'opsworks',
  ec2: 'ec2',
  cloudwatch: 'cloudwatch',
  stepfunctions: 'states',
  secretsmanager: 'secretsmanager',
  opencast: 'opencast',
  sim: 'sim',
};

/**
 * The action and resource AWS names in a denial, "User: arn:… is not authorized to perform:
 * states:DescribeExecution on resource: arn:… because no identity-based policy allows …"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
const DENIAL = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)(?:\s+on resource:?\s+(\S+))?/;

/**
 * The PermissionError for a denial AWS answered (`code`, its `message`) to `operation`: the missing
 * permission as AWS names it, else `<service prefix>:<operation>` (EC2 may encode its message).
 */
export function permissionDenied(system: DependencyError['system'], operation: string, code: string, message: string, options?: { cause?: unknown }): PermissionError {
  const match = DENIAL.exec(message);
  const action = match?.[1];
  const resource = match?.[2]?.replace(/[.,;]+$/, '');
  const missing = action ? `${action}${resource ? ` on ${resource}` : ''}` : `${IAM_PREFIX[system]}:${operation.split(' ')[0]}`;
  return new PermissionError(
    system,
    `${operation} denied (${code}): the caller's IAM role or user lacks ${missing} (a deployed function: its role in infra/permissions.ts)`,
    { ...(action ? { action } : {}), ...(resource ? { resource } : {}) },
    options,
  );
}

/**
 * A broken invariant of our own code (a bug), or an outside failure no adapter mapped: the Lambda entry wraps
 * whatever else leaves a handler in one, so it still has a name the workflows' Retry and Catch know.
 */
export class InternalError extends MoScalerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'internal', options);
    this.name = 'InternalError';
  }
}

export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof MoScalerError && error.source === 'user' ? 2 : 1;
}
