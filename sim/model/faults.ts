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
