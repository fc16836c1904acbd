/**
 * An AWS SDK v3 `requestHandler` that answers from a WireRouter in-process:
 * the SDK still builds, signs and parses real HTTP messages, only the socket
 * is gone. A response's `delayMs` is awaited with `setTimeout`, so a faked
 * clock (virtual time) decides when slow answers arrive.
 */
import { Readable } from 'node:stream';
import { type HttpHandler, type HttpHandlerOptions, type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { idleWhile } from '../../engine/activity';
import type { WireRequest, WireRouter } from './types';

export function createSdkRequestHandler(router: WireRouter): HttpHandler {
  return {
    async handle(request: HttpRequest, options?: HttpHandlerOptions) {
      const signal = options?.abortSignal;
      throwIfAborted(signal);
      const response = await router(await toWireRequest(request));
      // Inside a workflow activity on virtual time, the clock must move on for this answer to come.
      if (response.delayMs && response.delayMs > 0) await idleWhile(sleep(response.delayMs, signal));
      const body = Buffer.from(response.body, 'utf8');
      return {
        response: new HttpResponse({
          statusCode: response.status,
          headers: { ...response.headers, 'content-length': String(body.length) },
          // The bytes themselves, a body type the SDK's collectBody takes as is: a Readable per call cost
          // ~50 µs of stream machinery and nothing more is tested by it (the loopback server mount and its
          // contract tests run the SDK's socket handler and stream collector).
          body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        }),
      };
    },
    updateHttpClientConfig() {
      // Nothing to configure: there is no connection.
    },
    httpHandlerConfigs() {
      return {};
    },
  };
}

async function toWireRequest(request: HttpRequest): Promise<WireRequest> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === null || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  return {
    method: request.method,
    path: request.path || '/',
    query,
    headers,
    body: await bodyText(request.body),
  };
}

const UTF8 = new TextDecoder();

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Decoded by bytes: the SDK's JSON body is a Uint8Array subclass that warns when used as a string.
  if (body instanceof Uint8Array) return UTF8.decode(body);
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new TypeError(`unsupported request body type: ${typeof body}`);
}

/** The SDK passes either its own AbortSignal shape or the DOM one. */
type SdkAbortSignal = NonNullable<HttpHandlerOptions['abortSignal']>;

function sleep(ms: number, signal: SdkAbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopListening = () => {};
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    if (signal) {
      stopListening = whenAborted(signal, () => {
        clearTimeout(timer);
        reject(abortError());
      });
    }
  });
}

/** Subscribes to abort; returns the unsubscribe. */
function whenAborted(signal: SdkAbortSignal, listener: () => void): () => void {
  if ('addEventListener' in signal && typeof signal.addEventListener === 'function') {
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
  const previous = signal.onabort;
  signal.onabort = listener;
  return () => {
    signal.onabort = previous;
  };
}

function throwIfAborted(signal: SdkAbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}
