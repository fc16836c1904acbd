/**
 * The lifecycle of one worker node, from stopped to serving and back:
 *
 *   offline → booting → online → awaitingBillingWindow → maintenance → draining → stopping → offline
 *
 * with startFailed, stopFailed and returningToService (maintenance off) beside
 * them. Pure: no timers, no invoke, no I/O. Activities step it with
 * `transition()` one event at a time; time and observations arrive as events
 * (every event carries `at`), and each state names the one side effect that
 * the activity entering it performs ({@link WORKER_STATE_EFFECTS}).
 *
 * The rules live in core/lifecycle-rules.ts; every guard here is a named
 * wrapper over one of them, evaluated on the facts as of the event.
 */
import { and, assign, not, setup } from 'xstate';
import type { BillingMode } from '../core/types';
import {
  canStopWithoutBreachingMinimum,
  describeReason,
  hasReachedBillingWindow,
  isBusy,
  isJobCountUnknown,
  UNKNOWN_FACTS,
  type DrainPolicy,
  type LifecycleReasonCode,
  type WorkerFacts,
} from '../core/lifecycle-rules';

export const WORKER_LIFECYCLE_MACHINE_ID = 'worker-lifecycle';

/** Transition records kept in the snapshot; the workflow history holds the full story. */
export const HISTORY_LIMIT = 20;

export const WORKER_STATES = [
  'offline',
  'booting',
  'startFailed',
  'online',
  'awaitingBillingWindow',
  'maintenance',
  'draining',
  'returningToService',
  'stopping',
  'stopFailed',
] as const;

export type WorkerState = (typeof WORKER_STATES)[number];

/** The side effect an activity performs when a step enters the state (at most one). */
export type WorkerEffect = 'startInstance' | 'setMaintenanceOn' | 'setMaintenanceOff' | 'stopInstance';

const WORKER_STATE_EFFECTS: Record<WorkerState, WorkerEffect | null> = {
  offline: null,
  booting: 'startInstance',
  startFailed: null,
  online: null,
  // Still serving: the workflow waits for the window, nothing is switched yet.
  awaitingBillingWindow: null,
  maintenance: 'setMaintenanceOn',
  // Polling only; the poll is an observation, not a side effect.
  draining: null,
  returningToService: 'setMaintenanceOff',
  stopping: 'stopInstance',
  stopFailed: null,
};

/**
 * The side effect owed on entering `state` for `code`: the state's own, except
 * that an instance adopted while already running is not started again.
 */
export function effectOnEntering(state: WorkerState, code: LifecycleReasonCode): WorkerEffect | null {
  if (code === 'StartedOutside') return null;
  return WORKER_STATE_EFFECTS[state];
}

/** Facts an event may bring along; an absent field leaves the known value as it was. */
export interface ObservedFacts {
  runningJobs?: number | null;
  uptimeSeconds?: number;
  onlineWorkers?: number;
  otherStopsInFlight?: number;
  minWorkers?: number;
  protected?: boolean;
  maintenance?: boolean;
}

/** Every event carries the time it was observed or requested, ISO-8601. */
interface At {
  at: string;
}

type ObservedEvent = At & ObservedFacts & { type: 'observed' };
type StartRequestedEvent = At & { type: 'start.requested' };
type InstanceOnlineEvent = At & { type: 'instance.online'; uptimeSeconds?: number };
/** The provider reports the instance starting (found booting: adopted without a start of ours). */
type InstancePendingEvent = At & { type: 'instance.pending' };
type OpencastRegisteredEvent = At & { type: 'opencast.registered'; maintenance: boolean };
type StartFailedEvent = At & { type: 'start.failed'; error: string };
type BootTimedOutEvent = At & { type: 'boot.timedOut' };
type DrainRequestedEvent = At &
  ObservedFacts & { type: 'drain.requested'; force: boolean; billingMode: BillingMode; thresholdMinutes: number };
