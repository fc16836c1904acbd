/**
 * Serves a WireRouter on loopback HTTP, for `--sim` runs and contract tests
 * where clients use their ordinary HTTP stack against `url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isNoAnswer } from './no-answer';
import type { WireRequest, WireRouter } from './types';

export interface ServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** How a response's `delayMs` is waited out; real time by default. */
  delay?: (ms: number) => Promise<void>;
  /** Serve https with this PEM key and certificate (an Opencast behind its own CA). */
  tls?: { key: string; cert: string };
}

export interface ServedRouter {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash; `https:` with `tls`). */
  url: string;
  close(): Promise<void>;
}

export async function serveRouter(router: WireRouter, options: ServeOptions = {}): Promise<ServedRouter> {
  const delay = options.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(router, delay, req, res).catch((error: unknown) => {
      // The router answers every protocol error itself; this is a bug in the mount or router.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator failure: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from SDK agents would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(
  router: WireRouter,
  delay: (ms: number) => Promise<void>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const request: WireRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
  const response = await router(request);
  if (response.delayMs && response.delayMs > 0) await delay(response.delayMs);
  if (isNoAnswer(response)) {
    // A server that is down: drop the connection so the client sees a socket error, not an HTTP status.
    req.socket.destroy();
    return;
  }
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}
