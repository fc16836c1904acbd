/**
 * Mounts a WireRouter behind an undici Dispatcher, in-process and without a
 * socket: `dispatcher.request()` and the response parsing (status, headers,
 * body stream, abort signals) are undici's own; only the socket is replaced.
 *
 * - `delayMs` waits with the global `setTimeout`, looked up at call time, so a
 *   fake clock (@sinonjs/fake-timers) drives slow answers in virtual time.
 * - A no-answer response (sim/wire/no-answer.ts) fails the request with an
 *   ECONNREFUSED error shaped like Node's, as a dead server would.
 * - Both handler styles are served: undici 7's controller API
 *   (`onRequestStart`…) and the legacy one (`onConnect`/`onHeaders`…) that
 *   `request()` still uses.
 *
 * The same router serves loopback HTTP through `serveRouter(router, { port? })`
 * in `sim/wire/http-server.ts`, which must honour the same two conventions:
 * wait `delayMs`, and destroy the socket on no-answer.
 *
 * Usage: `new OpencastClient({ baseUrl: 'http://admin1.internal', …,
 * dispatcher: new RouterDispatcher(createOpencastRouter(state)) })`; the
 * origin is free, since nothing is resolved or connected.
 */
import { STATUS_CODES } from 'node:http';
import { Dispatcher } from 'undici';
import { idleWhile } from '../../engine/activity';
import { isNoAnswer } from './no-answer';
import type { WireRequest, WireResponse, WireRouter } from './types';

/** The handler callbacks this mount drives, whichever style the caller used. */
interface Sink {
  start(abort: (reason?: Error) => void): void;
  headers(status: number, headers: Record<string, string>, statusText: string): void;
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

class Controller implements Dispatcher.DispatchController {
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;
  constructor(private readonly onAbort: (reason: Error) => void) {}
  get aborted(): boolean {
    return this.#aborted;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.onAbort(reason);
  }
  // The whole body is one chunk already in memory: pausing has nothing to hold back.
  pause(): void {
    this.#paused = true;
  }
  resume(): void {
    this.#paused = false;
  }
}

function toSink(handler: Dispatcher.DispatchHandler): Sink {
  if (handler.onRequestStart) {
    let controller: Controller | undefined;
    const ctl = (): Controller => controller!;
    return {
      start(abort) {
        controller = new Controller(abort);
        handler.onRequestStart?.(controller, {});
      },
      headers: (status, headers, text) => handler.onResponseStart?.(ctl(), status, headers, text),
      data: (chunk) => handler.onResponseData?.(ctl(), chunk),
      end: () => handler.onResponseEnd?.(ctl(), {}),
      error: (error) => handler.onResponseError?.(ctl(), error),
    };
  }
  return {
    start: (abort) => handler.onConnect?.(abort),
    headers(status, headers, text) {
      const raw = Object.entries(headers).flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')]);
      handler.onHeaders?.(status, raw, () => {}, text);
    },
    data: (chunk) => handler.onData?.(chunk),
    end: () => handler.onComplete?.([]),
    error: (error) => handler.onError?.(error),
  };
}

function normaliseHeaders(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  };
  if (!headers) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) put(String(headers[i]), headers[i + 1]);
  } else if (Symbol.iterator in headers) {
    for (const [key, value] of headers as Iterable<[string, unknown]>) put(key, value);
  } else {
    for (const [key, value] of Object.entries(headers)) put(key, value);
  }
  return out;
}

async function readBody(body: Dispatcher.DispatchOptions['body']): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new TypeError('RouterDispatcher: unsupported request body type');
}

/** The error Node raises when nothing listens on the port. */
function connectionRefused(origin: URL): Error {
  const port = Number(origin.port || (origin.protocol === 'https:' ? 443 : 80));
  return Object.assign(new Error(`connect ECONNREFUSED ${origin.hostname}:${port}`), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: origin.hostname,
    port,
  });
}

export class RouterDispatcher extends Dispatcher {
  readonly #router: WireRouter;
  /** How to fail each exchange still in flight, for destroy(). */
  readonly #inflight = new Set<(error: Error) => void>();
  #closed = false;

  constructor(router: WireRouter) {
    super();
    this.#router = router;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const sink = toSink(handler);
    this.#exchange(options, sink).catch((error: unknown) => {
      // A handler callback threw while the answer was delivered: report it the way a socket error would be.
      sink.error(error instanceof Error ? error : new Error(String(error)));
    });
    return true;
  }

  async #exchange(options: Dispatcher.DispatchOptions, sink: Sink): Promise<void> {
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    const fail = (error: Error): void => {
      if (finished) return;
      finished = true;
      this.#inflight.delete(fail);
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
      sink.error(error);
    };
    this.#inflight.add(fail);
    sink.start((reason) => fail(reason ?? Object.assign(new Error('Request aborted'), { code: 'UND_ERR_ABORTED' })));
    if (finished) return;
    if (this.#closed) return fail(Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' }));

    const origin = originUrl(String(options.origin ?? 'http://localhost'));
    let response: WireResponse;
    try {
      response = await this.#router(await toWireRequest(options, origin));
    } catch (error) {
      return fail(error instanceof Error ? error : new Error(String(error)));
    }
    if (finished) return;

    if (response.delayMs && response.delayMs > 0) {
      // Inside a workflow activity on virtual time, the clock must move on for this answer to come.
      await idleWhile(
        new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, response.delayMs);
        }),
      );
      if (finished) return;
    }
    if (isNoAnswer(response)) return fail(connectionRefused(origin));

    finished = true;
    this.#inflight.delete(fail);
    const body = options.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(response.body, 'utf8');
    const headers = lowerCaseKeys(response.headers);
    // The body's own byte count, also for HEAD (whose body is not sent).
    headers['content-length'] ??= String(options.method === 'HEAD' ? Buffer.byteLength(response.body, 'utf8') : body.length);
    sink.headers(response.status, headers, STATUS_CODES[response.status] ?? '');
    if (body.length > 0) sink.data(body);
    sink.end();
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.#closed = true;
    const destroyed = Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' });
    for (const fail of [...this.#inflight]) fail(a instanceof Error ? a : destroyed);
    const callback = typeof a === 'function' ? a : b;
    if (callback) return void queueMicrotask(callback);
    return Promise.resolve();
  }
}

/** A copy with lower-case names (a later duplicate wins, as with Object.fromEntries). */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** The parsed origin of the last exchange: a client sends every request to the same one. Only read, never changed. */
let lastOrigin: { text: string; url: URL } | undefined;

function originUrl(text: string): URL {
  if (lastOrigin?.text !== text) lastOrigin = { text, url: new URL(text) };
  return lastOrigin.url;
}

async function toWireRequest(options: Dispatcher.DispatchOptions, origin: URL): Promise<WireRequest> {
  const target = new URL(`${origin.origin}${options.path}`);
  const headers = normaliseHeaders(options.headers);
  headers.host ??= origin.host;
  return {
    method: options.method,
    path: target.pathname,
    query: target.searchParams,
    headers,
    body: await readBody(options.body),
  };
}
