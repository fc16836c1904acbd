/**
 * An XState machine as a {@link Diagram}, read from the machine object itself
 * (its state nodes and their transitions), never from a hand-kept list.
 * Targetless transitions (observations noted, requests refused) become
 * `internal` edges: the event is handled and the state stays.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { Diagram, DiagramEdge, DiagramNode } from './graph';

const INITIAL_ID = '__start';

interface ActionLike {
  type?: unknown;
  params?: unknown;
}

/** `and`, `or`, `not` for XState's guard combinators (functions carrying `check` and `guards`), else ''. */
function combinatorOf(guard: unknown): string {
  if (typeof guard !== 'function') return '';
  const g = guard as { name?: string; check?: { name?: string } };
  const kind = (g.check?.name ?? g.name ?? '').replace(/^check/, '').toLowerCase();
  return kind === 'and' || kind === 'or' || kind === 'not' ? kind : '';
}

/** A guard in words: named guards as named, `and`/`or`/`not` spelled out, nested and/or in parentheses. */
export function guardText(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[] };
    const kind = combinatorOf(guard);
    const inner = (g.guards ?? []).map((part) => {
      const text = guardText(part);
      return combinatorOf(part) === 'and' || combinatorOf(part) === 'or' ? `(${text})` : text;
    });
    if (kind === 'and' || kind === 'or') return inner.join(` ${kind} `);
    if (kind === 'not') return `not ${inner[0] ?? '?'}`;
    return g.name || 'guard';
  }
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

/** What the machine records for a transition: the reason code, and whether it is a refusal. */
function outcomeOf(actions: readonly unknown[]): string | undefined {
  for (const action of actions) {
    const a = action as ActionLike;
    const params = a.params as { code?: unknown } | undefined;
    if (typeof params?.code !== 'string') continue;
    return a.type === 'recordRefusal' ? `refused ${params.code}` : params.code;
  }
  return undefined;
}

function pathOf(node: AnyStateNode, root: AnyStateNode): string {
  return node.path.length === 0 ? root.key : node.path.join('.');
}

export function machineDiagram(machine: AnyStateMachine, name: string, title: string): Diagram {
  const root = machine.root;
  const nodes: DiagramNode[] = [{ id: INITIAL_ID, label: 'start', kind: 'initial' }];
  const edges: DiagramEdge[] = [];
  const rootEvents = [...root.transitions.entries()];

  const visit = (node: AnyStateNode, parent: string | undefined) => {
    const id = pathOf(node, root);
    nodes.push({ id, label: node.key, kind: 'state', ...(parent ? { parent } : {}) });
    const own = new Set(node.transitions.keys());
    // Events handled at the root apply in every state that does not handle them itself.
    const handled = [...node.transitions.entries(), ...rootEvents.filter(([event]) => !own.has(event))];
    for (const [event, transitions] of handled) {
      for (const t of transitions) {
        const targets = t.target ?? [];
        const outcome = outcomeOf(t.actions);
        const base = {
          trigger: event,
          ...(t.guard !== undefined ? { guard: guardText(t.guard) } : {}),
          ...(outcome !== undefined ? { outcome } : {}),
        };
        if (targets.length === 0) edges.push({ from: id, to: id, kind: 'internal', ...base });
        for (const target of targets) edges.push({ from: id, to: pathOf(target, root), kind: 'event', ...base });
      }
    }
    for (const child of Object.values(node.states)) visit(child, id);
  };
  for (const child of Object.values(root.states)) visit(child, undefined);

  for (const target of root.initial?.target ?? []) {
    edges.unshift({ from: INITIAL_ID, to: pathOf(target, root), kind: 'next', trigger: '' });
  }
  return { name, title, nodes, edges };
}
