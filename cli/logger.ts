/**
 * Structured logs (pino): every event to stdout, warnings and errors also to
 * stderr, as the original did. With JSON output, stdout carries only the result
 * and logs go to stderr alone. Secrets are redacted by path as a second line of
 * defence; the code never logs them in the first place.
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
  const streams: pino.StreamEntry[] = [];
  if (!options.jsonOutput) streams.push({ level, stream: io.stdout });
  streams.push({ level: options.jsonOutput ? level : 'warn', stream: io.stderr });
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
