/**
 * `--sim FILE --sim-keep`: a simulated cluster that lasts from one command to
 * the next. Its file holds the scenario's fingerprint, the virtual time the last
 * command ended at, and the journal of changes the wire made (sim/model/journal.ts);
 * the next command rebuilds the cluster from the scenario, replays the journal
 * and carries on at that time. Its workflow history is kept beside it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { documentError } from '../core/config-problems';
import { ConfigError } from '../core/errors';
import { parseJsonText } from '../core/json-text';
import { SimActionSchema, type SimAction } from '../sim/model/journal';
import type { Scenario } from '../sim/model/scenario';

const KeptSchema = z.strictObject({
  version: z.literal(1),
  /** sha256 of the validated scenario: a changed scenario starts afresh. */
  scenario: z.string().regex(/^[0-9a-f]{64}$/),
  /** Virtual time the last command ended at (ISO-8601). */
  at: z.iso.datetime(),
  actions: z.array(SimActionSchema).max(1_000_000),
});

/**
 * Each command carries on a virtual second after the last one ended. Execution names are stamped to the
 * second and never reused (core/execution-names.ts); a command refused at once (`scale up 3` with two
 * stopped workers) moves no virtual time, so without the step its retry would get the refused one's name.
 */
const NEXT_COMMAND_MS = 1000;

export interface KeptState {
  /** Where the cluster file and its executions live. */
  dir: string;
  file: string;
  fingerprint: string;
  /** When this command starts: a second after the last one ended. Absent the first time, or when the scenario changed (then `reset` says so). */
  at?: number;
  actions: SimAction[];
  reset?: string;
}

function scenarioFingerprint(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

/** Reads the kept cluster in `dir`; a missing file is a first run, a damaged one is refused (fail closed). */
export function loadKept(dir: string, scenario: Scenario): KeptState {
  const file = join(dir, 'cluster.json');
  const fingerprint = scenarioFingerprint(scenario);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { dir, file, fingerprint, actions: [] };
    throw new ConfigError('--sim-keep', `cannot read ${file} (${(error as { code?: string }).code ?? 'error'}); delete it to start the simulated cluster afresh`, { cause: error });
  }
  const damaged = (problem: string, cause: unknown) => new ConfigError('--sim-keep', `${problem}; delete the file to start the simulated cluster afresh`, { cause });
  let value: unknown;
  try {
    value = parseJsonText(text, file);
  } catch (error) {
    throw damaged((error as Error).message, error);
  }
  const parsed = KeptSchema.safeParse(value);
  if (!parsed.success) throw damaged(documentError(file, parsed.error.issues, KeptSchema).message, parsed.error);
  if (parsed.data.scenario !== fingerprint) {
    // Another scenario's cluster and history would not fit this one: start it afresh.
    rmSync(join(dir, 'executions'), { recursive: true, force: true });
    return { dir, file, fingerprint, actions: [], reset: 'the scenario changed since the kept cluster was saved' };
  }
  return { dir, file, fingerprint, at: Date.parse(parsed.data.at) + NEXT_COMMAND_MS, actions: parsed.data.actions };
}

/** Writes the cluster's journal and time atomically (a crash leaves the old file or the new one). */
export function saveKept(state: KeptState, at: number): void {
  mkdirSync(state.dir, { recursive: true });
  const record: z.input<typeof KeptSchema> = { version: 1, scenario: state.fingerprint, at: new Date(at).toISOString(), actions: state.actions };
  const tmp = `${state.file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, state.file);
}
