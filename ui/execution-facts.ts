/**
 * The little the page counts over every execution it ever read: an autoscale
 * cycle that did nothing and why, how a drain ended, when a worker's runs began
 * and ended. Kept after the execution's digest is dropped (ExecutionIndex keeps
 * 200 digests a workflow), so counts cover the whole run, not the newest 200. Pure.
 */
import type { ExecutionStatus } from '../engine/types';
import type { ExecutionDigest } from './digest';

export interface ExecutionFact {
  workflow: string;
  hostname?: string;
  startedAt: string;
  status: ExecutionStatus;
  /** The state it ended in (`BackInService`, `Abandoned`, `SkippedBootInProgress`), or is in. */
  endState?: string;
  /** An autoscale cycle that succeeded and decided to do nothing: its no-action code and its reason. */
  idle?: { code: string; reason: string };
  /** Lifecycle moves this execution made that begin a worker's run (into `booting`) and end one (into `offline`). */
  runStarts: string[];
  runEnds: string[];
}

export function factOf(d: ExecutionDigest): ExecutionFact {
  const moves = d.transitions.filter((t) => !t.catchUp && !t.refused);
  const idle = d.workflow === 'autoscale' && d.status === 'SUCCEEDED' && d.plan && d.plan.action === 'none';
  return {
    workflow: d.workflow,
    ...(d.hostname ? { hostname: d.hostname } : {}),
    startedAt: d.startedAt,
    status: d.status,
    ...(d.currentState ? { endState: d.currentState } : {}),
    ...(idle ? { idle: { code: d.plan!.outcome ?? 'NothingToDo', reason: d.plan!.reason } } : {}),
    runStarts: moves.filter((t) => t.to === 'booting').map((t) => t.at),
    runEnds: moves.filter((t) => t.to === 'offline' && t.from !== 'offline').map((t) => t.at),
  };
}
