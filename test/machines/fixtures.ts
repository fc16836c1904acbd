/** Shared helpers for the worker-lifecycle tests: times, event builders and a pure driver. */
import { initialTransition, transition } from 'xstate';
import {
  workerLifecycleMachine,
  type WorkerLifecycleEvent,
  type WorkerLifecycleInput,
} from '../../machines/worker-lifecycle';
import type { WorkerSnapshot } from '../../machines/persistence';

const T0 = Date.parse('2024-03-04T09:00:00Z');

/** ISO time `minutes` after T0. */
export function at(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

export const INPUT: WorkerLifecycleInput = { hostname: 'worker1.example', minWorkers: 1 };

export function start(input: WorkerLifecycleInput = INPUT): WorkerSnapshot {
  return initialTransition(workerLifecycleMachine, input)[0];
}

export function send(snapshot: WorkerSnapshot, ...events: WorkerLifecycleEvent[]): WorkerSnapshot {
  let s = snapshot;
  for (const event of events) s = transition(workerLifecycleMachine, s, event)[0];
  return s;
}

/**
 * An online, idle worker in a cluster of three, launched `uptimeMinutes` before T0.
 * Registration arrives before the instance is online, as it often does under OpsWorks.
 */
export function onlineWorker(
  opts: { uptimeMinutes?: number; onlineWorkers?: number; input?: WorkerLifecycleInput } = {},
): WorkerSnapshot {
  const { uptimeMinutes = 10, onlineWorkers = 3, input = INPUT } = opts;
  return send(
    start(input),
    { type: 'start.requested', at: at(-uptimeMinutes) },
    { type: 'opencast.registered', at: at(0), maintenance: false },
    { type: 'instance.online', at: at(0), uptimeSeconds: uptimeMinutes * 60 },
    { type: 'observed', at: at(0), runningJobs: 0, onlineWorkers },
  );
}

export const drainRequest = (
  minutes: number,
  extra: Partial<Extract<WorkerLifecycleEvent, { type: 'drain.requested' }>> = {},
): WorkerLifecycleEvent => ({
  type: 'drain.requested',
  at: at(minutes),
  force: false,
  billingMode: 'hourly',
  thresholdMinutes: 50,
  ...extra,
});

/** A worker in `draining` (maintenance confirmed on) with `runningJobs` still running. */
export function drainingWorker(runningJobs: number, opts: { force?: boolean; onlineWorkers?: number } = {}): WorkerSnapshot {
  return send(
    onlineWorker({ uptimeMinutes: 55, onlineWorkers: opts.onlineWorkers ?? 3 }),
    drainRequest(0, { force: opts.force ?? false }),
    { type: 'maintenance.on', at: at(1) },
    { type: 'observed', at: at(2), runningJobs },
  );
}
