/**
 * The simulated Opencast REST API on the admin node, faithful to
 * `state.opencast.version` (reference/opencast-api.md). Order per request:
 * faults → security filters → route (404 like Opencast when unknown or too new).
 *
 * Faults:
 * - `opencast-down`: no answer at all (sim/wire/no-answer.ts): mounts turn it
 *   into a connection error, as a dead server gives.
 * - `opencast-slow`: the normal answer, `slowDelayMs` (virtual) late: beyond
 *   the adapter's timeout by default. Mutations still happen, as on a server
 *   that did the work but answered too late.
 * - `opencast-garbage`: what a broken proxy or dying node returns: an HTML
 *   error page with status 200, or the real JSON cut in half. The request never
 *   reaches Opencast, so nothing changes.
 */
import { randomBytes } from 'node:crypto';
import type { SimClusterState } from '../model/types';
import { noAnswer } from '../wire/no-answer';
import type { WireRequest, WireResponse, WireRouter } from '../wire/types';
import { ROUTES } from './endpoints';
import { authenticate, authorize, type SecurityContext, type SimOpencastUser } from './security';
import { atLeast, parseVersion } from './version';
import { jettyError } from './wire-formats';

;

export interface OpencastRouterOptions {
  /** `jobstats.collect=true` in ServiceRegistryJpaImpl.cfg; without it 13.5+ statistics are all 0. Default false. */
  jobstatsCollect?: boolean;
  /** Users besides the system account from `state.opencast` (e.g. a database user without ROLE_ADMIN). */
  extraUsers?: readonly SimOpencastUser[];
  /** `opencast-garbage` answer: always HTML, always truncated JSON, or alternating (default). */
  garbage?: 'html' | 'truncated' | 'alternate';
  /** Virtual delay of `opencast-slow` answers. Default 120 000 ms. */
  slowDelayMs?: number;
  /** Secret the digest nonces are signed with. Default random per router (a restarted server). */
  nonceKey?: string;
}

const DEFAULT_SLOW_DELAY_MS = 120_000;

/** The in-memory system account: digest works for it; it has ROLE_ADMIN and ROLE_SUDO (§1). */
function systemAccount(state: SimClusterState): SimOpencastUser {
  return {
    username: state.opencast.user,
    password: state.opencast.password,
    roles: ['ROLE_ADMIN', 'ROLE_SUDO'],
    inMemory: true,
    name: 'System User',
  };
}

export function createOpencastRouter(state: SimClusterState, options: OpencastRouterOptions = {}): WireRouter {
  const nonceKey = options.nonceKey ?? randomBytes(16).toString('hex');
  const slowDelayMs = options.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS;
  let garbageCount = 0;

  const serve = (req: WireRequest): WireResponse => {
    const version = parseVersion(state.opencast.version);
    const ctx: SecurityContext = {
      version,
      users: [systemAccount(state), ...(options.extraUsers ?? [])],
      now: state.now(),
      nonceKey,
    };
    const who = authenticate(req, ctx);
    if ('response' in who) return who.response;
    const denied = authorize(req, who.principal, ctx);
    if (denied) return denied;
    const candidates = ROUTES.filter((r) => r.path === req.path && (!r.since || atLeast(version, ...r.since)));
    if (candidates.length === 0) return jettyError(404, req.path);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) return jettyError(405, req.path, { allow: candidates.map((r) => r.method).join(', ') });
    return route.handle(req, { state, version, principal: who.principal, jobstatsCollect: options.jobstatsCollect ?? false });
  };

  const garbage = (req: WireRequest): WireResponse => {
    garbageCount += 1;
    const kind = options.garbage ?? 'alternate';
    const truncated = kind === 'truncated' || (kind === 'alternate' && garbageCount % 2 === 0);
    if (truncated && req.method === 'GET') {
      const real = serve(req);
      if (real.status === 200 && (real.headers['content-type'] ?? '').includes('json')) {
        return { ...real, body: real.body.slice(0, Math.floor(real.body.length / 2)) };
      }
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>',
    };
  };

  return async (req) => {
    if (state.faultActive('opencast-down')) return noAnswer();
    const delay = state.faultActive('opencast-slow') ? slowDelayMs : 0;
    const response = state.faultActive('opencast-garbage') ? garbage(req) : serve(req);
    return delay > 0 ? { ...response, delayMs: (response.delayMs ?? 0) + delay } : response;
  };
}
