/** `-c/--config`: the autoscale config from a flag (JSON text or a file), AUTOSCALE_CONFIG or the legacy variables (AUTOSCALE_*). */
import { readFileSync } from 'node:fs';
import { legacyAutoscaleConfig, parseAutoscaleConfig, parseJsonText, type AutoscaleConfig } from '../core/autoscale-config';
import { unreadableText } from '../core/config-problems';
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
  let text: string;
  try {
    text = readFileSync(trimmed, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(where, `${code === 'ENOENT' ? `no such file "${trimmed}" (and not a JSON object)` : `file "${trimmed}": ${unreadableText(code)}`}`, { cause: error });
  }
  const document = `${where} file ${trimmed}`;
  return parseAutoscaleConfig(parseJsonText(text, document), document);
}

/**
 * The config of a command that can run against the simulator: as
 * `readAutoscaleConfig`, but a simulated cluster without one gets the shipped
 * default (config/autoscale.example.json), as `sim run` and `ui` do.
 */
export async function autoscaleConfigFor(value: string | undefined, env: Record<string, string | undefined>, simulated: boolean): Promise<AutoscaleConfig> {
  const given = value !== undefined || Boolean(env.AUTOSCALE_CONFIG?.trim()) || Boolean(env.AUTOSCALE_TYPE);
  if (!given && simulated) return (await import('../wiring/sim-run')).defaultConfig();
  return readAutoscaleConfig(value, env);
}
