/**
 * The worst-case history of a Standard execution, computed from its ASL: the
 * events each state writes per visit (with every retry its Retry rules allow),
 * every state visited once, plus each polling loop (a cycle through a Wait
 * state) run as often as its time budget allows at its fastest poll.
 *
 * Events per visit, from the history event types of a Standard execution
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 * a Task writes TaskStateEntered, {Lambda,Task}Scheduled, ...Started,
 * ...Succeeded, TaskStateExited (5), and each failed attempt another
 * Scheduled, Started, Failed/TimedOut (3); a Wait, Choice, Pass or Succeed
 * writes Entered and Exited (2); a Fail writes FailStateEntered (1); a Map
 * writes MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited
 * (4) and per item MapIterationStarted, MapIterationSucceeded (2) plus its
 * states; the execution ExecutionStarted and its end (2).
 */
import { isObject } from '../../engine/definition';
import type { JsonObject, JsonValue } from '../../engine/types';

const EXECUTION_EVENTS = 2;

/** How often a polling loop can go round at most, given its Wait state. */
export type LoopBudget =
  | { seconds: number }
  | { seconds: number; schedule: (elapsedSeconds: number) => number };

export interface HistoryBound {
  total: number;
  /** Per Wait state: iterations and events per iteration. */
  loops: Record<string, { iterations: number; perIteration: number }>;
  once: number;
}

type States = Record<string, JsonObject>;

function statesOf(definition: JsonValue): States {
  if (!isObject(definition) || !isObject(definition.States)) throw new Error('not a state machine definition');
  return definition.States as States;
}

/** Most failed attempts one visit can make: every Retry rule's MaxAttempts (errors may alternate between rules). */
function retriesOf(state: JsonObject): number {
  const rules = Array.isArray(state.Retry) ? state.Retry : [];
  return rules.reduce<number>((n, r) => n + (isObject(r) && typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3), 0);
}

/** Events of one visit of a state, every retry used; a Map at `mapItems` items. */
function visitEvents(state: JsonObject, mapItems: number): number {
  switch (state.Type) {
    case 'Task':
      return 5 + 3 * retriesOf(state);
    case 'Fail':
      return 1;
    case 'Map': {
      const processor = (isObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator) as JsonObject;
      return 4 + mapItems * (2 + longestPath(processor, mapItems));
    }
    default:
      return 2;
  }
}

function nextsOf(state: JsonObject): string[] {
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  for (const c of Array.isArray(state.Choices) ? state.Choices : []) if (isObject(c) && typeof c.Next === 'string') out.push(c.Next);
  for (const c of Array.isArray(state.Catch) ? state.Catch : []) if (isObject(c) && typeof c.Next === 'string') out.push(c.Next);
  return out;
}

/** The most events any path through an acyclic (sub-)machine writes. */
function longestPath(machine: JsonObject, mapItems: number): number {
  const states = statesOf(machine);
  const memo = new Map<string, number>();
  const walk = (name: string, seen: ReadonlySet<string>): number => {
    if (seen.has(name)) throw new Error(`a loop through ${name} inside a Map item: give it a budget`);
    const known = memo.get(name);
    if (known !== undefined) return known;
    const state = states[name]!;
    const after = Math.max(0, ...nextsOf(state).map((n) => walk(n, new Set([...seen, name]))));
    const events = visitEvents(state, mapItems) + after;
    memo.set(name, events);
    return events;
  };
  return walk(String(machine.StartAt), new Set());
}

/** The most events of one round of the loop through `wait`: the heaviest cycle from it back to it. */
function heaviestCycle(states: States, wait: string, mapItems: number): number {
  let best = 0;
  const walk = (name: string, events: number, seen: ReadonlySet<string>): void => {
    if (name === wait) {
      best = Math.max(best, events);
      return;
    }
    if (seen.has(name)) return;
    const state = states[name]!;
    for (const next of nextsOf(state)) walk(next, events + visitEvents(state, mapItems), new Set([...seen, name]));
  };
  for (const next of nextsOf(states[wait]!)) walk(next, visitEvents(states[wait]!, mapItems), new Set([wait]));
  return best;
}

/** Rounds a loop can make within its budget at its fastest poll, plus the round that sees the deadline. */
function iterationsOf(budget: LoopBudget, wait: JsonObject): number {
  const schedule = 'schedule' in budget ? budget.schedule : () => Number(wait.Seconds);
  let t = 0;
  let n = 0;
  while (t < budget.seconds) {
    const step = schedule(t);
    if (!(step >= 1)) throw new Error(`a poll of ${step} s cannot be bounded`);
    t += step;
    n += 1;
  }
  return n + 1;
}

/**
 * The bound for one workflow. Every Wait state on a loop must have a budget
 * (a new polling loop must be proven too); a Map runs `mapItems` items.
 */
export function historyBound(definition: JsonValue, budgets: Readonly<Record<string, LoopBudget>>, mapItems = 0): HistoryBound {
  const states = statesOf(definition);
  const once = Object.values(states).reduce((n, s) => n + visitEvents(s, mapItems), EXECUTION_EVENTS);
  const loops: HistoryBound['loops'] = {};
  let total = once;
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== 'Wait') continue;
    const perIteration = heaviestCycle(states, name, mapItems);
    if (perIteration === 0) continue;
    const budget = budgets[name];
    if (!budget) throw new Error(`Wait state ${name} is on a loop and has no time budget`);
    const iterations = iterationsOf(budget, state);
    loops[name] = { iterations, perIteration };
    total += iterations * perIteration;
  }
  return { total, loops, once };
}
