import type { z } from 'zod';
import { ConfigError } from '../../core/errors';

/** Validates an activity's event, naming the bad field (workflow input is user input too). */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown, activity: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // An unknown key is named itself (a misspelt `dryrun` is the field to fix), not the object holding it.
  const parts = [...(issue?.path ?? []), ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])];
  const path = parts.length ? parts.map(String).join('.') : '(event)';
  throw new ConfigError(`${activity} input ${path}`, issue?.message ?? 'invalid');
}