type BillingWindowReachedEvent = At & { type: 'billing.windowReached'; uptimeSeconds: number };
/** Maintenance confirmed on. Job counts seen before it are stale: a job may have been dispatched since. */
type MaintenanceOnEvent = At & { type: 'maintenance.on'; runningJobs?: number | null };
type JobsDrainedEvent = At & { type: 'jobs.drained' };
type DrainTimedOutEvent = At & { type: 'drain.timedOut' };
type DemandReturnedEvent = At & { type: 'demand.returned' };
/** Reconcile found the worker mid-drain or in maintenance with no drain execution running. */
type DrainAbandonedEvent = At & { type: 'drain.abandoned' };
type MaintenanceOffEvent = At & { type: 'maintenance.off' };
type StopRequestedEvent = At & ObservedFacts & { type: 'stop.requested'; force: boolean };
type StopConfirmedEvent = At & { type: 'stop.confirmed' };
type StopFailedEvent = At & { type: 'stop.failed'; error: string };
/** The provider reports the instance stopped although mo-scaler did not stop it (host loss, operator). */
type InstanceStoppedEvent = At & { type: 'instance.stopped'; status?: string };

export type WorkerLifecycleEvent =
  | ObservedEvent
  | StartRequestedEvent
  | InstancePendingEvent
  | InstanceOnlineEvent
  | OpencastRegisteredEvent
  | StartFailedEvent
  | BootTimedOutEvent
  | DrainRequestedEvent
  | BillingWindowReachedEvent
  | MaintenanceOnEvent
  | JobsDrainedEvent
  | DrainTimedOutEvent
  | DemandReturnedEvent
  | DrainAbandonedEvent
  | MaintenanceOffEvent
  | StopRequestedEvent
  | StopConfirmedEvent
  | StopFailedEvent
  | InstanceStoppedEvent;

type WorkerLifecycleEventType = WorkerLifecycleEvent['type'];

export interface LifecycleReason {
  code: LifecycleReasonCode;
  message: string;
  event: WorkerLifecycleEventType;
  at: string;
}

interface TransitionRecord {
  from: WorkerState;
  to: WorkerState;
  event: WorkerLifecycleEventType;
  code: LifecycleReasonCode;
  reason: string;
  at: string;
}

export interface WorkerLifecycleContext {
  hostname: string;
  facts: WorkerFacts;
  policy: DrainPolicy;
  /** Set by a forced drain or stop request; cleared when the worker returns to service or stops. */
  force: boolean;
  /** The reason of the last accepted event (a transition, a refusal or an observation). */
  lastReason: LifecycleReason | null;
  /** Newest last, at most {@link HISTORY_LIMIT}: state changes and refused requests. */
  history: TransitionRecord[];
}

export interface WorkerLifecycleInput {
  hostname: string;
  minWorkers?: number;
  billingMode?: BillingMode;
  thresholdMinutes?: number;
  protected?: boolean;
}

/** The original's defaults: MOSCALER_MIN_WORKERS=1, MOSCALER_IDLE_UPTIME_THRESHOLD=50. */
const DEFAULT_DRAIN_POLICY: DrainPolicy = { minWorkers: 1, billingMode: 'hourly', thresholdMinutes: 50 };

interface LifecycleView {
  facts: WorkerFacts;
  policy: DrainPolicy;
  force: boolean;
}

function withObserved(facts: WorkerFacts, o: ObservedFacts, at: string): WorkerFacts {
  const next = { ...facts };
  if (o.runningJobs !== undefined) next.runningJobs = o.runningJobs;
  if (o.uptimeSeconds !== undefined) {
    next.uptimeSeconds = o.uptimeSeconds;
    next.uptimeObservedAt = at;
  }
  if (o.onlineWorkers !== undefined) next.onlineWorkers = o.onlineWorkers;
  if (o.otherStopsInFlight !== undefined) next.otherStopsInFlight = o.otherStopsInFlight;
  if (o.protected !== undefined) next.protected = o.protected;
  if (o.maintenance !== undefined) next.maintenance = o.maintenance;
  return next;
}

