/**
 * What the page shows, built from one cluster observation and the execution
 * digests: each worker with its lifecycle state, the cluster at a glance, the
 * timeline, and one worker's history. Pure.
 *
 * A worker's lifecycle state is the one its running boot or drain execution
 * last recorded; with none running, it is the observation replayed through the
 * machine exactly as a new drain or boot would replay it (the same adoption
 * events), so the page and the workflows never disagree on where a worker is.
 */
import { adoptionEvents } from '../machines/observed-facts';
import { advance } from '../machines/worker-slot';
import { compareHostnames } from '../core/cluster';
import type { ClusterView, FleetProvider, StatusClass, Worker } from '../core/types';
import { createPersistedWorker } from '../machines/persistence';
import { WORKER_STATES, type WorkerState } from '../machines/worker-lifecycle';
import type { ExecutionDigest, ExecutionOutcome, LifecycleTransition } from './digest';
import { liveChurn, type LiveChurn } from './churn';
import { factOf, type ExecutionFact } from './execution-facts';
import { zoneStatement } from './zoned-time';

export interface SimulationStatus {
  paused: boolean;
  /** Virtual seconds per real second. */
  speed: number;
  virtualNow: string;
  from: string;
  until: string;
  cycles: number;
  failedCycles: number;
  finished: boolean;
  /** Quiet stretches are fast-forwarded (ui/sim-driver.ts). */
  skipQuiet: boolean;
  /** The fast-forward under way (`active`), or the last one. */
  skip?: { from: string; to: string; active: boolean };
  /** The next recording to arrive, and how many arrive in the hour from then. */
  nextArrival?: { at: string; recordingsInHour: number };
}

interface UiExecutionRef {
  name: string;
  workflow: string;
  status: string;
  state?: string;
  startedAt: string;
  reason?: string;
  /** What it achieved (or where it is): the page shows this, never a bare "succeeded". */
  outcome: ExecutionOutcome;
}

export interface UiWorker {
  hostname: string;
  lifecycle: WorkerState;
  /** `execution`: a running boot or drain recorded it; `observation`: replayed from what was observed. */
  lifecycleFrom: 'execution' | 'observation';
  reason?: string;
  /** The provider's own word for the instance's state: EC2 `running`, OpsWorks `online`. */
  provider: string;
  /** The id the provider starts and stops it by: the EC2 instance id on EC2, the OpsWorks InstanceId on OpsWorks. */
  instanceId: string;
  statusClass: StatusClass;
  registered: boolean;
  maintenance: boolean;
  /** Opencast's use of it in words: `serving`, `maintenance`, `not registered`, `not serving: stopped`. */
  opencast: string;
  runningJobs: number | null;
  uptimeSeconds: number;
  instanceType?: string;
  protected: boolean;
  /** The running boot or drain, else the newest finished one. */
  execution?: UiExecutionRef;
}

/** What the newest finished autoscale cycle decided, and why: the scaler's target now. */
interface TargetNow {
  at: string;
  cycle: string;
  /** Workers the policy wants in service, when its reason states a target (`target 2 worker(s) (…)`). */
  workers?: number;
  /** `start worker3, worker4`, `drain worker7`, or `nothing to do (AtTarget)`. */
  decided: string;
  reason: string;
}

export interface UiState {
  /** Bumped on every refresh, so the page can tell a new state from the same one. */
  version: number;
  mode: 'simulation' | 'cluster';
  engine: 'local' | 'aws' | 'none';
  cluster: string;
  /** Who runs the fleet, as observed; null while the cluster has no instance. */
  provider: FleetProvider | null;
  observedAt: string;
  /** IANA zone the page shows times in, with its offset now: `America/New_York (UTC-04:00)` or `UTC`. */
  timeZone: { name: string; statement: string };
  /** The last refresh failed (the rest is from the refresh before). */
  error?: string;
  opencast: { up: true } | { up: false; error: string };
  jobs: { running: number; queued: number; queuedHighLoad: number } | null;
  counts: {
    workers: number;
    online: number;
    pending: number;
    inService: number;
    maintenance: number;
    byLifecycle: Record<WorkerState, number>;
  };
  workers: UiWorker[];
  executions: { running: number; listed: number };
  /** Flaps and how drains ended, over every execution read (ui/churn.ts). */
  churn: LiveChurn;
  target?: TargetNow;
  simulation?: SimulationStatus;
}

