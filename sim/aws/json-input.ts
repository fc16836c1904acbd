/** Reads awsJson request members, refusing wrong types as the services do. */
import { SimAwsError } from '../model/types';

export type JsonObject = Record<string, unknown>;

export function parseJsonBody(body: string): JsonObject {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SimAwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimAwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as JsonObject;
}

export function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(member, 'string');
  return value;
}

export function requiredString(input: JsonObject, member: string, validationCode = 'ValidationException'): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    const name = member.charAt(0).toLowerCase() + member.slice(1);
    throw new SimAwsError(
      validationCode,
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalStringList(input: JsonObject, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(member, 'list of strings');
  return value as string[];
}

export function optionalNumber(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw serialization(member, 'number');
  return value;
}

/** awsJson timestamps are epoch seconds (fractions allowed); some clients send ISO strings. */
export function optionalTimestamp(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw serialization(member, 'timestamp');
}

function serialization(member: string, expected: string): SimAwsError {
  return new SimAwsError('SerializationException', `${member}: expected ${expected}`);
}
