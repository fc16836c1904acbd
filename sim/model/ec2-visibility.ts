/**
 * EC2's DescribeInstances is eventually consistent ("the result of an API command you run that affects your
 * Amazon EC2 resources might not be immediately visible to all subsequent commands you run",
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): pending becomes running, and
 * stopping becomes stopped, for a read only some seconds after it happened.
 *
 * The model sets `ec2State` in place from many steps; `watchEc2State` turns that property into one that
 * remembers when each change happened (virtual time), so a read can show the state as the lag lets it see.
 * The model itself always reads the true state.
 */
import { defaultConsistency, FAULT_STRETCH_MS, lagOf } from './consistency';
import type { Ec2State, SimClusterState, SimInstance } from './types';

interface Ec2Change {
  from: Ec2State;
  to: Ec2State;
  /** Virtual epoch ms. */
  at: number;
}

/** Changes kept per instance: far more than can happen within any lag. */
const KEPT = 8;

const changesOf = new WeakMap<SimInstance, Ec2Change[]>();

/** From now on, every change of `inst.ec2State` is remembered with the time `now()` gives. */
export function watchEc2State(inst: SimInstance, now: () => number): void {
  let current = inst.ec2State;
  const changes: Ec2Change[] = [];
  changesOf.set(inst, changes);
  Object.defineProperty(inst, 'ec2State', {
    enumerable: true,
    configurable: true,
    get: () => current,
    set: (to: Ec2State) => {
      if (to === current) return;
      changes.push({ from: current, to, at: now() });
      if (changes.length > KEPT) changes.shift();
      current = to;
    },
  });
}

/**
 * The state a read at `now` shows: the newest change whose own lag has passed; while none has, the state
 * before the oldest change remembered. An instance nobody watches shows its true state.
 */
function visibleEc2State(inst: SimInstance, now: number, lagOf: (change: Ec2Change) => number): Ec2State {
  const changes = changesOf.get(inst);
  if (!changes || changes.length === 0) return inst.ec2State;
  for (let n = changes.length - 1; n >= 0; n--) {
    const change = changes[n]!;
    if (now >= change.at + lagOf(change)) return change.to;
  }
  return changes[0]!.from;
}

/**
 * The state each instance shows to a DescribeInstances made now in `state`'s world: each change after its own
 * seeded lag (`consistency.ec2`), 5 s more while a `list-lag` fault targeted `ec2` (or untargeted) lasts.
 */
export function describedEc2State(state: Pick<SimClusterState, 'consistency' | 'faultActive' | 'now'>): (i: SimInstance) => Ec2State {
  const consistency = state.consistency ?? defaultConsistency();
  const now = state.now();
  const stretch = state.faultActive('list-lag', 'ec2') ? FAULT_STRETCH_MS : 0;
  return (i) => visibleEc2State(i, now, (change) => lagOf(consistency, consistency.ec2, `${i.opsworksId}@${change.at}:${change.to}`) + stretch);
}
