/**
 * The one place that names executions and reads names back.
 *
 * Step Functions takes at most 80 characters of `[0-9A-Za-z_-]` as an
 * execution name (StartExecution `name`:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html),
 * while a worker's hostname (an EC2 `Name` tag) is up to 255 characters of
 * anything. A worker's name part (its key) is the hostname itself when that is
 * already a valid, short name; otherwise a readable slug, `__`, and a short
 * hash of the hostname. Kept names never contain `__`, so no kept name can equal
 * a changed one, and different hostnames get different keys.
 *
 * ListExecutions gives names, not inputs, so which worker an execution acts on
 * comes from an exact parse of its name (kind, key, stamp) compared with the
 * key of each worker: never from a prefix (`worker-1` is a prefix of `worker-1-b`).
 *
 * Two instances can share a hostname (an EC2 `Name` tag copied by a launch
 * template). Their executions are keyed by instance then: a slug, `__` and the
 * instance id (`worker1__i-0abc...`), so a drain of one is not taken for a drain
 * of the other. A hashed key ends in hex only and an id holds a `-`, so the two
 * forms never meet.
 */
export const BOOT_WORKFLOW = 'boot-worker';
export const DRAIN_WORKFLOW = 'drain-worker';
export const AUTOSCALE_WORKFLOW = 'autoscale';
/** The console's (and the CLI's) scale commands as a workflow. */
export const SCALE_WORKFLOW = 'scale';

export type WorkerExecutionKind = 'boot' | 'drain';

/** Step Functions' own limits on an execution name. */
const MAX_EXECUTION_NAME = 80;
const VALID_NAME = /^[0-9A-Za-z_-]{1,80}$/;

/** `20251013T040500Z`: a second's resolution, sortable, valid in a name. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
const STAMP_LENGTH = 16;
const STAMP = /^\d{8}T\d{6}Z$/;

/** The longest key that still fits `drain-<key>-<stamp>`. */
const MAX_KEY = MAX_EXECUTION_NAME - 'drain-'.length - 1 - STAMP_LENGTH;
const HASH_LENGTH = 10;
const KEPT_KEY = /^[0-9A-Za-z_-]+$/;

/** The name part that stands for a worker: unique per hostname, at most 57 characters. */
export function workerKey(hostname: string): string {
  if (hostname.length <= MAX_KEY && KEPT_KEY.test(hostname) && !hostname.includes('__')) return hostname;
  return `${slugOf(hostname, MAX_KEY - 2 - HASH_LENGTH)}__${fnv1a64(hostname).slice(0, HASH_LENGTH)}`;
}

function slugOf(hostname: string, max: number): string {
  return hostname
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^0-9A-Za-z]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** The key of one instance among others of its hostname: slug, `__`, the instance id (hashed when too long). */
function instanceKey(hostname: string, instanceId: string): string {
  const id = instanceId.replace(/[^0-9A-Za-z-]+/g, '-');
  const tail = id.length <= 40 && id.includes('-') ? id : `id-${fnv1a64(instanceId).slice(0, HASH_LENGTH)}`;
  const slug = slugOf(hostname, MAX_KEY - 2 - tail.length);
  return `${slug}__${tail}`;
}

/** A worker as executions name it: its hostname, and its instance id when another instance has the same name. */
export interface WorkerIdentity {
  hostname: string;
  id: string;
}

/** Hostnames held by more than one of `workers`: their executions are keyed by instance. */
export function sharedHostnames(workers: readonly WorkerIdentity[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const w of workers) (seen.has(w.hostname) ? shared : seen).add(w.hostname);
  return shared;
}

/** `instanceId` is given for a worker whose hostname another instance shares ({@link sharedHostnames}). */
export function workerExecutionName(kind: WorkerExecutionKind, hostname: string, at: Date, instanceId?: string): string {
  return `${kind}-${instanceId === undefined ? workerKey(hostname) : instanceKey(hostname, instanceId)}-${stamp(at)}`;
}

export function autoscaleExecutionName(at: Date): string {
  return `${AUTOSCALE_WORKFLOW}-${stamp(at)}`;
}

/** A scale command's execution: `scale-down-20251013T040500Z`, `scale-auto-dry-run-...`. */
export function scaleExecutionName(command: 'up' | 'down' | 'to' | 'auto', dryRun: boolean, at: Date): string {
  return `${SCALE_WORKFLOW}-${command}${dryRun ? '-dry-run' : ''}-${stamp(at)}`;
}

export function workflowOfKind(kind: WorkerExecutionKind): string {
  return kind === 'boot' ? BOOT_WORKFLOW : DRAIN_WORKFLOW;
}

export interface ParsedWorkerExecution {
  kind: WorkerExecutionKind;
  key: string;
  stamp: string;
}

/** The exact parts of a worker execution's name, or undefined when it is not one of ours. */
export function parseWorkerExecutionName(name: string): ParsedWorkerExecution | undefined {
  if (!VALID_NAME.test(name)) return undefined;
  const kind = name.startsWith('boot-') ? 'boot' : name.startsWith('drain-') ? 'drain' : undefined;
  if (!kind) return undefined;
  const rest = name.slice(kind.length + 1);
  const at = rest.slice(-STAMP_LENGTH);
  const key = rest.slice(0, -STAMP_LENGTH - 1);
  if (!STAMP.test(at) || rest.at(-STAMP_LENGTH - 1) !== '-' || key === '') return undefined;
  return { kind, key, stamp: at };
}

/** Whether the execution named `name` is a `kind` execution of this very worker. */
export function actsOn(name: string, kind: WorkerExecutionKind, hostname: string): boolean {
  const parsed = parseWorkerExecutionName(name);
  return parsed !== undefined && parsed.kind === kind && parsed.key === workerKey(hostname);
}

/**
 * The worker (of those given) an execution acts on. Given with its instance id, a worker also owns the
 * executions keyed by that instance; an execution keyed by a shared hostname alone may act on any of its
 * instances, so it counts for each (fail closed: no second actor on either).
 */
export function workerOfExecution(name: string, workers: Iterable<string | WorkerIdentity>): string | undefined {
  const parsed = parseWorkerExecutionName(name);
  if (!parsed) return undefined;
  for (const w of workers) {
    const hostname = typeof w === 'string' ? w : w.hostname;
    if (workerKey(hostname) === parsed.key || (typeof w !== 'string' && instanceKey(hostname, w.id) === parsed.key)) return hostname;
  }
  return undefined;
}

export function isValidExecutionName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** FNV-1a, 64-bit, as hex: a short stable hash without `node:crypto` (core stays pure). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = BigInt.asUintN(64, hash * 0x100000001b3n);
  }
  return hash.toString(16).padStart(16, '0');
}
