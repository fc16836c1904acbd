/**
 * Model-based tests: the paths come from the machine itself (xstate/graph),
 * driven by a finite set of sample events, and every reachable transition is
 * checked against the lifecycle's safety rules.
 */
import { describe, expect, it } from 'vitest';
import { adjacencyMapToArray, createTestModel, getSimplePaths } from 'xstate/graph';
import {
  canStopWithoutBreachingMinimum,
  hasReachedBillingWindow,
  isBusy,
} from '../../core/lifecycle-rules';
import { createPersistedWorker, fromPersisted, stepWorker } from '../../machines/persistence';
import type { WorkerSnapshot } from '../../machines/persistence';
import {
  WORKER_STATES,
  workerLifecycleMachine,
  type WorkerLifecycleEvent,
  type WorkerState,
} from '../../machines/worker-lifecycle';
import { at, INPUT, onlineWorker } from './fixtures';

const AT = at(0);

/** One or more samples of every event, chosen so that every guard can go both ways. */
const SAMPLE_EVENTS: WorkerLifecycleEvent[] = [
  { type: 'start.requested', at: AT },
  { type: 'instance.pending', at: AT },
  { type: 'instance.online', at: AT, uptimeSeconds: 600 },
  { type: 'opencast.registered', at: AT, maintenance: false },
  { type: 'opencast.registered', at: AT, maintenance: true },
  { type: 'start.failed', at: AT, error: 'InsufficientInstanceCapacity' },
  { type: 'boot.timedOut', at: AT },
  { type: 'observed', at: AT, runningJobs: 2 },
  { type: 'observed', at: AT, runningJobs: 0 },
  { type: 'observed', at: AT, runningJobs: null },
  { type: 'observed', at: AT, onlineWorkers: 3 },
  { type: 'observed', at: AT, onlineWorkers: 1 },
  { type: 'observed', at: AT, protected: true },
  { type: 'observed', at: AT, protected: false },
  { type: 'drain.requested', at: AT, force: false, billingMode: 'hourly', thresholdMinutes: 50 },
  { type: 'drain.requested', at: AT, force: true, billingMode: 'hourly', thresholdMinutes: 50 },
  { type: 'drain.requested', at: AT, force: false, billingMode: 'per-second', thresholdMinutes: 50 },
  { type: 'billing.windowReached', at: AT, uptimeSeconds: 3000 },
  { type: 'billing.windowReached', at: AT, uptimeSeconds: 600 },
  { type: 'maintenance.on', at: AT },
  { type: 'maintenance.on', at: AT, runningJobs: 0 },
  { type: 'jobs.drained', at: AT },
  { type: 'drain.timedOut', at: AT },
  { type: 'demand.returned', at: AT },
  { type: 'drain.abandoned', at: AT },
  { type: 'maintenance.off', at: AT },
  { type: 'stop.requested', at: AT, force: false },
  { type: 'stop.requested', at: AT, force: true },
  { type: 'stop.confirmed', at: AT },
  { type: 'stop.failed', at: AT, error: 'IncorrectState' },
  { type: 'instance.stopped', at: AT, status: 'stopped' },
];

/** A model state is the state plus what the guards read; reasons and history would make every path unique. */
function serializeState(snapshot: WorkerSnapshot): string {
  const { facts, policy, force } = snapshot.context;
  return JSON.stringify({ value: snapshot.value, facts, policy, force });
}

const TRAVERSAL = { events: SAMPLE_EVENTS, serializeState, input: INPUT };

interface Edge {
  from: WorkerSnapshot;
  event: WorkerLifecycleEvent;
  to: WorkerSnapshot;
}

const MODEL = createTestModel(workerLifecycleMachine, TRAVERSAL);

/** Every accepted event from every reachable model state. */
const EDGES: Edge[] = adjacencyMapToArray(MODEL.getAdjacencyMap())
  .filter(({ state, event }) => state.can(event))
  .map(({ state, event, nextState }) => ({ from: state, event, to: nextState }));

/** Shortest paths to every model state; a path that is the prefix of a longer one is left out. */
const SHORTEST_PATHS = MODEL.getShortestPaths();
const stateOf = (s: WorkerSnapshot) => s.value as WorkerState;
const entering = (target: WorkerState) => EDGES.filter((e) => stateOf(e.to) === target && stateOf(e.from) !== target);