const STOPPED_FACTS: Partial<WorkerFacts> = {
  runningJobs: null,
  uptimeSeconds: null,
  uptimeObservedAt: null,
  instanceOnline: false,
  registered: false,
  maintenance: null,
};

/**
 * The facts, policy and force as of `event`: the context updated with what the
 * event says. Guards read this view so that a rule is judged on the newest
 * facts (XState evaluates guards before the transition's assign runs).
 */
function viewAfter(context: WorkerLifecycleContext, event: WorkerLifecycleEvent): LifecycleView {
  const { facts, policy, force } = context;
  switch (event.type) {
    case 'observed':
      return {
        facts: withObserved(facts, event, event.at),
        policy: event.minWorkers === undefined ? policy : { ...policy, minWorkers: event.minWorkers },
        force,
      };
    case 'drain.requested':
      return {
        facts: withObserved(facts, event, event.at),
        policy: {
          minWorkers: event.minWorkers ?? policy.minWorkers,
          billingMode: event.billingMode,
          thresholdMinutes: event.thresholdMinutes,
        },
        force: event.force,
      };
    case 'stop.requested':
      return {
        facts: withObserved(facts, event, event.at),
        policy: event.minWorkers === undefined ? policy : { ...policy, minWorkers: event.minWorkers },
        force: event.force,
      };
    case 'start.requested':
      return { facts: { ...facts, ...STOPPED_FACTS }, policy, force: false };
    case 'instance.online':
      return {
        facts: withObserved({ ...facts, instanceOnline: true }, { uptimeSeconds: event.uptimeSeconds }, event.at),
        policy,
        force,
      };
    case 'opencast.registered':
      return { facts: { ...facts, registered: true, maintenance: event.maintenance }, policy, force };
    case 'billing.windowReached':
      return { facts: withObserved(facts, { uptimeSeconds: event.uptimeSeconds }, event.at), policy, force };
    case 'maintenance.on':
      return { facts: { ...facts, maintenance: true, runningJobs: event.runningJobs ?? null }, policy, force };
    case 'jobs.drained':
      return { facts: { ...facts, runningJobs: 0 }, policy, force };
    case 'maintenance.off':
      return { facts: { ...facts, maintenance: false }, policy, force: false };
    case 'demand.returned':
    case 'drain.abandoned':
    case 'instance.pending':
      return { facts, policy, force: false };
    case 'stop.confirmed':
    case 'instance.stopped':
      return { facts: { ...facts, ...STOPPED_FACTS }, policy, force: false };
    case 'start.failed':
    case 'boot.timedOut':
    case 'drain.timedOut':
    case 'stop.failed':
      return { facts, policy, force };
  }
}

function reasonFor(
  context: WorkerLifecycleContext,
  event: WorkerLifecycleEvent,
  view: LifecycleView,
  code: LifecycleReasonCode,
): LifecycleReason {
  const message = describeReason(code, {
    hostname: context.hostname,
    facts: view.facts,
    policy: view.policy,
    force: view.force,
    at: event.at,
    error: 'error' in event ? event.error : undefined,
    status: event.type === 'instance.stopped' ? event.status : undefined,
  });
  return { code, message, event: event.type, at: event.at };
}

function appendRecord(history: TransitionRecord[], record: TransitionRecord): TransitionRecord[] {
  return [...history, record].slice(-HISTORY_LIMIT);
}

interface TransitionParams {
  from: WorkerState;
  to: WorkerState;
  code: LifecycleReasonCode;
}

