/** Reads the autoscale config from `-c/--config` or the environment (AUTOSCALE_CONFIG, legacy AUTOSCALE_*). */
import { existsSync, readFileSync } from 'node:fs';
import { legacyAutoscaleConfig, parseAutoscaleConfig, parseJsonText, type AutoscaleConfig } from '../core/autoscale-config';
import { ConfigError } from '../core/errors';

/** `-c/--config` is a JSON string or a path to a JSON file. */
export function readAutoscaleConfig(value: string | undefined, env: Record<string, string | undefined>): AutoscaleConfig {
  const source = value ?? env.AUTOSCALE_CONFIG;
  const where = value !== undefined ? '--config' : 'AUTOSCALE_CONFIG';
  if (source === undefined || source.trim() === '') {
    const legacy = legacyAutoscaleConfig(env);
    if (legacy) return legacy;
    throw new ConfigError('--config', 'no autoscale config: pass -c/--config (JSON or a file), set AUTOSCALE_CONFIG, or AUTOSCALE_TYPE');
  }
  const trimmed = source.trim();
  if (trimmed.startsWith('{')) return parseAutoscaleConfig(parseJsonText(trimmed, where), where);
  if (!existsSync(trimmed)) throw new ConfigError(where, `no such file "${trimmed}" (and not a JSON object)`);
  return parseAutoscaleConfig(parseJsonText(readFileSync(trimmed, 'utf8'), `${where} file ${trimmed}`), `${where} file ${trimmed}`);
}

