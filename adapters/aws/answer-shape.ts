/**
 * The SDK deserialises AWS answers without checking their types: a proxy's
 * HTML page, a truncated body or a field of the wrong type comes back as a
 * missing list, a number where a string belongs, or an object where a list
 * belongs, and would surface later as a TypeError or a nonsense state. These
 * read the fields the adapters use and turn anything off-shape into a
 * ProtocolError naming the operation and the field.
 */
import { ProtocolError } from '../../core/errors';
import type { AwsSystem } from './errors';

/** Longer than any id, name, DNS name or status AWS returns. */
const MAX_TEXT = 1024;

/**
 * Field paths are composed only when a check fails: `field` plus an optional
 * `key` (`Instances[3]` + `Status` → `Instances[3].Status`), so reading a
 * healthy answer builds no strings.
 */
export class AnswerReader {
  constructor(
    private readonly system: AwsSystem,
    private readonly operation: string,
  ) {}

  fail(field: string, expected: string, value: unknown, key?: string): never {
    throw new ProtocolError(this.system, `${this.operation}: ${pathOf(field, key)}: expected ${expected}, got ${describe(value)}`);
  }

  /** A list the answer must have (AWS sends an empty one rather than none). */
  list(value: unknown, field: string, key?: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'a list', value, key);
    return value;
  }

  optionalList(value: unknown, field: string, key?: string): unknown[] {
    return value === undefined || value === null ? [] : this.list(value, field, key);
  }

  record(value: unknown, field: string, key?: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(field, 'an object', value, key);
    return value as Record<string, unknown>;
  }

  text(value: unknown, field: string, key?: string): string {
    if (typeof value !== 'string' || value.length > MAX_TEXT) this.fail(field, `text of at most ${MAX_TEXT} characters`, value, key);
    return value;
  }

  optionalText(value: unknown, field: string, key?: string): string | undefined {
    return value === undefined || value === null ? undefined : this.text(value, field, key);
  }

  optionalDate(value: unknown, field: string, key?: string): Date | undefined {
    if (value === undefined || value === null) return undefined;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) this.fail(field, 'a time', value, key);
    return value;
  }

  optionalNumber(value: unknown, field: string, key?: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, 'a finite number', value, key);
    return value;
  }
}

/** `field.key`, `field[3]` for a numeric key written `[3]`, or `field` alone. */
function pathOf(field: string, key?: string): string {
  if (key === undefined) return field;
  return key.startsWith('[') ? `${field}${key}` : `${field}.${key}`;
}

/** A short, safe description of an unexpected value (never the whole of it). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'an invalid time';
  if (typeof value === 'object') return 'an object';
  const text = String(value);
  return `${typeof value} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
}
