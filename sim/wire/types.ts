/**
 * One request/response shape for every simulated protocol, so a router can be
 * mounted on a loopback HTTP server, behind an AWS SDK `requestHandler`, or
 * behind an undici `Dispatcher`, and the clients' own wire code always runs.
 */
export interface WireRequest {
  method: string;
  /** Path without the query string, e.g. `/services/hosts.json`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Virtual milliseconds the answer takes (slow faults); the mount decides how to honour it. */
  delayMs?: number;
}

export type WireRouter = (request: WireRequest) => Promise<WireResponse>;
