/**
 * How a router says "there is no server here" (a dead node, a fault such as
 * `opencast-down`): a WireResponse with status 0. No real HTTP status is 0, so
 * a mount can never confuse it with an answer. Every mount must turn it into a
 * transport failure, never into a response:
 * - the undici Dispatcher mount fails the request with ECONNREFUSED;
 * - a loopback HTTP server destroys the socket without writing anything.
 * `delayMs` still applies first (a connect that hangs, then fails).
 */
import type { WireResponse } from './types';

const NO_ANSWER_STATUS = 0;

export function noAnswer(delayMs?: number): WireResponse {
  return { status: NO_ANSWER_STATUS, headers: {}, body: '', ...(delayMs ? { delayMs } : {}) };
}

export function isNoAnswer(response: WireResponse): boolean {
  return response.status === NO_ANSWER_STATUS;
}
