/**
 * Reading ASL definitions: load a file, fill `${Key}` placeholders, and walk
 * every state including those nested in Map and Parallel states.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { localSubstitution } from './arn';
import { WorkflowDefinitionError } from './errors';
import type { JsonObject, JsonValue } from './types';

type AslState = JsonObject & { Type: string };

export interface StateVisit {
  name: string;
  state: AslState;
  /** Where the state is, e.g. `States.Drain.ItemProcessor.States.Stop`. */
  path: string;
}

/** Workflow name of a definition file: `infra/workflows/drain-worker.asl.json` → `drain-worker`. */
export function workflowNameOf(file: string): string {
  return basename(file).replace(/\.asl\.json$/, '').replace(/\.json$/, '');
}

/** `<dir>/*.asl.json` by workflow name; empty when the folder does not exist. */
export function workflowFiles(dir: string): Record<string, string> {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return {};
  }
  return Object.fromEntries(files.filter((f) => f.endsWith('.asl.json')).sort().map((f) => [workflowNameOf(f), join(dir, f)]));
}

export function readDefinitionFile(file: string): JsonValue {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new WorkflowDefinitionError(workflowNameOf(file), `${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Every state, depth first, with nested Map/Parallel machines. */
export function walkStates(definition: JsonValue, visit: (v: StateVisit) => void, prefix = ''): void {
  if (!isObject(definition) || !isObject(definition.States)) return;
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isObject(state)) continue;
    const path = `${prefix}States.${name}`;
    visit({ name, state: state as AslState, path });
    for (const key of ['ItemProcessor', 'Iterator'] as const) {
      if (isObject(state[key])) walkStates(state[key], visit, `${path}.${key}.`);
    }
    if (Array.isArray(state.Branches)) {
      state.Branches.forEach((branch, i) => walkStates(branch, visit, `${path}.Branches[${i}].`));
    }
  }
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_:.-]+)\}/g;

/** Placeholder keys used anywhere in a definition's strings. */
export function placeholdersOf(value: JsonValue): string[] {
  const keys = new Set<string>();
  visitStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) keys.add(m[1]!);
  });
  return [...keys];
}

/**
 * Fill placeholders as CloudFormation's DefinitionSubstitutions would; keys not
 * in `values` get their local value by the convention in engine/arn.ts.
 * Throws on a key neither covers, so a definition never runs half-filled.
 */
export function substitute(workflow: string, value: JsonValue, values: Readonly<Record<string, string>> = {}): JsonValue {
  const missing = new Set<string>();
  const filled = mapStrings(value, (s) =>
    s.replace(PLACEHOLDER, (whole, key: string) => {
      const v = values[key] ?? localSubstitution(key);
      if (v === undefined) missing.add(key);
      return v ?? whole;
    }),
  );
  if (missing.size > 0) {
    throw new WorkflowDefinitionError(workflow, `no value for placeholder(s) ${[...missing].map((k) => '${' + k + '}').join(', ')}`);
  }
  return filled;
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function visitStrings(value: JsonValue, fn: (s: string) => void): void {
  if (typeof value === 'string') fn(value);
  else if (Array.isArray(value)) value.forEach((v) => visitStrings(v, fn));
  else if (isObject(value)) Object.values(value).forEach((v) => visitStrings(v, fn));
}

function mapStrings(value: JsonValue, fn: (s: string) => string): JsonValue {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
