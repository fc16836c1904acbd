/**
 * Reading Opencast's Jettison JSON defensively (reference/opencast-api.md §2).
 * JAXB lists come out as `""` (empty), a bare object (one) or an array (two or
 * more); attribute-backed numbers and booleans are strings before 8.0; element
 * text that looks numeric becomes a number. Anything that does not fit the
 * documented shape is a ProtocolError naming the field, never a silent default.
 */
import { ProtocolError } from '../../core/errors';

/** `field` plus an optional `key`, joined only when a check fails: reading a healthy answer builds no path strings. */
function fail(field: string, expected: string, value: unknown, key?: string): never {
  const path = key === undefined ? field : `${field}.${key}`;
  throw new ProtocolError('opencast', `${path}: expected ${expected}, got ${describe(value)}`);
}

/** A short, safe description of an unexpected value (never the whole body). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = String(value);
  return `${typeof value} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
}

/**
 * Parse a response body as JSON. An HTML error page or a truncated body (a
 * proxy in front of Opencast, a dying node) becomes a ProtocolError.
 */
export function parseJsonBody(text: string, what: string): unknown {
  const start = text.trimStart().slice(0, 1);
  if (start === '<') {
    throw new ProtocolError('opencast', `${what}: expected JSON, got an HTML/XML page`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProtocolError('opencast', `${what}: body is not valid JSON (${text.length} bytes, truncated?)`, {
      cause: error,
    });
  }
}

export function asRecord(value: unknown, field: string, key?: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(field, 'an object', value, key);
  return value as Record<string, unknown>;
}

/** Jettison list normalisation: missing or `""` → [], bare object → [object], array as is. */
export function asList(value: unknown, field: string): unknown[] {
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return [value];
  return fail(field, 'a list (array, object or "")', value);
}

/**
 * The items of a JAXB wrapper list, e.g. `{"hosts":{"host":[…]}}` with
 * root `hosts` and item `host`. The root must be present: a body without it is
 * not this endpoint's answer.
 */
export function unwrapList(body: unknown, root: string, item: string): unknown[] {
  const top = asRecord(body, 'response');
  if (!(root in top)) fail(root, 'the root element', undefined);
  const wrapper = top[root];
  if (wrapper === '' || wrapper === null) return [];
  return asList(asRecord(wrapper, root)[item], `${root}.${item}`);
}

/** Text field; numbers and booleans are accepted because Jettison types numeric-looking element text. */
export function asText(value: unknown, field: string, key?: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return fail(field, 'text', value, key);
}

export function asOptionalText(value: unknown, field: string, key?: string): string | undefined {
  return value === undefined || value === null ? undefined : asText(value, field, key);
}

/** Number, or a numeric string (attribute-backed fields before 8.0). */
export function asNumber(value: unknown, field: string, key?: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return fail(field, 'a number', value, key);
}

export function asOptionalNumber(value: unknown, field: string, key?: string): number | undefined {
  return value === undefined || value === null ? undefined : asNumber(value, field, key);
}

/** Boolean, or `"true"`/`"false"` (attribute-backed fields before 8.0). */
export function asBoolean(value: unknown, field: string, key?: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return fail(field, 'a boolean', value, key);
}

/** A text/plain integer body such as `/services/count` or `/workflow/queuedJobCount`. */
export function parseIntegerBody(text: string, what: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) fail(what, 'a plain integer', trimmed);
  return Number(trimmed);
}