describe('worker lifecycle model', () => {
  it('reaches every state', () => {
    const reached = new Set(SHORTEST_PATHS.flatMap((p) => p.steps.map((step) => stateOf(step.state))));
    expect([...reached].sort()).toEqual([...WORKER_STATES].sort());
  });

  it('takes every transition of the machine with the sample events (the model covers the config)', () => {
    const declared = new Set<string>();
    for (const [name, node] of Object.entries(workerLifecycleMachine.root.states)) {
      for (const [eventType, definitions] of node.transitions) {
        for (const definition of definitions) {
          const params = (definition.actions[0] as { params?: { code?: string } } | undefined)?.params;
          declared.add(`${name} ${eventType} ${params?.code}`);
        }
      }
    }
    const taken = new Set(EDGES.map((e) => `${stateOf(e.from)} ${e.event.type} ${e.to.context.lastReason?.code}`));
    const missing = [...declared].filter((key) => !taken.has(key));
    expect(missing).toEqual([]);
  });

  it('never enters stopping with a running job unless forced, and then the reason says so', () => {
    const into = entering('stopping');
    expect(into.length).toBeGreaterThan(0);
    for (const { to } of into) {
      const { facts, force, lastReason } = to.context;
      if (isBusy(facts)) {
        expect(force).toBe(true);
        expect(lastReason?.code).toBe('ForcedStop');
        expect(lastReason?.message).toBe(
          `forced stop with ${facts.runningJobs ?? 'an unknown number of'} running jobs`,
        );
      } else {
        expect(facts.registered === false || facts.runningJobs === 0).toBe(true);
      }
    }
    // The forced case is in the model, so the assertion above is not vacuous.
    expect(into.some(({ to }) => isBusy(to.context.facts))).toBe(true);
  });

  it('never enters stopping below the minimum unless forced', () => {
    for (const { to } of entering('stopping')) {
      const { facts, policy, force } = to.context;
      expect(force || canStopWithoutBreachingMinimum(facts, policy)).toBe(true);
    }
  });

  it('never drains or stops a protected worker', () => {
    for (const target of ['awaitingBillingWindow', 'maintenance', 'draining', 'stopping'] as const) {
      for (const { to } of entering(target)) expect(to.context.facts.protected).toBe(false);
    }
    // Protection arriving mid-drain ends the drain in the same step.
    for (const { to } of EDGES) {
      if (['awaitingBillingWindow', 'maintenance', 'draining'].includes(stateOf(to))) {
        expect(to.context.facts.protected).toBe(false);
      }
    }
  });

  it('switches maintenance on only inside the billing window, unless forced', () => {
    for (const { event, to } of entering('maintenance')) {
      const { facts, policy, force } = to.context;
      expect(force || hasReachedBillingWindow(facts, policy, event.at)).toBe(true);
    }
  });

  it('records each state change with from, to, event and reason', () => {
    for (const { from, event, to } of EDGES) {
      if (stateOf(from) === stateOf(to)) continue;
      expect(to.context.history.at(-1)).toMatchObject({
        from: stateOf(from),
        to: stateOf(to),
        event: event.type,
        code: to.context.lastReason?.code,
        at: event.at,
      });
    }
  });

  it('has a way back to service, without stopping, from every state where maintenance may be on', () => {
    for (const state of ['awaitingBillingWindow', 'maintenance', 'draining', 'stopFailed', 'online'] as const) {
      const recovers = EDGES.some(
        ({ from, event, to }) =>
          stateOf(from) === state && event.type === 'drain.abandoned' && stateOf(to) === 'returningToService',
      );
      expect(recovers, state).toBe(true);
    }
  });

  describe('simple paths of a drain', () => {
    const DRAIN_EVENTS: WorkerLifecycleEvent[] = [
      { type: 'drain.requested', at: AT, force: false, billingMode: 'hourly', thresholdMinutes: 50 },
      { type: 'drain.requested', at: AT, force: true, billingMode: 'hourly', thresholdMinutes: 50 },
      { type: 'observed', at: AT, runningJobs: 2 },
      { type: 'observed', at: AT, runningJobs: null },
      { type: 'billing.windowReached', at: AT, uptimeSeconds: 3000 },
      { type: 'maintenance.on', at: AT },
      { type: 'jobs.drained', at: AT },
      { type: 'drain.timedOut', at: AT },
      { type: 'demand.returned', at: AT },
    ];
    const paths = getSimplePaths(workerLifecycleMachine, {
      events: DRAIN_EVENTS,
      serializeState,
      fromState: onlineWorker({ uptimeMinutes: 10 }),
      toState: (s) => s.value === 'stopping',
    });

    it('find stopping both by draining and by forcing', () => {
      const codes = new Set(paths.map((p) => p.state.context.lastReason?.code));
      expect(codes).toEqual(new Set(['JobsDrained', 'ForcedStop']));
    });

    it('on no path step into stopping while jobs run without force', () => {
      for (const path of paths) {
        let previous: WorkerState = 'online';
        for (const step of path.steps) {
          const { facts, force } = step.state.context;
          if (step.state.value === 'stopping' && previous !== 'stopping') {
            expect(!isBusy(facts) || force, JSON.stringify(path.steps.map((s) => s.event.type))).toBe(true);
          }
          previous = stateOf(step.state);
        }
      }
    });
  });

  it('agrees with stepWorker over a JSON store on every shortest path', async () => {
    // The model is the machine; the system under test is what activities run: load, validate, step, save.
    expect(SHORTEST_PATHS.length).toBeGreaterThan(WORKER_STATES.length);
    for (const path of SHORTEST_PATHS) {
      let stored: unknown = JSON.parse(JSON.stringify(createPersistedWorker(INPUT)));
      const apply = ({ event }: { event: WorkerLifecycleEvent }) => {
        stored = JSON.parse(JSON.stringify(stepWorker(stored, event).persisted));
      };
      // The graph keeps one snapshot per model state, reached by whichever path came first:
      // compare what the model state is made of, not the history that led there.
      const check = (expected: WorkerSnapshot) => {
        expect(serializeState(fromPersisted(stored))).toBe(serializeState(expected));
      };
      await path.test({
        events: Object.fromEntries(SAMPLE_EVENTS.map((e) => [e.type, apply])),
        states: Object.fromEntries(WORKER_STATES.map((s) => [s, check])),
      });
    }
  });
});
