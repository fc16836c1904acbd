/**
 * Fault schedule: windows [from, until) in virtual time. A fault without a
 * target hits everything of its kind; a targeted one only matches a query
 * naming that target (a hostname, OpsWorks or EC2 id, base_url or metric name).
 */
import type { FaultKind } from './types';

export interface FaultWindow {
  kind: FaultKind;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  until: number;
  target?: string;
}

/** Is a fault of `kind` active at `at` for any of `targets` (none given: only untargeted faults match)? */
export function isFaultActive(
  faults: readonly FaultWindow[],
  kind: FaultKind,
  at: number,
  targets: readonly string[] = [],
): boolean {
  return faults.some(
    (f) =>
      f.kind === kind &&
      at >= f.from &&
      at < f.until &&
      (f.target === undefined || targets.includes(f.target)),
  );
}

/** When `password-rotated` windows rotate the system account's password (their starts), in order. */
export function passwordRotations(faults: readonly FaultWindow[]): number[] {
  return faults.filter((f) => f.kind === 'password-rotated').map((f) => f.from).sort((a, b) => a - b);
}

/** The password after `n` rotations of `base` (the secret and Opencast get the same). */
export function rotatedPassword(base: string, n: number): string {
  return n === 0 ? base : `${base}-rotated-${n}`;
}
