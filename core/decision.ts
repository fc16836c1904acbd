/**
 * Decisions are values: what to do, to which workers, and why every other
 * worker was not chosen. Deciding and publishing (logs, JSON, history) are
 * separate steps, as in the Kubernetes cluster-autoscaler.
 */

/** Why a worker was or was not chosen. */
export type ReasonCode =
  | 'Chosen'
  | 'Busy'
  | 'BelowBillingWindow'
  | 'Protected'
  | 'MinimumReached'
  | 'OpencastUnavailable'
  | 'NotStopped'
  | 'NotActive'
  | 'NotNeeded'
  | 'Draining';

export interface WorkerVerdict {
  hostname: string;
  id: string;
  chosen: boolean;
  reason: ReasonCode;
  detail: string;
}

export type Vote = 'up' | 'down' | null;

export interface StrategyVote {
  name: string;
  method: 'cloudwatch' | 'queued_jobs';
  vote: Vote;
  /** Newest first, as the original read them. */
  datapoints: number[];
  upThreshold: number;
  downThreshold?: number;
  /** Why there is no vote (too few datapoints, Opencast down, ...). */
  error?: string;
  /**
   * A cloudwatch strategy whose query window ((sample_count + 2) × sample_period back from now)
   * held no datapoint at all: the metric has been silent that long (not published, or
   * gone, like AWS/OpsWorks). Reported as a metric gap, not only as a missing vote.
   */
  silentSeconds?: number;
}

/** A configured metric CloudWatch had no datapoint of for a whole query window. */
export interface MetricGap {
  strategy: string;
  namespace: string;
  metric: string;
  /** How long it has been silent at least (the query window). */
  silentSeconds: number;
}

export interface PauseState {
  /** Autoscale cycles left during which no scale-up happens. */
  cyclesLeft: number;
  /** Legacy AUTOSCALE_PAUSE_INTERVAL: no scale-up before this time (ISO). */
  until?: string;
}

export type ScaleCommand = 'up' | 'down' | 'to' | 'auto';

/**
 * Why a decision does nothing, as a code (cluster-autoscaler's "no scale-up /
 * no scale-down reasons"): recorded in the plan's history, logged, and shown by
 * the commands, with the human account in `reasons`.
 */
const NO_ACTION_CODES = [
  /** A scale-up was wanted inside the pause after the last one. */
  'Paused',
  /** No strategy could vote (no datapoints, Opencast down for a queue strategy). */
  'NoVote',
  /** Some strategy did not vote down: the original scales down only when all agree. */
  'NotAllVotingDown',
  /** Idleness cannot be proven without Opencast: nothing is stopped (fail closed). */
  'OpencastUnavailable',
  /** Stopping would leave fewer workers than the minimum. */
  'AtMinimum',
  /** Fewer online or pending workers than asked to stop. */
  'TooFewWorkers',
  /** Every active worker is busy, protected, draining or inside its billing window. */
  'NoCandidate',
  /** A scale-up was wanted but no worker is stopped. */
  'NoStoppedWorker',
  /** The policy's target equals what runs. */
  'AtTarget',
  /** A drain is held back on purpose (a policy waits for a better moment). */
  'HoldingDrain',
  /** The workers the queue needs are already starting. */
  'AlreadyStarting',
  /** No worker has been idle long enough to go. */
  'NotIdleLongEnough',
] as const;
export type NoActionCode = (typeof NO_ACTION_CODES)[number];

export interface Decision {
  command: ScaleCommand;
  action: 'start' | 'stop' | 'none';
  /** How many workers the command asked for (after `scale to` arithmetic). */
  requested: number;
  /** Workers chosen, in the order they are acted on. */
  chosen: WorkerVerdict[];
  /** Every worker considered and not chosen, with its reason. */
  rejected: WorkerVerdict[];
  /** Warnings a `--scale-available` or `--force` run accepted instead of failing. */
  warnings: string[];
  /** Human-readable account of the decision, in order. */
  reasons: string[];
  votes?: StrategyVote[];
  pause?: { before: PauseState; after: PauseState; paused: boolean };
  /** Set exactly when `action` is `none`: why nothing is done. */
  outcome?: NoActionCode;
}

export function noAction(command: ScaleCommand, outcome: NoActionCode, reason: string, extra: Partial<Decision> = {}): Decision {
  return { command, action: 'none', requested: 0, chosen: [], rejected: [], warnings: [], reasons: [reason], ...extra, outcome };
}

/** Workers not chosen for the same reason and detail, named together. */
interface VerdictGroup {
  reason: ReasonCode;
  detail: string;
  hostnames: string[];
}

/**
 * A decision as a workflow history records it: every worker's verdict, with
 * workers that share one ("NotActive: state stopped") named in one group and
 * without the ids a hostname already identifies. A 50-worker cycle's plan is
 * then ~1.5 KB rather than ~8 KB, and stays far below Step Functions' 256 KB
 * payload limit for fleets of hundreds.
 */
export interface DecisionRecord extends Omit<Decision, 'chosen' | 'rejected'> {
  chosen: Array<{ hostname: string; detail: string }>;
  notChosen: VerdictGroup[];
}

export function decisionRecord<D extends Decision>({ chosen, rejected, ...rest }: D): Omit<D, 'chosen' | 'rejected'> & DecisionRecord {
  const groups = new Map<string, VerdictGroup>();
  for (const r of rejected) {
    const key = `${r.reason}\u0000${r.detail}`;
    const group = groups.get(key);
    if (group) group.hostnames.push(r.hostname);
    else groups.set(key, { reason: r.reason, detail: r.detail, hostnames: [r.hostname] });
  }
  return { ...rest, chosen: chosen.map((c) => ({ hostname: c.hostname, detail: c.detail })), notChosen: [...groups.values()] };
}

/**
 * A recorded decision as a Decision again, for printing: the verdicts of each group back per worker.
 * A record keeps hostnames only, so the workers' ids are empty.
 */
export function decisionFromRecord(record: DecisionRecord): Decision {
  const { chosen, notChosen, ...rest } = record;
  return {
    ...rest,
    chosen: chosen.map((c) => ({ hostname: c.hostname, id: '', chosen: true, reason: 'Chosen', detail: c.detail })),
    rejected: notChosen.flatMap((g) => g.hostnames.map((hostname) => ({ hostname, id: '', chosen: false, reason: g.reason, detail: g.detail }))),
  };
}
