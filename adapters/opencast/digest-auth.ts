/**
 * Authentication against Opencast's Spring Security (reference/opencast-api.md §1).
 *
 * Digest: every request carries `X-Requested-Auth: Digest`, without which
 * Opencast answers anonymously or redirects to /login.html instead of
 * challenging. The challenge has realm, qop="auth" and a nonce (no opaque, no
 * algorithm: MD5). The nonce is reused (nc counts up) until the server says
 * `stale="true"` or otherwise rejects it; then one fresh challenge is tried.
 *
 * Basic: preemptive, works from Opencast 5.0 and for non-in-memory users.
 *
 * Nothing here ever puts the password, an Authorization value or a digest
 * response into an error message.
 */
import { createHash, randomBytes } from 'node:crypto';

export type AuthMode = 'digest' | 'basic';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** `auth` when the server offers it; undefined means RFC 2069 style. */
  qop?: string;
  opaque?: string;
  algorithm?: string;
  stale: boolean;
}

/** What the client does with a 401 challenge. */
export type ChallengeVerdict = 'retry' | 'refused';

/** One per client: turns (method, uri) into request headers and reacts to 401s. */
export interface Authenticator {
  readonly mode: AuthMode;
  headers(method: string, uri: string): Record<string, string>;
  /**
   * A 401 arrived carrying `wwwAuthenticate`. `retriedFresh` is true when this
   * call already retried with a challenge obtained during the call, in which
   * case a plain rejection means the credentials are wrong.
   */
  challenged(wwwAuthenticate: string | string[] | undefined, retriedFresh: boolean): ChallengeVerdict;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Split `a="x, y", b=z` on commas outside quotes into a lower-cased key map. */
export function parseAuthParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const match of text.matchAll(pattern)) {
    const key = match[1]!.toLowerCase();
    const quoted = match[2];
    params[key] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (match[3] ?? '');
  }
  return params;
}

/** The Digest challenge among one or more WWW-Authenticate values, if any. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    const match = /^\s*Digest\s+(.*)$/is.exec(value);
    if (!match) continue;
    const params = parseAuthParams(match[1]!);
    if (params.realm === undefined || params.nonce === undefined) continue;
    const qops = (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    return {
      realm: params.realm,
      nonce: params.nonce,
      qop: qops.includes('auth') ? 'auth' : undefined,
      opaque: params.opaque,
      algorithm: params.algorithm,
      stale: (params.stale ?? '').toLowerCase() === 'true',
    };
  }
  return undefined;
}

export interface DigestInput {
  username: string;
  password: string;
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  /** Present with qop=auth: nc as 8 hex digits and the client nonce. */
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** RFC 2617 §3.2.2.1 request-digest for algorithm MD5. */
export function digestResponse(input: DigestInput): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  return input.qop
    ? md5(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
    : md5(`${ha1}:${input.nonce}:${ha2}`);
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

class BasicAuthenticator implements Authenticator {
  readonly mode = 'basic' as const;
  readonly #authorization: string;
  constructor(user: string, password: string) {
    this.#authorization = basicAuthorization(user, password);
  }
  headers(): Record<string, string> {
    return { authorization: this.#authorization };
  }
  /** Preemptive Basic has nothing to learn from a challenge: a 401 is a refusal. */
  challenged(): ChallengeVerdict {
    return 'refused';
  }
}

export class DigestAuthenticator implements Authenticator {
  readonly mode = 'digest' as const;
  readonly #user: string;
  readonly #password: string;
  readonly #cnonce: () => string;
  #challenge: DigestChallenge | undefined;
  #nc = 0;

  constructor(user: string, password: string, cnonce: () => string = () => randomBytes(8).toString('hex')) {
    this.#user = user;
    this.#password = password;
    this.#cnonce = cnonce;
  }

  /** The nonce in use, for tests and logs (a nonce is not a secret). */
  get nonce(): string | undefined {
    return this.#challenge?.nonce;
  }

  headers(method: string, uri: string): Record<string, string> {
    // Opencast only challenges (instead of redirecting) when asked to.
    const headers: Record<string, string> = { 'x-requested-auth': 'Digest' };
    const challenge = this.#challenge;
    if (!challenge) return headers;
    this.#nc += 1;
    const nc = this.#nc.toString(16).padStart(8, '0');
    const cnonce = this.#cnonce();
    const response = digestResponse({
      username: this.#user,
      password: this.#password,
      realm: challenge.realm,
      method,
      uri,
      nonce: challenge.nonce,
      ...(challenge.qop ? { qop: challenge.qop, nc, cnonce } : {}),
    });
    const parts = [
      `username=${quote(this.#user)}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(uri)}`,
      `response=${quote(response)}`,
    ];
    if (challenge.qop) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    if (challenge.algorithm !== undefined) parts.push(`algorithm=${challenge.algorithm}`);
    headers.authorization = `Digest ${parts.join(', ')}`;
    return headers;
  }

  challenged(wwwAuthenticate: string | string[] | undefined, retriedFresh: boolean): ChallengeVerdict {
    const challenge = parseDigestChallenge(wwwAuthenticate);
    if (!challenge) return 'refused';
    // Only MD5 is implemented; Opencast never names another algorithm.
    if (challenge.algorithm !== undefined && challenge.algorithm.toUpperCase() !== 'MD5') return 'refused';
    // A stale nonce means the credentials were right: take the new nonce. A plain
    // rejection of a cached nonce (server restarted: new key) earns one fresh try.
    if (!challenge.stale && retriedFresh) return 'refused';
    this.#challenge = challenge;
    this.#nc = 0;
    return 'retry';
  }
}

export function createAuthenticator(mode: AuthMode, user: string, password: string): Authenticator {
  return mode === 'basic' ? new BasicAuthenticator(user, password) : new DigestAuthenticator(user, password);
}
