/**
 * Where the stack's config comes from, in order: `-c config=FILE`, else
 * `infra/config.json`, else `infra/config.example.json` (so `npm run synth`
 * works on a fresh clone; a warning says so). Single keys given with `-c key=value`
 * override the file. `autoscaleFile` names the autoscale JSON (the CLI's
 * `-c/--config` file) instead of writing it inline under `autoscale`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseJsonText } from '../core/autoscale-config';
import { ConfigError } from '../core/errors';
import { parseStackConfig, type StackConfig } from './props';

/** Context keys that may override the file; `-c` values arrive as strings. */
const STRING_KEYS = ['cluster', 'region', 'account', 'provider', 'opsworksStackId', 'opencastUrl', 'opencastSecretArn', 'opencastUser', 'billing', 'alarmTopicArn', 'resourcePrefix', 'autoscaleFile', 'vpcId', 'opencastCaFile'];
const NUMBER_KEYS = ['minWorkers', 'idleUptimeThreshold', 'logRetentionDays'];
/** Lists given with `-c key=a,b` (comma-separated; empty for none). */
const LIST_KEYS = ['ebsKmsKeyArns'];

export interface LoadedConfig {
  config: StackConfig;
  /** The file the config came from. */
  source: string;
  /** True when no config was given and the example was used. */
  isExample: boolean;
}

export function loadConfig(context: (key: string) => unknown, root: string): LoadedConfig {
  const given = context('config');
  const own = resolve(root, 'infra/config.json');
  const file = typeof given === 'string' ? resolve(root, given) : existsSync(own) ? own : resolve(root, 'infra/config.example.json');
  if (!existsSync(file)) throw new ConfigError('config', `no such file: ${file}`);
  const raw = parseJsonText(readFileSync(file, 'utf8'), file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, 'must be a JSON object');
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };

  for (const key of STRING_KEYS) {
    const v = context(key);
    // `-c key=` (empty) removes a key the file sets, e.g. opsworksStackId when switching to provider ec2.
    if (v === '') delete merged[key];
    else if (typeof v === 'string') merged[key] = v;
  }
  for (const key of LIST_KEYS) {
    const v = context(key);
    if (typeof v === 'string') merged[key] = v.split(',').map((s) => s.trim()).filter(Boolean);
  }
  for (const key of NUMBER_KEYS) {
    const v = context(key);
    if (v === undefined) continue;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new ConfigError(`-c ${key}`, `must be a number (got "${String(v)}")`);
    merged[key] = n;
  }

  if (typeof merged.autoscaleFile === 'string') {
    if (merged.autoscale !== undefined) throw new ConfigError(`${relative(root, file)}.autoscaleFile`, 'give autoscale or autoscaleFile, not both');
    const path = isAbsolute(merged.autoscaleFile) ? merged.autoscaleFile : resolve(root, merged.autoscaleFile);
    if (!existsSync(path)) throw new ConfigError(`${relative(root, file)}.autoscaleFile`, `no such file: ${path}`);
    merged.autoscale = parseJsonText(readFileSync(path, 'utf8'), path);
  }
  delete merged.autoscaleFile;
  // Relative to the repository root, as autoscaleFile.
  if (typeof merged.opencastCaFile === 'string' && !isAbsolute(merged.opencastCaFile)) merged.opencastCaFile = resolve(root, merged.opencastCaFile);

  return { config: parseStackConfig(merged, relative(root, file)), source: file, isExample: file.endsWith('config.example.json') };
}