const machineSetup = setup({
  types: {
    context: {} as WorkerLifecycleContext,
    events: {} as WorkerLifecycleEvent,
    input: {} as WorkerLifecycleInput,
  },
  guards: {
    isProtected: ({ context, event }) => viewAfter(context, event).facts.protected,
    isForced: ({ context, event }) => viewAfter(context, event).force,
    isBusy: ({ context, event }) => isBusy(viewAfter(context, event).facts),
    isJobCountUnknown: ({ context, event }) => isJobCountUnknown(viewAfter(context, event).facts),
    hasReachedBillingWindow: ({ context, event }) => {
      const view = viewAfter(context, event);
      return hasReachedBillingWindow(view.facts, view.policy, event.at);
    },
    canStopWithoutBreachingMinimum: ({ context, event }) => {
      const view = viewAfter(context, event);
      return canStopWithoutBreachingMinimum(view.facts, view.policy);
    },
    /** Both boot conditions hold; the order they arrive in is not fixed (OpsWorks setup may outlast registration). */
    isReadyToServe: ({ context, event }) => {
      const { facts } = viewAfter(context, event);
      return facts.instanceOnline && facts.registered && facts.maintenance !== true;
    },
    isRegisteredInMaintenance: ({ context, event }) => {
      const { facts } = viewAfter(context, event);
      return facts.instanceOnline && facts.registered && facts.maintenance === true;
    },
  },
  actions: {
    /** A state change: the facts as of the event, its reason, and a history record. */
    recordTransition: assign(({ context, event }, params: TransitionParams) => {
      const view = viewAfter(context, event);
      const reason = reasonFor(context, event, view, params.code);
      return {
        ...view,
        lastReason: reason,
        history: appendRecord(context.history, { ...params, event: event.type, reason: reason.message, at: event.at }),
      };
    }),
    /** A request refused by a rule: the state stays, the refusal is recorded; force does not outlive the request. */
    recordRefusal: assign(({ context, event }, params: { state: WorkerState; code: LifecycleReasonCode }) => {
      const view = viewAfter(context, event);
      const reason = reasonFor(context, event, view, params.code);
      const record = { from: params.state, to: params.state, code: params.code, event: event.type };
      return {
        facts: view.facts,
        policy: view.policy,
        lastReason: reason,
        history: appendRecord(context.history, { ...record, reason: reason.message, at: event.at }),
      };
    }),
    /** An observation or progress that changes no state: facts and reason only, so polls do not flood the history. */
    recordFacts: assign(({ context, event }, params: { code: LifecycleReasonCode }) => {
      const view = viewAfter(context, event);
      return { ...view, lastReason: reasonFor(context, event, view, params.code) };
    }),
  },
});

// Transition builders keep each config line to target + guard + reason code.
const go = (from: WorkerState, to: WorkerState, code: LifecycleReasonCode) =>
  ({ target: to, actions: { type: 'recordTransition', params: { from, to, code } } }) as const;
const refuse = (state: WorkerState, code: LifecycleReasonCode) =>
  ({ actions: { type: 'recordRefusal', params: { state, code } } }) as const;
const note = (code: LifecycleReasonCode) => ({ actions: { type: 'recordFacts', params: { code } } }) as const;

/** Stop requests outside a drain (a booting, start-failed or stop-failed worker): the same rules as a drain's stop. */
const stopGate = (from: WorkerState) =>
  [
    { guard: 'isProtected', ...refuse(from, 'Protected') },
    // Fail closed even when forced: without Opencast nothing proves the worker runs no job.
    { guard: 'isJobCountUnknown', ...refuse(from, 'OpencastUnavailable') },
    { guard: and([not('isForced'), 'isBusy']), ...refuse(from, 'Busy') },
    { guard: and([not('isForced'), not('canStopWithoutBreachingMinimum')]), ...refuse(from, 'MinimumReached') },
    { guard: and(['isForced', 'isBusy']), ...go(from, 'stopping', 'ForcedStop') },
    go(from, 'stopping', 'StopRequested'),
  ] as const;

/** The cluster shrank while this worker drained: it is needed again (a forced drain goes on). */
const minimumCheck = [
  {
    guard: and([not('isForced'), not('canStopWithoutBreachingMinimum')]),
    ...go('draining', 'returningToService', 'MinimumReached'),
  },
] as const;

