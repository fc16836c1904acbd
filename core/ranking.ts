/**
 * Which workers to start or stop first, as the original ranked them.
 */
import type { Worker } from './types';

/**
 * "Beefiness" of an instance type: generation digit × size multiplier, so that
 * c4.8xlarge (4×8) outranks c4.xlarge (4×1). A size without a number counts as 1.
 */
export function beefiness(instanceType: string | undefined): number {
  if (!instanceType) return 0;
  const [family = '', size = ''] = instanceType.split('.');
  const generation = Number(family.match(/(\d)[a-z-]*$/)?.[1] ?? 0);
  const multiplier = Number(size.match(/^(\d+)/)?.[1] ?? 1);
  return generation * multiplier;
}

/** Workers whose boot failed lately, and their instance types (EC2 capacity runs out per type). */
export interface FailedStarts {
  hostnames: ReadonlySet<string>;
  instanceTypes: ReadonlySet<string>;
  /** How recent each failure is: higher is newer (the list comes newest first). */
  recency?: ReadonlyMap<string, number>;
}

/** The failed starts among `workers` (the whole cluster: a failed OpsWorks start is no longer stopped). */
export function failedStartsOf(workers: readonly Worker[], failedHostnames: readonly string[] = []): FailedStarts {
  const hostnames = new Set(failedHostnames);
  const instanceTypes = new Set(workers.flatMap((w) => (hostnames.has(w.hostname) && w.instanceType ? [w.instanceType] : [])));
  const recency = new Map<string, number>();
  // Newest first: the first mention of a worker is its latest failure.
  failedHostnames.forEach((h, i) => recency.has(h) || recency.set(h, failedHostnames.length - i));
  return { hostnames, instanceTypes, recency };
}

/**
 * Start order: a worker whose boot failed lately last (the longest ago first among
 * those), and one of an instance type that failed after the other types (after InsufficientInstanceCapacity
 * another type is the way on: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
 * then, as the original, workers that already have an EC2 instance (faster), then the beefiest.
 */
export function rankForStart(workers: readonly Worker[], failed?: FailedStarts): Worker[] {
  const failedHost = (w: Worker) => (failed?.hostnames.has(w.hostname) ? 1 + (failed.recency?.get(w.hostname) ?? 0) : 0);
  const failedType = (w: Worker) => Number(w.instanceType !== undefined && (failed?.instanceTypes.has(w.instanceType) ?? false));
  return [...workers].sort(
    (a, b) =>
      failedHost(a) - failedHost(b) ||
      failedType(a) - failedType(b) ||
      Number(b.hasEc2) - Number(a.hasEc2) ||
      beefiness(b.instanceType) - beefiness(a.instanceType) ||
      a.hostname.localeCompare(b.hostname),
  );
}

/** The decision's reason when failed starts changed the order, or undefined. */
export function failedStartsReason(failed: FailedStarts): string | undefined {
  if (failed.hostnames.size === 0) return undefined;
  const types = [...failed.instanceTypes];
  return `boot(s) failed lately: ${[...failed.hostnames].join(', ')}; tried last${types.length ? `, and ${types.join(', ')} after the other instance types` : ''}`;
}

/** Why a worker ranks where it does for a start, for the decision's verdicts. */
export function startDetail(w: Worker, failed?: FailedStarts): string {
  const base = `${w.hasEc2 ? 'has an EC2 instance' : 'no EC2 instance yet'}, ${w.instanceType ?? 'unknown type'}`;
  if (failed?.hostnames.has(w.hostname)) return `${base}; its last boot failed lately, so it is tried last`;
  if (w.instanceType && failed?.instanceTypes.has(w.instanceType)) return `${base}; a boot of this type failed lately, so other types go first`;
  return base;
}

/** Stop order: longest uptime first, so a stop that got wedged earlier is retried on the same worker. */
export function rankForStop(workers: readonly Worker[]): Worker[] {
  return [...workers].sort((a, b) => b.uptimeSeconds - a.uptimeSeconds || a.hostname.localeCompare(b.hostname));
}
