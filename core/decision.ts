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
}

export interface PauseState {
  /** Autoscale cycles left during which no scale-up happens. */
  cyclesLeft: number;
  /** Legacy AUTOSCALE_PAUSE_INTERVAL: no scale-up before this time (ISO). */
  until?: string;
}

export type ScaleCommand = 'up' | 'down' | 'to' | 'auto';

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
}

export function noAction(command: ScaleCommand, reason: string, extra: Partial<Decision> = {}): Decision {
  return { command, action: 'none', requested: 0, chosen: [], rejected: [], warnings: [], reasons: [reason], ...extra };
}

/** Workers not chosen for the same reason and detail, named together. */
export interface VerdictGroup {
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
