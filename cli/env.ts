/** The environment a command sees: the process's, then a `.env` file in the working directory. */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';

/** Reads `.env` from the working directory; variables already set win, as in the original. */
export function loadEnv(env: Record<string, string | undefined>, cwd = process.cwd()): Record<string, string | undefined> {
  const path = env.MOSCALER_ENV_FILE ?? `${cwd}/.env`;
  if (!existsSync(path)) return { ...env };
  return { ...parseDotenv(readFileSync(path)), ...env };
}