export interface StateInput {
  version: number;
  mode: UiState['mode'];
  engine: UiState['engine'];
  view: ClusterView;
  digests: readonly ExecutionDigest[];
  /** Facts of every execution read, also those whose digests were dropped; default the digests'. */
  facts?: readonly ExecutionFact[];
  simulation?: SimulationStatus;
  /** Default UTC. */
  timeZone?: string;
}

const observedCache = new Map<string, WorkerState>();

/** The machine's state for a worker seen as it is, with no execution acting on it. */
function observedLifecycle(worker: Worker, at: string): WorkerState {
  // The replay depends only on these three facts; workers share the answer.
  const key = `${worker.statusClass}|${worker.registered}|${worker.maintenance}`;
  const known = observedCache.get(key);
  if (known) return known;
  const persisted = createPersistedWorker({ hostname: worker.hostname });
  const state = advance({ hostname: worker.hostname, id: worker.id, persisted }, adoptionEvents(worker, at)).state;
  observedCache.set(key, state);
  return state;
}

/**
 * What Opencast does with the worker. A stopped instance keeps its Opencast
 * registration (and maintenance flag) until it comes back, so "registered"
 * alone does not mean serving: only a running instance serves.
 */
function opencastRole(worker: Pick<Worker, 'registered' | 'maintenance' | 'statusClass' | 'state'>): string {
  if (!worker.registered) return 'not registered';
  if (worker.statusClass !== 'online') return `not serving: ${worker.state}`;
  return worker.maintenance ? 'maintenance' : 'serving';
}

function refOf(d: ExecutionDigest): UiExecutionRef {
  return {
    name: d.name,
    workflow: d.workflow,
    status: d.status,
    startedAt: d.startedAt,
    outcome: d.outcome,
    ...(d.currentState ? { state: d.currentState } : {}),
    ...(d.lastReason ? { reason: d.lastReason } : d.error ? { reason: d.error } : {}),
  };
}

/** Running workers first (online, then starting), then the rest; in natural order within each. */
const RUN_ORDER: Record<StatusClass, number> = { online: 0, pending: 1, other: 2, stopped: 3 };

function targetNow(digests: readonly ExecutionDigest[]): TargetNow | undefined {
  const d = digests.find((x) => x.workflow === 'autoscale' && x.status === 'SUCCEEDED' && x.plan);
  if (!d || !d.plan) return undefined;
  const target = /^target (\d+) worker/.exec(d.plan.reason)?.[1];
  const decided = d.plan.actions.length ? d.plan.actions.map((a) => `${a.kind === 'boot' ? 'start' : a.kind} ${a.hostname}`).join(', ') : `nothing to do${d.plan.outcome ? ` (${d.plan.outcome})` : ''}`;
  return { at: d.startedAt, cycle: d.name, ...(target ? { workers: Number(target) } : {}), decided, reason: d.plan.reason };
}

