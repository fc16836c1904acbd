import type { z } from 'zod';
import { ConfigError } from '../../core/errors';

/** Validates an activity's event, naming the bad field (workflow input is user input too). */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown, activity: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.map(String).join('.') : '(event)';
  throw new ConfigError(`${activity} input ${path}`, issue?.message ?? 'invalid');
}
