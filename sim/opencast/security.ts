/**
 * Opencast's Spring Security filter chain as the wire sees it
 * (reference/opencast-api.md §1): Digest filter (all versions, in-memory users
 * only), Basic filter (5.0+), the anonymous filter (skipped when the client
 * asks for auth with `X-Requested-Auth`), then the access rules and the
 * delegating entry point (Digest 401, Basic 401 from 13.0, else 302 to /login.html).
 *
 * The digest check is written out here on purpose, apart from the adapter's,
 * so that contract tests compare two implementations of RFC 2617.
 */
import { createHash } from 'node:crypto';
import type { WireRequest, WireResponse } from '../wire/types';
import { atLeast, type OpencastVersion } from './version';
import { jettyError } from './wire-formats';

export interface SimOpencastUser {
  username: string;
  password: string;
  roles: readonly string[];
  /** In-memory (config-file) user: the only kind Digest can check. Database users need Basic. */
  inMemory: boolean;
  name?: string;
}

export type Principal = { kind: 'user'; user: SimOpencastUser } | { kind: 'anonymous' } | { kind: 'none' };

export interface SecurityContext {
  version: OpencastVersion;
  users: readonly SimOpencastUser[];
  /** Virtual now, epoch ms. */
  now: number;
  /** Server secret the nonces are signed with. */
  nonceKey: string;
}

/** Spring's DigestAuthenticationEntryPoint default. */
const NONCE_VALIDITY_MS = 300_000;

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * md5 of inputs that repeat on every request (a user's HA1, a nonce's
 * signature while the nonce is reused): a pure function, so remembered. Bounded.
 */
const repeatedDigests = new Map<string, string>();

function md5Repeated(text: string): string {
  let digest = repeatedDigests.get(text);
  if (digest === undefined) {
    digest = md5(text);
    if (repeatedDigests.size >= 1000) repeatedDigests.clear();
    repeatedDigests.set(text, digest);
  }
  return digest;
}

function realmFor(version: OpencastVersion): string {
  return atLeast(version, 2, 1) ? 'Opencast' : 'Opencast Matterhorn';
}

/** base64(expiry-ms ":" md5hex(expiry-ms ":" key)), as Spring builds it. */
function makeNonce(ctx: SecurityContext): string {
  const expiry = ctx.now + NONCE_VALIDITY_MS;
  return Buffer.from(`${expiry}:${md5(`${expiry}:${ctx.nonceKey}`)}`, 'utf8').toString('base64');
}

function digestChallenge(ctx: SecurityContext, path: string, stale = false): WireResponse {
  const header = `Digest realm="${realmFor(ctx.version)}", qop="auth", nonce="${makeNonce(ctx)}"${stale ? ', stale="true"' : ''}`;
  return jettyError(401, path, { 'www-authenticate': header });
}

function basicChallenge(ctx: SecurityContext, path: string): WireResponse {
  return jettyError(401, path, { 'www-authenticate': `Basic realm="${realmFor(ctx.version)}"` });
}

const DIGEST_PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of text.matchAll(DIGEST_PARAM)) {
    const quoted = match[2];
    // Unescape only when there is a backslash: most values have none.
    params[match[1]!.toLowerCase()] = quoted !== undefined ? (quoted.includes('\\') ? quoted.replace(/\\(.)/g, '$1') : quoted) : (match[3] ?? '');
  }
  return params;
}

type Check = { ok: true; user: SimOpencastUser } | { ok: false; response: WireResponse };

function checkDigest(req: WireRequest, ctx: SecurityContext, text: string): Check {
  const reject = (stale = false): Check => ({ ok: false, response: digestChallenge(ctx, req.path, stale) });
  const p = parseParams(text);
  if (!p.username || !p.realm || !p.nonce || !p.uri || !p.response) return reject();
  if (p.qop && (!p.nc || !p.cnonce)) return reject();
  if (p.realm !== realmFor(ctx.version)) return reject();
  const [expiryText, signature, ...rest] = Buffer.from(p.nonce, 'base64').toString('utf8').split(':');
  const expiry = Number(expiryText);
  if (rest.length > 0 || !Number.isFinite(expiry) || signature !== md5Repeated(`${expiryText}:${ctx.nonceKey}`)) return reject();
  const user = ctx.users.find((u) => u.username === p.username && u.inMemory);
  if (!user) return reject();
  const ha1 = md5Repeated(`${user.username}:${p.realm}:${user.password}`);
  const ha2 = md5(`${req.method}:${p.uri}`);
  const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  if (expected !== p.response) return reject();
  // Spring checks expiry only after the digest matched: stale means "right password, new nonce please".
  if (expiry < ctx.now) return reject(true);
  return { ok: true, user };
}

