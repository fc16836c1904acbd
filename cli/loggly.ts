/**
 * Ships log lines to Loggly, tagged `mo-scaler` and the cluster name, as the
 * original did. Lines are batched and sent on flush (end of command or every
 * 50 lines) with Loggly's bulk endpoint. The token is part of the URL, so it
 * is never put in any message: a failure reports only the status.
 */
import { request } from 'undici';

export interface LogglyShipper {
  write(chunk: string): void;
  flush(): Promise<void>;
}

const LOGGLY_URL = 'https://logs-01.loggly.com';

export function createLogglyShipper(options: {
  token: string;
  cluster: string;
  /** Base URL (tests point it at loopback). */
  baseUrl?: string;
  onError: (message: string) => void;
  timeoutMs?: number;
}): LogglyShipper {
  const tags = ['mo-scaler', options.cluster.replace(/\s+/g, '-')].map(encodeURIComponent).join(',');
  const url = `${options.baseUrl ?? LOGGLY_URL}/bulk/${encodeURIComponent(options.token)}/tag/${tags}/`;
  let lines: string[] = [];
  let pending: Promise<void> = Promise.resolve();
  const send = (batch: string[]) => {
    pending = pending.then(async () => {
      try {
        const response = await request(url, {
          method: 'POST',
          body: batch.join('\n'),
          headers: { 'content-type': 'text/plain' },
          headersTimeout: options.timeoutMs ?? 5000,
          bodyTimeout: options.timeoutMs ?? 5000,
        });
        await response.body.dump();
        if (response.statusCode >= 300) options.onError(`loggly: shipping logs failed with HTTP ${response.statusCode}`);
      } catch (error) {
        options.onError(`loggly: shipping logs failed (${(error as NodeJS.ErrnoException).code ?? 'network error'})`);
      }
    });
  };
  return {
    write(chunk) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(line);
      if (lines.length >= 50) {
        send(lines);
        lines = [];
      }
    },
    async flush() {
      if (lines.length) send(lines);
      lines = [];
      await pending;
    },
  };
}
