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

/** Start order: workers that already have an EC2 instance first (faster), then the beefiest. */
export function rankForStart(workers: readonly Worker[]): Worker[] {
  return [...workers].sort(
    (a, b) =>
      Number(b.hasEc2) - Number(a.hasEc2) ||
      beefiness(b.instanceType) - beefiness(a.instanceType) ||
      a.hostname.localeCompare(b.hostname),
  );
}

/** Stop order: longest uptime first, so a stop that got wedged earlier is retried on the same worker. */
export function rankForStop(workers: readonly Worker[]): Worker[] {
  return [...workers].sort((a, b) => b.uptimeSeconds - a.uptimeSeconds || a.hostname.localeCompare(b.hostname));
}