/** While draining, each observation may end the drain: protection or the minimum send it back, idleness stops it. */
const drainedCheck = [
  { guard: 'isProtected', ...go('draining', 'returningToService', 'Protected') },
  { guard: 'isJobCountUnknown', ...note('OpencastUnavailable') },
  { guard: 'isBusy', ...note('Busy') },
  ...minimumCheck,
  go('draining', 'stopping', 'JobsDrained'),
] as const;

/** Before maintenance is on a drain can still be called off cheaply; after, going back means maintenance off. */
const stillWanted = (from: 'awaitingBillingWindow' | 'maintenance', back: 'online' | 'returningToService') =>
  [
    { guard: 'isProtected', ...go(from, back, 'Protected') },
    { guard: and([not('isForced'), not('canStopWithoutBreachingMinimum')]), ...go(from, back, 'MinimumReached') },
    note('Observed'),
  ] as const;

/** Booting ends when both facts hold, in whichever order they arrive. */
const bootProgress = (waiting: LifecycleReasonCode) =>
  [
    { guard: 'isRegisteredInMaintenance', ...go('booting', 'returningToService', 'RegisteredInMaintenance') },
    { guard: 'isReadyToServe', ...go('booting', 'online', 'Booted') },
    note(waiting),
  ] as const;

export const workerLifecycleMachine = machineSetup.createMachine({
  id: WORKER_LIFECYCLE_MACHINE_ID,
  initial: 'offline',
  context: ({ input }) => ({
    hostname: input.hostname,
    facts: { ...UNKNOWN_FACTS, protected: input.protected ?? false },
    policy: {
      minWorkers: input.minWorkers ?? DEFAULT_DRAIN_POLICY.minWorkers,
      billingMode: input.billingMode ?? DEFAULT_DRAIN_POLICY.billingMode,
      thresholdMinutes: input.thresholdMinutes ?? DEFAULT_DRAIN_POLICY.thresholdMinutes,
    },
    force: false,
    lastReason: null,
    history: [],
  }),
  // Observations are welcome in every state; states that decide on them override this.
  on: {
    observed: note('Observed'),
  },
  states: {
    offline: {
      on: {
        'start.requested': go('offline', 'booting', 'StartRequested'),
        // Started by someone else (an operator, the original tool): adopt it through the boot checks.
        // Offline knows neither fact, so one event can never complete the boot here.
        'instance.online': go('offline', 'booting', 'StartedOutside'),
        'opencast.registered': go('offline', 'booting', 'StartedOutside'),
        'instance.pending': go('offline', 'booting', 'StartedOutside'),
      },
    },
    booting: {
      on: {
        'instance.online': bootProgress('InstanceOnline'),
        'opencast.registered': bootProgress('Registered'),
        'start.failed': go('booting', 'startFailed', 'StartFailed'),
        'boot.timedOut': go('booting', 'startFailed', 'BootTimedOut'),
        // The original stopped pending workers first when scaling down.
        'stop.requested': stopGate('booting'),
        'instance.stopped': go('booting', 'offline', 'InstanceStopped'),
      },
    },
    startFailed: {
      on: {
        'start.requested': go('startFailed', 'booting', 'StartRequested'),
        'stop.requested': stopGate('startFailed'),
        'instance.stopped': go('startFailed', 'offline', 'InstanceStopped'),
      },
    },
    online: {
      on: {
        'drain.requested': [
          { guard: 'isProtected', ...refuse('online', 'Protected') },
          {
            guard: and([not('isForced'), not('canStopWithoutBreachingMinimum')]),
            ...refuse('online', 'MinimumReached'),
          },
          // Forcing skips the window and the minimum, but still drains: running jobs get until the drain deadline.
          { guard: 'isForced', ...go('online', 'maintenance', 'ForcedDrain') },
          { guard: 'hasReachedBillingWindow', ...go('online', 'maintenance', 'BillingWindowReached') },
          go('online', 'awaitingBillingWindow', 'BelowBillingWindow'),
        ],
        // Found in maintenance with no drain running (a crashed drain, the original tool): serve again.
        'drain.abandoned': go('online', 'returningToService', 'DrainAbandoned'),
        'instance.stopped': go('online', 'offline', 'InstanceStopped'),
      },
    },
    awaitingBillingWindow: {
      on: {
        observed: stillWanted('awaitingBillingWindow', 'online'),
        // Protection and the minimum were checked on entry and on every observation since; this event brings no such fact.
        'billing.windowReached': [
          // The event is checked, not trusted: a Wait computed from stale uptime must not stop early.
          { guard: 'hasReachedBillingWindow', ...go('awaitingBillingWindow', 'maintenance', 'BillingWindowReached') },
          refuse('awaitingBillingWindow', 'BelowBillingWindow'),
        ],
        'demand.returned': go('awaitingBillingWindow', 'online', 'DemandReturned'),
        // The drain may have died after switching maintenance on but before saving `maintenance`: switch it off.
        'drain.abandoned': go('awaitingBillingWindow', 'returningToService', 'DrainAbandoned'),
        'instance.stopped': go('awaitingBillingWindow', 'offline', 'InstanceStopped'),
      },
    },
    maintenance: {
      on: {
        observed: stillWanted('maintenance', 'returningToService'),
        'maintenance.on': go('maintenance', 'draining', 'MaintenanceOn'),
        'demand.returned': go('maintenance', 'returningToService', 'DemandReturned'),
        'drain.abandoned': go('maintenance', 'returningToService', 'DrainAbandoned'),
        'instance.stopped': go('maintenance', 'offline', 'InstanceStopped'),
      },
    },
    draining: {
      on: {
        observed: drainedCheck,
        // The fact itself says no job runs; protection and the minimum come only with observations.
        'jobs.drained': [...minimumCheck, go('draining', 'stopping', 'JobsDrained')],
        // Not busy here only when the one count taken since maintenance went on (with maintenance.on) was zero.
        'drain.timedOut': [
          // A forced drain stops a busy worker at its deadline, but never one whose jobs nobody can count.
          { guard: 'isJobCountUnknown', ...go('draining', 'returningToService', 'DrainTimedOut') },
          { guard: and(['isForced', 'isBusy']), ...go('draining', 'stopping', 'ForcedStop') },
          { guard: 'isBusy', ...go('draining', 'returningToService', 'DrainTimedOut') },
          go('draining', 'stopping', 'JobsDrained'),
        ],
        'demand.returned': go('draining', 'returningToService', 'DemandReturned'),
        'drain.abandoned': go('draining', 'returningToService', 'DrainAbandoned'),
        'instance.stopped': go('draining', 'offline', 'InstanceStopped'),
      },
    },
    returningToService: {
      on: {
        'maintenance.off': go('returningToService', 'online', 'MaintenanceOff'),
        'instance.stopped': go('returningToService', 'offline', 'InstanceStopped'),
      },
    },
    stopping: {
      on: {
        'stop.confirmed': go('stopping', 'offline', 'StopConfirmed'),
        'stop.failed': go('stopping', 'stopFailed', 'StopFailed'),
        // The stop call may or may not have been made: never hand the host back to Opencast from here.
        'drain.abandoned': go('stopping', 'stopFailed', 'StopUnconfirmed'),
      },
    },
    stopFailed: {
      on: {
        'stop.requested': stopGate('stopFailed'),
        'stop.confirmed': go('stopFailed', 'offline', 'StopConfirmed'),
        'demand.returned': go('stopFailed', 'returningToService', 'DemandReturned'),
        'drain.abandoned': go('stopFailed', 'returningToService', 'DrainAbandoned'),
      },
    },
  },
});

type WorkerLifecycleMachine = typeof workerLifecycleMachine;