export function buildUiState(input: StateInput): UiState {
  const { view, digests } = input;
  const byHost = new Map<string, ExecutionDigest[]>();
  for (const d of digests) if (d.hostname) byHost.set(d.hostname, [...(byHost.get(d.hostname) ?? []), d]);
  const byLifecycle = Object.fromEntries(WORKER_STATES.map((s) => [s, 0])) as Record<WorkerState, number>;

  const workers = [...view.workers].sort((a, b) => RUN_ORDER[a.statusClass] - RUN_ORDER[b.statusClass] || compareHostnames(a.hostname, b.hostname)).map((w): UiWorker => {
    const mine = byHost.get(w.hostname) ?? [];
    const running = mine.find((d) => d.status === 'RUNNING');
    const fromExecution = running?.workerState;
    const lifecycle = fromExecution ?? observedLifecycle(w, view.observedAt);
    byLifecycle[lifecycle] += 1;
    const shown = running ?? mine[0];
    const reason = running?.lastReason ?? running?.requestReason;
    return {
      hostname: w.hostname,
      lifecycle,
      lifecycleFrom: fromExecution ? 'execution' : 'observation',
      ...(reason ? { reason } : {}),
      provider: w.state,
      instanceId: w.id,
      statusClass: w.statusClass,
      registered: w.registered,
      maintenance: w.maintenance,
      opencast: opencastRole(w),
      runningJobs: w.runningJobs,
      uptimeSeconds: w.uptimeSeconds,
      ...(w.instanceType ? { instanceType: w.instanceType } : {}),
      protected: w.protected,
      ...(shown ? { execution: refOf(shown) } : {}),
    };
  });
  const oc = view.opencast;
  return {
    version: input.version,
    mode: input.mode,
    engine: input.engine,
    cluster: view.cluster,
    provider: view.instances[0]?.provider ?? null,
    observedAt: view.observedAt,
    timeZone: { name: input.timeZone ?? 'UTC', statement: zoneStatement(input.timeZone ?? 'UTC', view.observedAt) },
    opencast: oc.up ? { up: true } : { up: false, error: oc.error },
    jobs: oc.up ? { running: oc.running, queued: oc.queue.queued, queuedHighLoad: oc.queue.queuedHighLoad } : null,
    counts: {
      workers: view.counts.workers,
      online: view.counts.onlineWorkers,
      pending: view.counts.pendingWorkers,
      inService: view.workers.filter((w) => w.statusClass === 'online' && w.registered && !w.maintenance).length,
      // A stopped worker keeps its Opencast maintenance flag; only running ones are "in maintenance".
      maintenance: view.workers.filter((w) => w.statusClass === 'online' && w.registered && w.maintenance).length,
      byLifecycle,
    },
    workers,
    executions: { running: digests.filter((d) => d.status === 'RUNNING').length, listed: digests.length },
    churn: liveChurn(input.facts ?? digests.map(factOf), view.observedAt),
    ...(targetNow(digests) ? { target: targetNow(digests)! } : {}),
    ...(input.simulation ? { simulation: input.simulation } : {}),
  };
}

interface TimelineItem {
  at: string;
  kind: 'cycle' | 'execution' | 'transition';
  title: string;
  reason?: string;
  status?: string;
  /** For executions and cycles: what they achieved (ExecutionOutcome kind). */
  outcome?: ExecutionOutcome['kind'];
  hostname?: string;
  execution?: string;
}

export interface Timeline {
  items: TimelineItem[];
  /** Autoscale cycles that decided to do nothing: counted, not listed, or they would bury the rest. */
  idleCycles: number;
  /** Why they did nothing: by no-action code, most first, with the newest reason of each. */
  idleReasons: Array<{ code: string; count: number; reason: string }>;
  /** Executions listed but never read (older than the page's budget when it started): not in the counts. */
  unread: number;
}

function idleReasons(facts: readonly ExecutionFact[]): Timeline['idleReasons'] {
  const byCode = new Map<string, { code: string; count: number; reason: string }>();
  // Newest first: the first reason seen for a code is its newest.
  for (const f of facts) {
    if (!f.idle) continue;
    const entry = byCode.get(f.idle.code) ?? { code: f.idle.code, count: 0, reason: f.idle.reason };
    entry.count += 1;
    byCode.set(f.idle.code, entry);
  }
  return [...byCode.values()].sort((a, b) => b.count - a.count);
}

/**
 * Executions and lifecycle transitions, newest first. Idle cycles are counted
 * from `facts` (every execution read, newest first; default the digests').
 */
