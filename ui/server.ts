/**
 * The visualizer's web server: the page (plain files from ui/page) and a small
 * JSON API over node:http, on 127.0.0.1 only.
 *
 * Loopback alone does not keep other web pages out: a page on any site can
 * send requests to 127.0.0.1 or rebind its own DNS name to it. So the Host
 * header must name this server, a POST must come from this page (same Origin,
 * JSON body, which a cross-site form cannot send without a preflight we never
 * grant), and the page runs under a CSP that allows only its own scripts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors';
import type { LiveView } from './live-view';

const LOOPBACK = '127.0.0.1';

export interface SimulationControls {
  pause(): void;
  resume(): void;
  setSpeed(speed: number): void;
  setSkipQuiet(on: boolean): void;
}

export interface UiServerOptions {
  view: LiveView;
  /** 0 picks a free port. */
  port: number;
  /** SVG of each diagram by name (drawn once: the definitions do not change while serving). */
  diagrams: Readonly<Record<string, string>>;
  /** A simulation's pause and speed; absent for a real cluster, whose page only watches. */
  controls?: SimulationControls;
}

export interface UiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};
/**
 * A worker's name is its EC2 Name tag (or OpsWorks hostname): up to 256 Unicode characters of anything
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions). The API only
 * compares it with names it knows, so it needs no narrower shape; control characters are no one's name.
 */
const MAX_WORKER_NAME = 256;
const CONTROL = /\p{Cc}/u;

function isWorkerName(name: string): boolean {
  const length = [...name].length;
  return length >= 1 && length <= MAX_WORKER_NAME && !CONTROL.test(name);
}
const MAX_BODY = 4096;

const SECURITY_HEADERS = {
  // Inline SVG carries its own <style>; scripts come only from this server.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': TYPES[type] ?? type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const files = Object.fromEntries(Object.values(STATIC).map((f) => [f, readFileSync(`${PAGE_DIR}${f}`, 'utf8')]));
  let origins: Set<string> = new Set();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? '';
    if (!origins.has(`http://${host}`)) throw new HttpError(421, `this server answers only to ${[...origins].join(' or ')}`);
    const url = new URL(req.url ?? '/', `http://${host}`);
    const path = url.pathname;

    if (req.method === 'POST' && path === '/api/simulation') {
      if (!options.controls) throw new HttpError(404, 'not a simulation');
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin)) throw new HttpError(403, 'cross-origin request refused');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'send application/json');
      const body = (await readJson(req)) as { action?: unknown; speed?: unknown; on?: unknown };
      if (body.action === 'pause') options.controls.pause();
      else if (body.action === 'resume') options.controls.resume();
      else if (body.action === 'speed' && typeof body.speed === 'number' && body.speed > 0) options.controls.setSpeed(body.speed);
      else if (body.action === 'skipQuiet' && typeof body.on === 'boolean') options.controls.setSkipQuiet(body.on);
      else throw new HttpError(400, 'action must be pause, resume, speed with a positive speed, or skipQuiet with on true or false');
      return send(res, 200, 'json', JSON.stringify(options.view.state().simulation ?? null));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');

    // Browsers ask for it unprompted; there is none, and a 404 would read as an error in the console.
    if (path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS);
      return void res.end();
    }
    const file = STATIC[path];
    if (file) return send(res, 200, file.split('.').pop()!, files[file]!);
    if (path === '/api/state') return send(res, 200, 'json', JSON.stringify(options.view.state()));
    if (path === '/api/timeline') return send(res, 200, 'json', JSON.stringify(options.view.timeline()));
    if (path === '/api/history') {
      const worker = url.searchParams.get('worker') ?? '';
      if (!isWorkerName(worker)) throw new HttpError(400, `worker must be a Name tag: 1 to ${MAX_WORKER_NAME} characters, no control characters`);
      return send(res, 200, 'json', JSON.stringify(await options.view.workerHistory(worker)));
    }
    const diagram = /^\/api\/diagram\/([a-z-]+)\.svg$/.exec(path);
    if (diagram) {
      const svg = options.diagrams[diagram[1]!];
      if (!svg) throw new HttpError(404, `no diagram ${diagram[1]}`);
      return send(res, 200, 'svg', svg);
    }
    if (path === '/api/chart.svg') {
      const width = Number(url.searchParams.get('width') ?? '1000');
      const svg = options.view.chartSvg(Number.isFinite(width) ? Math.min(4000, Math.max(400, Math.round(width))) : 1000);
      if (!svg) throw new HttpError(404, 'no chart: only a simulation has per-minute samples');
      return send(res, 200, 'svg', svg);
    }
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, status, 'json', JSON.stringify({ error: message }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConfigError('--port', `port ${options.port} is in use on ${LOOPBACK}; pass another with --port`) : error),
    );
    server.listen({ port: options.port, host: LOOPBACK }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  origins = new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);
  return {
    url: `http://${LOOPBACK}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
