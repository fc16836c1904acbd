/**
 * The invariants a scaler must keep whatever happens around it, checked on
 * plain data: every start, stop and maintenance call that reached the cluster
 * (with the cluster as it was at that instant), the workers after each
 * autoscale cycle, and the executions with their history. The checker decides
 * nothing about how the data was obtained, so it is tested on hand-made
 * violations (test/reliability/invariants.test.ts) as well as on generated days.
 */
import type { HistoryEvent, JsonValue } from '../engine/types';
import type { WorkerSnapshot } from '../sim/model/cluster-types';

export const INVARIANTS = {
  'no-interrupted-job': 'no job is interrupted by a scale-down: a worker is stopped only with no running job',
  'min-workers': 'a scale-down never leaves fewer online workers than the minimum (stopping a worker Opencast does not list online removes no capacity)',
  'maintenance-settles': 'after the faults end, no worker stays in maintenance for more than one autoscale cycle unless a drain (or its boot) is acting on it; a protected worker\'s maintenance is an operator\'s hold',
  'one-workflow-per-worker': 'no two workflows act on the same worker at once',
  'audited': 'every start, stop and maintenance change appears in the audit history, in the execution acting at that instant, with a reason',
  'typed-errors': 'every failure in a history is a typed error the workflows know (no TypeError, no engine error)',
  'executions-end': 'every boot and drain execution ends',
  'cycles-succeed': 'an autoscale cycle that meets no fault succeeds',
  'no-unserved-billing': 'no worker instance bills without serving (Opencast listing it online) for longer than the boot timeout plus one cycle, counted from the later of its start and the end of the last fault that kept the scaler from acting; protected workers and workers on a shared host row (every node at localhost; two running instances of one Name on a row built from that Name) excepted',
  'no-stop-with-listed-job': 'no instance is stopped while Opencast lists a job running on the host it registered, whatever its Name tag says',
  'one-actor-per-instance': 'no two boot or drain executions act on one instance at once (by instance id: two instances may share a name)',
  'no-access-denied': 'on the deployed path, IAM denies no call a function or a state machine\'s Task of the shipped stack makes (its role as synthesised, sim/aws/iam-authorizer.ts)',
} as const;

export type InvariantName = keyof typeof INVARIANTS;

export interface Violation {
  invariant: InvariantName;
  /** Virtual time, ISO. */
  at: string;
  detail: string;
}

/** One start, stop or maintenance call the cluster accepted, with the cluster as it was just before. */
export interface EffectRecord {
  seq: number;
  op: 'start' | 'stop' | 'maintenance-on' | 'maintenance-off';
  hostname: string;
  /** Epoch ms (virtual). */
  at: number;
  /** The call changed something (a stop of a stopping worker does not). */
  changed: boolean;
  /** Jobs running on the worker just before the call. */
  runningJobs: number;
  /** Other workers OpsWorks called online just before the call. */
  otherOnline: number;
  /** Opencast listed the worker's host online just before the call (absent: taken as serving). */
  serving?: boolean;
  /** The instance the call reached (its OpsWorks id in the model), whatever its name. */
  instanceId?: string;
  /** RUNNING jobs Opencast listed on the host row this instance registered, just before the call. */
  listedJobs?: number;
}

/** A stretch of time an instance billed without Opencast listing it online. */
export interface UnservedStretch {
  hostname: string;
  /** Epoch ms. */
  from: number;
  /** Epoch ms; absent while it lasts. */
  to?: number;
}

/** A boot or drain execution as the checker needs it. */
export interface ExecutionFacts {
  workflow: string;
  name: string;
  hostname?: string;
  status: string;
  startedAt: number;
  stoppedAt?: number;
  /** It found another execution acting on its worker (at its first check or once the listing settled) and did nothing. */
  duplicate: boolean;
  /**
   * Not past its second check (ClaimDrain, StartInstance; core/claim.ts): still settling (it may yet yield to an
   * execution started before it), or it ended before it. By its own steps it acted on nothing; a call it made
   * anyway still counts (the audit's calls).
   */
  unclaimed?: boolean;
  /**
   * It ended at the instant it began, its first step (BeginDrain, BeginBoot: the guards, which act only once
   * they pass) refused it: it acted on nothing. A console drain by a Name two instances share (soak seed 20261225).
   */
  refused?: boolean;
  /** The instance(s) it decided to act on (the worker id its first step resolved), when known. */
  instances?: readonly string[];
}