export function buildTimeline(digests: readonly ExecutionDigest[], known: { facts: readonly ExecutionFact[]; unread: number } = { facts: digests.map(factOf), unread: 0 }, limit = 300): Timeline {
  const items: TimelineItem[] = [];
  const byName = new Map(digests.map((d) => [d.name, d]));
  const reasons = idleReasons(known.facts);
  // Oldest first, each execution before its transitions: sorted stably and reversed, ties read newest first too.
  for (const d of [...digests].reverse()) {
    if (d.workflow === 'autoscale') {
      const acted = d.plan && d.plan.action !== 'none';
      if (!acted && d.status === 'SUCCEEDED') continue;
      // The plan is an intent: each action is shown with what the execution it started achieved.
      const what = d.plan?.actions
        .map((a) => {
          const child = a.executionName ? byName.get(a.executionName) : undefined;
          return `${a.kind} ${a.hostname}${child ? ` → ${child.outcome.text}` : ''}`;
        })
        .join('; ');
      items.push({
        at: d.startedAt,
        kind: 'cycle',
        title: d.status === 'SUCCEEDED' ? `${d.name}: ${what}` : `${d.name} ${d.outcome.text}`,
        status: d.status,
        outcome: d.outcome.kind,
        execution: d.name,
        ...(d.plan?.reason ? { reason: d.plan.reason } : d.error ? { reason: `${d.error}${d.cause ? `: ${d.cause}` : ''}` } : {}),
      });
      continue;
    }
    items.push({
      at: d.startedAt,
      kind: 'execution',
      title: `${d.name}: ${d.outcome.text}`,
      status: d.status,
      outcome: d.outcome.kind,
      execution: d.name,
      ...(d.hostname ? { hostname: d.hostname } : {}),
      ...(d.requestReason ? { reason: `asked: ${d.requestReason}` } : {}),
    });
    for (const t of d.transitions) {
      if (t.catchUp) continue;
      items.push({
        at: t.at,
        kind: 'transition',
        title: t.refused ? `${t.hostname}: ${t.event} refused in ${t.from}` : `${t.hostname}: ${t.from} → ${t.to}`,
        reason: `${t.code}: ${t.reason}`,
        hostname: t.hostname,
        execution: t.execution,
      });
    }
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { items: items.reverse().slice(0, limit), idleCycles: reasons.reduce((n, r) => n + r.count, 0), idleReasons: reasons, unread: known.unread };
}

export interface WorkerHistory {
  hostname: string;
  worker?: UiWorker;
  /** Oldest first, as they happened. */
  transitions: LifecycleTransition[];
  /** Newest first, each with its steps. */
  executions: ExecutionDigest[];
}

export function buildWorkerHistory(hostname: string, worker: UiWorker | undefined, digests: readonly ExecutionDigest[]): WorkerHistory {
  // Oldest execution first, so the stable sort keeps same-instant transitions in the order they were made.
  const sorted = [...digests]
    .reverse()
    .flatMap((d) => d.transitions)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { hostname, ...(worker ? { worker } : {}), transitions: withoutReplays(sorted), executions: [...digests] };
}

/**
 * Each boot or drain begins with a fresh lifecycle caught up with the worker
 * as observed: a worker found online is replayed offline → booting → online,
 * which the machine can only record as `StartedOutside` (it cannot know who
 * started the instance). In a worker's history that replay is news only when
 * no earlier execution here already left the worker where it was found; then
 * it is shown as what it is, a state found on observation, not as a start
 * made outside mo-scaler.
 */
function withoutReplays(transitions: LifecycleTransition[]): LifecycleTransition[] {
  const out: LifecycleTransition[] = [];
  let known: string | undefined;
  for (let i = 0; i < transitions.length; i++) {
    const t = transitions[i]!;
    if (!t.catchUp) {
      out.push(t);
      if (!t.refused) known = t.to;
      continue;
    }
    // One execution's replay: its consecutive catch-up steps.
    let j = i;
    while (j + 1 < transitions.length && transitions[j + 1]!.catchUp && transitions[j + 1]!.execution === t.execution) j += 1;
    const found = transitions[j]!.to;
    if (found !== known) {
      out.push({ ...transitions[j]!, from: t.from, code: 'FoundOnObservation', reason: `${t.execution} found ${t.hostname} ${found} when it began (no earlier execution here recorded how it got there)` });
      known = found;
    }
    i = j;
  }
  return out;
}
