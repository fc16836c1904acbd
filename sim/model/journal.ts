/**
 * A simulated cluster as data: the model is deterministic (seeded ids and
 * workload, events in time order, see clock.ts), so its state at any virtual
 * time is a function of the scenario and of the changes the wire made to it,
 * in order, each at its virtual time. Recording those few changes (starts,
 * stops, maintenance) and replaying them on a freshly built model gives back
 * exactly the cluster a previous command left, without serialising the model's
 * internals (its event queue holds closures).
 */
import { z } from 'zod';
import type { ManualClock, VirtualClock } from './clock';
import type { SimCluster } from './cluster';

export const SimActionSchema = z.discriminatedUnion('op', [
  z.strictObject({ at: z.number().int().nonnegative(), op: z.enum(['startInstance', 'stopInstance', 'startEc2Instance', 'stopEc2Instance']), id: z.string().min(1).max(256) }),
  z.strictObject({ at: z.number().int().nonnegative(), op: z.literal('setMaintenance'), id: z.string().min(1).max(2048), on: z.boolean() }),
]);
export type SimAction = z.infer<typeof SimActionSchema>;

type InstanceOp = Exclude<SimAction['op'], 'setMaintenance'>;
const INSTANCE_OPS: readonly InstanceOp[] = ['startInstance', 'stopInstance', 'startEc2Instance', 'stopEc2Instance'];

/** A clock whose source can change: the model is replayed on a manual clock, then follows the command's. */
export class HandOverClock implements VirtualClock {
  constructor(public source: VirtualClock) {}

  now(): number {
    return this.source.now();
  }
}

/**
 * Appends every change the wire makes to `cluster` to `journal`, with the
 * virtual time it was made at (recorded before the call: a refused change is
 * replayed and refused again, a partial one, such as a start that fails for
 * lack of capacity, counted again).
 */
export function recordActions(cluster: SimCluster, journal: SimAction[]): void {
  for (const op of INSTANCE_OPS) {
    const original = cluster[op].bind(cluster);
    cluster[op] = (id: string) => {
      journal.push({ at: cluster.now(), op, id });
      original(id);
    };
  }
  const setMaintenance = cluster.setMaintenance.bind(cluster);
  cluster.setMaintenance = (baseUrl: string, on: boolean) => {
    journal.push({ at: cluster.now(), op: 'setMaintenance', id: baseUrl, on });
    return setMaintenance(baseUrl, on);
  };
}

/**
 * Replays `actions` on a cluster just built on `clock` (at the scenario's start),
 * then runs it up to `until`. Errors the model answered the first time are
 * answered again and ignored, as the first time's caller saw them.
 */
export function replayActions(cluster: SimCluster, clock: ManualClock, actions: readonly SimAction[], until: number): void {
  for (const action of actions) {
    clock.set(Math.max(clock.now(), action.at));
    try {
      if (action.op === 'setMaintenance') cluster.setMaintenance(action.id, action.on);
      else cluster[action.op](action.id);
    } catch {
      // The model refused it then too (e.g. starting an instance that was not stopped).
    }
  }
  clock.set(Math.max(clock.now(), until));
  cluster.sync();
}