/** Error names a history may show: what the activities throw by design and the workflows' own Fail states. */
const KNOWN_ERRORS: ReadonlySet<string> = new Set([
  'ThrottledError',
  'DependencyError',
  'ProtocolError',
  'AuthError',
  'ScalingError',
  'States.Timeout',
  'StepFunctions.ExecutionAlreadyExistsException',
  'StartFailed',
  'StoppedWhileBooting',
  'BootFailed',
  'StopNotConfirmed',
  'InsufficientCapacityError',
  'InsufficientCapacity',
  'DrainAbandoned',
  'DrainFailed',
]);

export interface CheckerOptions {
  minWorkers: number;
  everyMs: number;
  /** When the last fault or kill ended (epoch ms); may grow while the day runs. */
  faultsEnd: () => number;
  /** Boot timeout for `no-unserved-billing` (default 30 min, boot-worker's default). */
  bootTimeoutMs?: number;
  /** Windows [from, until) in which the scaler could not act (its faults and kills; not the boot faults). */
  blockedWindows?: () => readonly { from: number; until: number }[];
  /** Protected workers: never stopped by the scaler, and their maintenance is an operator's hold. */
  exempt?: ReadonlySet<string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class InvariantChecker {
  readonly violations: Violation[] = [];
  private readonly cycleStarts: number[] = [];
  private lastInterruptions = 0;
  private readonly seen = new Set<string>();
  /** Unserved stretches already reported (hostname@from): one report per stretch. */
  private readonly unservedReported = new Set<string>();

  constructor(private readonly options: CheckerOptions) {}

  private report(invariant: InvariantName, at: number, detail: string): void {
    // One report per invariant, worker and episode is enough to find the bug.
    const key = `${invariant}:${detail}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.violations.push({ invariant, at: iso(at), detail });
  }

  /** An autoscale cycle that actually ran (a dead scaler's skipped ticks are not cycles). */
  cycleStarted(at: number): void {
    this.cycleStarts.push(at);
  }

  /** Checked the instant a call reaches the cluster. */
  onEffect(effect: EffectRecord): void {
    if (effect.op !== 'stop' || !effect.changed) return;
    if ((effect.listedJobs ?? 0) > 0) {
      this.report('no-stop-with-listed-job', effect.at, `${effect.hostname} (${effect.instanceId ?? '?'}) stopped while Opencast listed ${effect.listedJobs} job(s) running on it`);
    }
    if (effect.runningJobs > 0) {
      this.report('no-interrupted-job', effect.at, `${effect.hostname} stopped with ${effect.runningJobs} running job(s)`);
    }
    if (effect.serving !== false && effect.otherOnline < this.options.minWorkers) {
      this.report('min-workers', effect.at, `${effect.hostname} stopped leaving ${effect.otherOnline} online worker(s), minimum ${this.options.minWorkers}`);
    }
  }

  /**
   * After a cycle's interval: the workers as they are, the boot and drain
   * executions running now, and when the last one acting on each worker ended.
   */
  afterCycle(at: number, state: { workers: readonly WorkerSnapshot[]; interruptions: number; running: readonly ExecutionFacts[]; lastEnded: ReadonlyMap<string, number> }): void {
    if (state.interruptions > this.lastInterruptions) {
      this.report('no-interrupted-job', at, `${state.interruptions - this.lastInterruptions} job run(s) cut short by a stopped worker`);
      this.lastInterruptions = state.interruptions;
    }
    const acting = new Map<string, ExecutionFacts[]>();
    for (const e of state.running) {
      if (!e.hostname || e.duplicate || e.refused) continue;
      acting.set(e.hostname, [...(acting.get(e.hostname) ?? []), e]);
    }
    for (const [hostname, all] of acting) {
      // One still settling has done nothing yet; it yields at its second check if another went first.
      const executions = all.filter((e) => !e.unclaimed);
      const clash = executions.filter((e, i) => executions.some((o, j) => i !== j && sameWorker(e.instances, o.instances)));
      if (clash.length > 1) {
        this.report('one-workflow-per-worker', at, `${hostname}: ${clash.map((e) => e.name).join(' and ')} run at once`);
      }
    }
    const faultsEnd = this.options.faultsEnd();
    for (const w of state.workers) {
      // A protected worker's maintenance is an operator's hold, which the scaler leaves alone (issue 23 item 7).
      if (!w.hostOnline || !w.maintenance || acting.has(w.hostname) || this.options.exempt?.has(w.hostname)) continue;
      const since = Math.max(w.maintenanceSince ?? 0, w.hostOnlineSince ?? 0, state.lastEnded.get(w.hostname) ?? 0, faultsEnd);
      const deadline = this.settleDeadline(since);
      if (deadline !== undefined && at >= deadline) {
        this.report('maintenance-settles', at, `${w.hostname} in maintenance with nothing acting on it since ${iso(since)} (a cycle ran at ${iso(deadline - this.options.everyMs)})`);
      }
    }
  }

  /**
   * Unserved billing, after each cycle (stretches still going) and at the end (every stretch, exactly):
   * from the later of its start and the end of the last window that blocked the scaler before it ended.
   */
  checkUnserved(at: number, stretches: readonly UnservedStretch[], horizon = Number.POSITIVE_INFINITY): void {
    const bound = (this.options.bootTimeoutMs ?? 30 * 60_000) + this.options.everyMs;
    for (const s of stretches) {
      if (this.options.exempt?.has(s.hostname)) continue;
      // Past the horizon no cycle runs (the day is over): only the time up to it counts.
      const to = Math.min(s.to ?? at, horizon);
      const blocked = (this.options.blockedWindows?.() ?? []).filter((w) => w.from < to);
      const since = Math.max(s.from, ...blocked.map((w) => w.until));
      const key = `${s.hostname}@${s.from}`;
      if (to - since > bound && !this.unservedReported.has(key)) {
        this.unservedReported.add(key);
        this.report('no-unserved-billing', to, `${s.hostname} billed without serving from ${iso(s.from)} to ${s.to === undefined ? 'now' : iso(s.to)} (${Math.round((to - since) / 1000)} s past the last block, bound ${bound / 1000} s)`);
      }
    }
  }

  /** The end of the first cycle that started after `since`: by then that cycle must have put the worker back. */
  private settleDeadline(since: number): number | undefined {
    const next = this.cycleStarts.find((t) => t > since);
    return next === undefined ? undefined : next + this.options.everyMs;
  }

  /** Once the day is over and every execution has ended (or the cap was reached). */
  /** IAM's denials of the day (deployed days): each one is a permission the stack fails to grant. */
  checkAccess(denials: readonly { at: number; caller: string; action: string; resource: string }[]): void {
    for (const d of denials) this.report('no-access-denied', d.at, `${d.caller} denied ${d.action} on ${d.resource}`);
  }

  finish(input: {
    at: number;
    effects: readonly EffectRecord[];
    executions: readonly ExecutionFacts[];
    history: readonly HistoryEvent[];
    /** Autoscale executions and whether a fault touched them. */
    cycles: readonly { name: string; status: string; startedAt: number; stoppedAt?: number; faulted: boolean }[];
  }): void {
    const actedOn = this.checkAudit(input.effects, input.executions, input.history);
    this.checkOverlaps(input.executions, input.history, actedOn);
    this.checkInstanceOverlaps(input.executions, actedOn);
    for (const e of input.history) {
      if ((e.type === 'StateFailed' || e.type === 'ExecutionFailed') && e.error !== undefined && !KNOWN_ERRORS.has(e.error)) {
        this.report('typed-errors', Date.parse(e.at), `${e.execution} ${e.state ?? ''}: ${e.error}: ${String(e.cause ?? '').slice(0, 300)}`);
      }
    }
    for (const e of input.executions) {
      if (e.status === 'RUNNING') this.report('executions-end', input.at, `${e.name} still running`);
    }
    for (const c of input.cycles) {
      if (!c.faulted && c.status !== 'SUCCEEDED' && c.status !== 'RUNNING') {
        this.report('cycles-succeed', c.startedAt, `${c.name} ${c.status} with no fault around it`);
      }
    }
  }

  /** Acting intervals [start, stop) of non-duplicate boots and drains, plus each release, never overlap per worker. */
  private checkOverlaps(executions: readonly ExecutionFacts[], history: readonly HistoryEvent[], actedOn: ReadonlyMap<string, ReadonlySet<string>>): void {
    const byHost = new Map<string, { name: string; from: number; to: number; instances?: readonly string[] }[]>();
    const add = (hostname: string, interval: { name: string; from: number; to: number; instances?: readonly string[] }) =>
      byHost.set(hostname, [...(byHost.get(hostname) ?? []), interval]);
    for (const e of executions) {
      if (!e.hostname || e.duplicate || e.refused || (e.unclaimed && !actedOn.get(e.name)?.size)) continue;
      add(e.hostname, { name: e.name, from: e.startedAt, to: e.stoppedAt ?? Number.POSITIVE_INFINITY, ...(e.instances ? { instances: e.instances } : {}) });
    }
    for (const e of history) {
      if (e.type !== 'TaskSucceeded' || e.state !== 'ReleaseMaintenance') continue;
      const out = asRecord(e.output);
      if (out?.released !== true || typeof out.hostname !== 'string') continue;
      const t = Date.parse(e.at);
      // A point in time: it conflicts with an execution acting strictly around it.
      add(out.hostname, { name: `${e.execution} (release)`, from: t, to: t });
    }
    for (const [hostname, intervals] of byHost) {
      intervals.sort((a, b) => a.from - b.from);
      for (let i = 0; i < intervals.length; i++) {
        for (let j = i + 1; j < intervals.length; j++) {
          const a = intervals[i]!;
          const b = intervals[j]!;
          if (overlaps(a, b) && sameWorker(a.instances, b.instances)) this.report('one-workflow-per-worker', Math.max(a.from, b.from), `${hostname}: ${a.name} and ${b.name} overlap`);
        }
      }
    }
  }

  /**
   * By instance: an execution acts on the instance its first step resolved and on every instance its calls
   * reached; two of them acting on one instance must not overlap (names may be shared, ids are not).
   */
  private checkInstanceOverlaps(executions: readonly ExecutionFacts[], actedOn: ReadonlyMap<string, ReadonlySet<string>>): void {
    const byInstance = new Map<string, { name: string; from: number; to: number }[]>();
    for (const e of executions) {
      if (e.duplicate) continue;
      // One that never passed its second check acted only where its calls reached, if anywhere.
      const ids = new Set([...(e.unclaimed ? [] : (e.instances ?? [])), ...(actedOn.get(e.name) ?? [])]);
      for (const id of ids) byInstance.set(id, [...(byInstance.get(id) ?? []), { name: e.name, from: e.startedAt, to: e.stoppedAt ?? Number.POSITIVE_INFINITY }]);
    }
    for (const [id, intervals] of byInstance) {
      intervals.sort((a, b) => a.from - b.from);
      for (let i = 0; i < intervals.length; i++) {
        for (let j = i + 1; j < intervals.length; j++) {
          const a = intervals[i]!;
          const b = intervals[j]!;
          if (overlaps(a, b)) this.report('one-actor-per-instance', Math.max(a.from, b.from), `instance ${id}: ${a.name} and ${b.name} act on it at once`);
        }
      }
    }
  }

  /** Audits every call; returns, per execution, the instances its audited calls reached. */
  private checkAudit(effects: readonly EffectRecord[], executions: readonly ExecutionFacts[], history: readonly HistoryEvent[]): Map<string, Set<string>> {
    const actedOn = new Map<string, Set<string>>();
    const entered = new Map<string, HistoryEvent[]>();
    const released = new Map<string, HistoryEvent[]>();
    for (const e of history) {
      if (e.type === 'StateEntered') entered.set(e.execution, [...(entered.get(e.execution) ?? []), e]);
      if (e.type === 'StateEntered' && e.state === 'ReleaseMaintenance') {
        const host = asRecord(e.input)?.hostname;
        if (typeof host === 'string') released.set(host, [...(released.get(host) ?? []), e]);
      }
    }
    for (const effect of effects) {
      const states = AUDIT_STATES[effect.op];
      const candidates = executions.filter(
        (x) => x.hostname === effect.hostname && x.startedAt <= effect.at && (x.stoppedAt === undefined || x.stoppedAt >= effect.at),
      );
      const makers = candidates.filter((x) => {
        const events = entered.get(x.name) ?? [];
        return events.some((ev, i) => {
          if (!states.includes(ev.state ?? '') || Date.parse(ev.at) > effect.at) return false;
          const next = events[i + 1];
          return (next === undefined || Date.parse(next.at) >= effect.at) && auditReason(ev) !== undefined;
        });
      });
      let audited = makers.length > 0;
      if (effect.instanceId !== undefined) {
        // Two makers of one name: the call is the one's that resolved this instance, if either did.
        const own = makers.filter((x) => x.instances?.includes(effect.instanceId!));
        for (const x of own.length > 0 ? own : makers) actedOn.set(x.name, (actedOn.get(x.name) ?? new Set()).add(effect.instanceId));
      }
      if (!audited && effect.op === 'maintenance-off') {
        audited = (released.get(effect.hostname) ?? []).some((ev) => Date.parse(ev.at) === effect.at && auditReason(ev) !== undefined);
      }
      if (!audited) {
        this.report('audited', effect.at, `${effect.op} of ${effect.hostname} (call #${effect.seq}) has no step with a reason in the history`);
      }
    }
    return actedOn;
  }
}

