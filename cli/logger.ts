/**
 * Structured logs (pino), always on stderr so that stdout carries only the
 * command's result: readable lines for people, or JSON lines with
 * `--output json` (a program reading JSON results reads JSON logs too). The
 * format follows `--output`, not whether stderr is a terminal, so a command
 * prints the same thing under cron as in a shell. Loggly always gets JSON.
 * Secrets are redacted by path as a second line of defence; the code never logs
 * them in the first place.
 */
import pino, { type Logger } from 'pino';
import type { CliIo } from './io';

const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'logglyToken',
  '*.logglyToken',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
];

export interface LoggerOptions {
  debug: boolean;
  jsonOutput: boolean;
  /** Extra destination (e.g. Loggly shipping). */
  extra?: { write(chunk: string): unknown };
  /** The clock events are stamped with: virtual time in simulated runs. */
  now?: () => Date;
}

export function createLogger(io: CliIo, options: LoggerOptions): Logger {
  const level = options.debug ? 'debug' : 'info';
  const streams: pino.StreamEntry[] = [{ level, stream: options.jsonOutput ? io.stderr : readableLines(io.stderr) }];
  if (options.extra) streams.push({ level, stream: options.extra });
  return pino(
    {
      level,
      base: { app: 'mo-scaler' },
      redact: { paths: REDACT_PATHS, censor: '***' },
      timestamp: options.now ? () => `,"time":"${options.now!().toISOString()}"` : pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** Fields every line has, or that the line's text already says. */
const SILENT = new Set(['level', 'time', 'msg', 'app', 'event']);

/** pino's JSON lines as `time level message key=value …` (secrets already redacted by pino). */
function readableLines(out: { write(chunk: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk) {
      for (const line of chunk.split('\n')) {
        if (line.trim() !== '') out.write(`${readableLine(line)}\n`);
      }
    },
  };
}

function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'string' ? record.time.replace(/\.\d{3}Z$/, 'Z') : '';
  const level = LEVELS[record.level as number] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([key, value]) => !SILENT.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  return [time, level.padEnd(5), String(record.msg ?? ''), ...(fields.length ? [` ${fields.join(' ')}`] : [])].filter(Boolean).join(' ');
}

function fieldText(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.length ? value.join(',') : '-';
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
