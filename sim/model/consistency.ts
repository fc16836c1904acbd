/**
 * Eventual consistency of the simulated AWS reads, always on: no world is
 * perfectly consistent. Each change (an execution starting or ending, an EC2
 * instance changing state) becomes visible to reads after its own lag, a
 * seeded draw in the range the scenario sets (`consistency`), so a run replays
 * exactly whatever order the reads come in. A `list-lag` fault stretches every
 * lag while it lasts.
 *
 * The magnitudes (the defaults below) are what AWS documents:
 * - Step Functions: ListExecutions and DescribeExecution are "eventually consistent. The results are best
 *   effort and may not reflect very recent updates and changes" (API_ListExecutions, API_DescribeExecution,
 *   https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html); updates propagate
 *   "within a few seconds" (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-read-consistency.html).
 * - EC2: "the result of an API command you run that affects your Amazon EC2 resources might not be immediately
 *   visible to all subsequent commands you run"; callers should retry Describe "starting with a couple of seconds
 *   of wait time" (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
 */
import { hashString, mulberry32 } from './prng';

export interface LagRange {
  /** Least lag of a change, ms. */
  minMs: number;
  /** Greatest lag of a change, ms (> 0). */
  maxMs: number;
}

export interface Consistency {
  /** Seeds every draw (with what changed): the same world lags the same way. */
  seed: number;
  /** How long an execution's start or end takes to show in ListExecutions / DescribeExecution. */
  stepFunctions: LagRange;
  /** How long an instance's state change takes to show in DescribeInstances. */
  ec2: LagRange;
}

/** "A few seconds" (Step Functions), "a couple of seconds" and more (EC2): see above. */
export const DEFAULT_LAGS: Readonly<Pick<Consistency, 'stepFunctions' | 'ec2'>> = Object.freeze({
  stepFunctions: Object.freeze({ minMs: 1_000, maxMs: 5_000 }),
  ec2: Object.freeze({ minMs: 2_000, maxMs: 10_000 }),
});

/** How much a `list-lag` fault adds to every lag while it is active. */
export const FAULT_STRETCH_MS = 5_000;

export function defaultConsistency(seed = 0): Consistency {
  return { seed, ...DEFAULT_LAGS };
}

/** The lag of one change, named by `key` (what changed and when): uniform in the range, the same every time it is asked. */
export function lagOf(consistency: Consistency, range: LagRange, key: string): number {
  const draw = mulberry32(hashString(key) ^ consistency.seed)();
  return Math.round(range.minMs + (range.maxMs - range.minMs) * draw);
}