/** The states whose entry explains each kind of call. */
const AUDIT_STATES: Record<EffectRecord['op'], readonly string[]> = {
  start: ['StartInstance'],
  stop: ['StopInstance'],
  'maintenance-on': ['MaintenanceOn'],
  'maintenance-off': ['MaintenanceOff', 'AbandonDrain'],
};

/** The reason a step's input gives for what it is about to do, if any. */
function auditReason(event: HistoryEvent): string | undefined {
  const input = asRecord(event.input);
  if (!input) return undefined;
  const text = (v: JsonValue | undefined) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  switch (event.state) {
    case 'StartInstance': {
      const request = asRecord(input.request);
      return text(request?.reason);
    }
    case 'ReleaseMaintenance':
      return text(input.reason);
    case 'AbandonDrain': {
      const error = asRecord(input.error);
      return text(error?.Cause) ?? text(error?.Error) ?? text(asRecord(asRecord(input.worker)?.reason)?.message);
    }
    default:
      return text(asRecord(asRecord(input.worker)?.reason)?.message);
  }
}

/**
 * Do two executions of one name act on one worker? Yes unless both resolved their instance and the instances
 * differ (two instances may share a Name tag; one-actor-per-instance judges those by id).
 */
function sameWorker(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a === undefined || b === undefined || a.some((id) => b.includes(id));
}

/** Intervals are [from, to); one of length 0 is an instant, which conflicts only with an interval strictly around it. */
function overlaps(a: { from: number; to: number }, b: { from: number; to: number }): boolean {
  const aPoint = a.from === a.to;
  const bPoint = b.from === b.to;
  if (aPoint && bPoint) return false;
  if (aPoint) return b.from < a.from && a.from < b.to;
  if (bPoint) return a.from < b.from && b.from < a.to;
  return a.from < b.to && b.from < a.to;
}

function asRecord(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
