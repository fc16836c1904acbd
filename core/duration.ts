/**
 * Spans as people write them: `90s`, `30m`, `12h`, `7d`, or combined, `10h45m`,
 * `1d2h30m` (the form scenarios use for offsets). One grammar for flags and scenarios.
 */
import { ConfigError } from './errors';

export const SPAN = /^(?:\d+(?:\.\d+)?[smhd])+$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a span already known to match `SPAN`. */
export function spanMs(span: string): number {
  let ms = 0;
  for (const m of span.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** A flag's span in ms, between 1 s and 366 d. */
export function parseDuration(value: string, field: string): number {
  const text = value.trim();
  if (!SPAN.test(text)) throw new ConfigError(field, `must be a duration such as 90s, 30m, 12h, 7d or 10h45m (got "${value}")`);
  const ms = spanMs(text);
  if (ms <= 0 || ms > 366 * 86_400_000) throw new ConfigError(field, `must be between 1s and 366d (got "${value}")`);
  return ms;
}