function checkBasic(req: WireRequest, ctx: SecurityContext, token: string): Check {
  const decoded = Buffer.from(token.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = ctx.users.find((u) => colon > 0 && u.username === decoded.slice(0, colon) && u.password === decoded.slice(colon + 1));
  return user ? { ok: true, user } : { ok: false, response: basicChallenge(ctx, req.path) };
}

/** The filters before the access decision: who is this request? */
export function authenticate(req: WireRequest, ctx: SecurityContext): { principal: Principal } | { response: WireResponse } {
  const authorization = req.headers.authorization ?? '';
  const digest = /^Digest\s+(.*)$/is.exec(authorization);
  if (digest) {
    const check = checkDigest(req, ctx, digest[1]!);
    return check.ok ? { principal: { kind: 'user', user: check.user } } : { response: check.response };
  }
  const basic = /^Basic\s+(.*)$/is.exec(authorization);
  // The Basic filter ships commented out before 5.0: the header is then ignored.
  if (basic && atLeast(ctx.version, 5)) {
    const check = checkBasic(req, ctx, basic[1]!);
    return check.ok ? { principal: { kind: 'user', user: check.user } } : { response: check.response };
  }
  return { principal: asksForAuth(req, ctx) ? { kind: 'none' } : { kind: 'anonymous' } };
}

/** `X-Requested-Auth: Digest` (or `Basic` from 13.0) turns anonymous access off for this request. */
function asksForAuth(req: WireRequest, ctx: SecurityContext): boolean {
  const asked = (req.headers['x-requested-auth'] ?? '').trim().toLowerCase();
  return asked === 'digest' || (asked === 'basic' && atLeast(ctx.version, 13));
}

/** Roles that may call a path (mh_default_org.xml); undefined means anonymous is allowed. */
function requiredRoles(req: WireRequest): readonly string[] | undefined {
  if (req.method === 'GET' && (req.path.startsWith('/info/') || req.path === '/login.html')) return undefined;
  if (req.method === 'POST' && req.path === '/services/maintenance') return ['ROLE_ADMIN', 'ROLE_UI_SERVERS_MAINTENANCE_EDIT'];
  if (req.path === '/admin-ng/server/servers.json') return ['ROLE_ADMIN', 'ROLE_UI_SERVERS_VIEW'];
  if (req.method === 'GET' && req.path === '/api/events') return ['ROLE_ADMIN', 'ROLE_API_EVENTS_VIEW'];
  // `/services/**`, `/workflow/**` and the catch-all `/**` are admin-only.
  return ['ROLE_ADMIN'];
}

/** The access decision; a response when the request may not go on. */
export function authorize(req: WireRequest, principal: Principal, ctx: SecurityContext): WireResponse | undefined {
  const roles = requiredRoles(req);
  if (principal.kind === 'user') {
    if (roles === undefined || roles.some((role) => principal.user.roles.includes(role))) return undefined;
    return jettyError(403, req.path);
  }
  if (principal.kind === 'anonymous' && roles === undefined) return undefined;
  // Not authenticated: the delegating entry point picks the answer from the request header.
  const asked = (req.headers['x-requested-auth'] ?? '').trim().toLowerCase();
  if (asked === 'digest') return digestChallenge(ctx, req.path);
  if (asked === 'basic' && atLeast(ctx.version, 13)) return basicChallenge(ctx, req.path);
  const host = req.headers.host;
  return { status: 302, headers: { location: host ? `http://${host}/login.html` : '/login.html' }, body: '' };
}
