/**
 * An Amazon States Language definition as a {@link Diagram}: every state, and
 * every way out of it (Next, End, each Choice rule and the Default, each
 * Catch). A Map's item processor is drawn inside the Map. Retries re-run the
 * same state, so they are not edges.
 */
import { isObject } from '../../engine/definition';
import type { JsonObject, JsonValue } from '../../engine/types';
import type { Diagram, DiagramEdge, DiagramNode, NodeKind } from './graph';

const KINDS: Record<string, NodeKind> = {
  Task: 'task',
  Choice: 'choice',
  Wait: 'wait',
  Pass: 'pass',
  Map: 'map',
  Parallel: 'map',
  Succeed: 'succeed',
  Fail: 'fail',
};

const COMPARATORS: Array<[RegExp, string]> = [
  // Words, not signs: `<` and `>` are markup in Mermaid's and SVG's labels.
  [/GreaterThanEquals/, 'at least'],
  [/LessThanEquals/, 'at most'],
  [/GreaterThan/, 'above'],
  [/LessThan/, 'below'],
  [/Equals/, '='],
  [/Matches/, 'matches'],
];

/** `$.worker.state` → `worker.state`: the path reads the same without the root sign. */
function pathText(path: unknown): string {
  return String(path).replace(/^\$\.?/, '') || 'input';
}

/** A Choice rule in words: `worker.state = booting`, `plan.actions[0] is present`. */
function conditionText(rule: JsonObject): string {
  if (Array.isArray(rule.And)) return rule.And.map((r) => (isObject(r) ? conditionText(r) : '?')).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => (isObject(r) ? conditionText(r) : '?')).join(' or ');
  if (isObject(rule.Not)) return `not (${conditionText(rule.Not)})`;
  const variable = pathText(rule.Variable);
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next') continue;
    if (key === 'IsPresent') return `${variable} is ${value ? 'present' : 'absent'}`;
    if (key === 'IsNull') return `${variable} is ${value ? 'null' : 'not null'}`;
    if (key.startsWith('Is')) return `${variable} is ${value ? '' : 'not '}${key.slice(2).toLowerCase()}`;
    const op = COMPARATORS.find(([pattern]) => pattern.test(key))?.[1] ?? key;
    const operand = key.endsWith('Path') ? pathText(value) : String(value);
    return `${variable} ${op} ${operand}`;
  }
  return variable;
}

function kebab(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** What a state does, in a few words. */
function detailOf(state: JsonObject): string {
  const type = String(state.Type);
  if (type === 'Task') {
    const resource = String(state.Resource ?? '');
    const fn = /^\$\{(\w+)FunctionArn\}$/.exec(resource);
    if (fn) return `Task ${kebab(fn[1]!)}`;
    const params = isObject(state.Parameters) ? state.Parameters : {};
    const machine = /\$\{(\w+)StateMachineArn\}/.exec(String(params.StateMachineArn ?? ''));
    if (resource.endsWith(':states:startExecution')) return `Task start ${machine ? kebab(machine[1]!) : 'execution'}`;
    return `Task ${resource.split(':').pop() ?? resource}`;
  }
  if (type === 'Wait') {
    if (state.Seconds !== undefined) return `Wait ${String(state.Seconds)} s`;
    if (state.SecondsPath !== undefined) return `Wait ${pathText(state.SecondsPath)} s`;
    return `Wait until ${pathText(state.TimestampPath ?? state.Timestamp)}`;
  }
  if (type === 'Map') return state.MaxConcurrency ? `Map, ${String(state.MaxConcurrency)} at once` : 'Map';
  if (type === 'Fail') return state.Error ? `Fail ${String(state.Error)}` : 'Fail';
  return type;
}

export function aslDiagram(name: string, definition: JsonValue, title = name): Diagram {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];

  const addScope = (machine: JsonValue, scope: string | undefined) => {
    if (!isObject(machine) || !isObject(machine.States)) return;
    const id = (state: string) => (scope ? `${scope}/${state}` : state);
    const start = id('__start');
    const end = id('__end');
    const parent = scope ? { parent: scope } : {};
    nodes.push({ id: start, label: 'start', kind: 'initial', ...parent });
    edges.push({ from: start, to: id(String(machine.StartAt)), kind: 'next', trigger: '' });
    if (scope) edges.push({ from: scope, to: start, kind: 'enter', trigger: 'each item' });
    let ends = false;
    for (const [stateName, state] of Object.entries(machine.States)) {
      if (!isObject(state)) continue;
      const from = id(stateName);
      const type = String(state.Type);
      nodes.push({ id: from, label: stateName, kind: KINDS[type] ?? 'state', detail: detailOf(state), ...parent });
      if (typeof state.Next === 'string') edges.push({ from, to: id(state.Next), kind: 'next', trigger: '' });
      if (state.End === true || type === 'Succeed' || type === 'Fail') {
        edges.push({ from, to: end, kind: 'next', trigger: '' });
        ends = true;
      }
      if (Array.isArray(state.Choices)) {
        for (const rule of state.Choices) {
          if (isObject(rule) && typeof rule.Next === 'string') edges.push({ from, to: id(rule.Next), kind: 'choice', trigger: conditionText(rule) });
        }
      }
      if (typeof state.Default === 'string') edges.push({ from, to: id(state.Default), kind: 'default', trigger: 'otherwise' });
      if (Array.isArray(state.Catch)) {
        for (const catcher of state.Catch) {
          if (!isObject(catcher) || typeof catcher.Next !== 'string') continue;
          const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.map(String).join(', ') : 'States.ALL';
          edges.push({ from, to: id(catcher.Next), kind: 'catch', trigger: 'catch', outcome: errors });
        }
      }
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor !== undefined) addScope(processor, from);
    }
    if (ends) nodes.push({ id: end, label: 'end', kind: 'final', ...parent });
  };
  addScope(definition, undefined);
  return { name, title, nodes, edges };
}
