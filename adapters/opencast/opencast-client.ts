/**
 * OpencastPort over undici (reference/opencast-api.md §3). Translates the wire
 * into domain types and failures into DependencyError / AuthError /
 * ProtocolError; it decides nothing (no idleness, no counting rules).
 */
import { Agent, type Dispatcher } from 'undici';
import type { OpencastPort } from '../../core/ports';
import type { OpencastHost, OpencastJob, ScheduledEvent } from '../../core/types';
import { AuthError, DependencyError, MoScalerError, ProtocolError } from '../../core/errors';
import { createAuthenticator, type AuthMode, type Authenticator } from './digest-auth';
import {
  asBoolean,
  asList,
  asOptionalNumber,
  asOptionalText,
  asRecord,
  asText,
  parseIntegerBody,
  parseJsonBody,
  unwrapList,
} from './json-quirks';

export interface OpencastClientConfig {
  /** Admin node URL, e.g. `http://admin.example.edu` (a path prefix is kept). */
  baseUrl: string;
  user: string;
  password: string;
  auth: AuthMode;
  /** Whole-call budget, including a digest re-challenge. Default 10 000 ms. */
  timeoutMs?: number;
  /** Injected transport (the simulator mounts its router here); default an undici Agent owned by the client. */
  dispatcher?: Dispatcher;
  /**
   * PEM certificates trusted for https instead of Node's public roots (an Opencast
   * behind a private CA; adapters/opencast/ca-bundle.ts reads them). Ignored with `dispatcher`.
   */
  ca?: readonly string[];
}

interface WireResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Call {
  method: 'GET' | 'POST';
  /** Path and query below baseUrl, e.g. `/services/hosts.json`. */
  path: string;
  form?: Record<string, string>;
  /** Accept header; default JSON, then text. */
  accept?: string;
}

/** The External API picks its version from the Accept header (ApiMediaType.java); 1.1.0 added scheduling. */
const API_1_1_0 = 'application/v1.1.0+json';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Challenge, answer, and one more when the nonce went stale in between. */
const MAX_ATTEMPTS = 3;

export class OpencastClient implements OpencastPort {
  readonly #origin: string;
  readonly #prefix: string;
  readonly #user: string;
  readonly #timeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #auth: Authenticator;

  constructor(config: OpencastClientConfig) {
    const url = new URL(config.baseUrl);
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#user = config.user;
    this.#timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#auth = createAuthenticator(config.auth, config.user, config.password);
    this.#ownsDispatcher = config.dispatcher === undefined;
    this.#dispatcher =
      config.dispatcher ??
      new Agent({
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        // `ca` replaces the trusted roots for this pool only: https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions
        connect: { timeout: this.#timeoutMs, ...(config.ca ? { ca: [...config.ca] } : {}) },
      });
  }

  /** Closes the connection pool when the client created it; an injected dispatcher belongs to its owner. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async checkCredentials(): Promise<void> {
    // /info/me.json is anonymous-permitted: only with the auth header is it a real check (§3 /info/me.json).
    const result = await this.#call({ method: 'GET', path: '/info/me.json' });
    this.#expectStatus(result, 'GET /info/me.json', [200]);
    const me = asRecord(parseJsonBody(result.text, 'info/me.json'), 'info/me.json');
    const roles = asList(me.roles, 'roles').map((role, i) => asText(role, `roles[${i}]`));
    if (!roles.includes('ROLE_ADMIN')) {
      const user = asOptionalText(asRecord(me.user ?? {}, 'user').username, 'user.username') ?? 'unknown';
      throw new AuthError(`Opencast accepted the request as "${user}", which lacks ROLE_ADMIN`);
    }
  }

  async listHosts(): Promise<OpencastHost[]> {
    const what = 'services/hosts.json';
    const result = await this.#call({ method: 'GET', path: '/services/hosts.json' });
    this.#expectStatus(result, `GET /${what}`, [200]);
    return unwrapList(parseJsonBody(result.text, what), 'hosts', 'host').map((item, i) => toHost(item, `hosts.host[${i}]`));
  }

  async activeJobs(): Promise<OpencastJob[]> {
    const what = 'services/activeJobs.json';
    const result = await this.#call({ method: 'GET', path: '/services/activeJobs.json' });
    if (result.status === 404) {
      throw new DependencyError('opencast', `GET /${what}: not found (the endpoint exists from Opencast 2.2)`);
    }
    this.#expectStatus(result, `GET /${what}`, [200]);
    return unwrapList(parseJsonBody(result.text, what), 'jobs', 'job').map((item, i) => toJob(item, `jobs.job[${i}]`));
  }

  async queuedJobCount(operations?: readonly string[]): Promise<number> {
    const query = operations && operations.length > 0 ? `?operations=${operations.map(encodeURIComponent).join(',')}` : '';
    const what = 'GET /workflow/queuedJobCount';
    const result = await this.#call({ method: 'GET', path: `/workflow/queuedJobCount${query}` });
    // The original read any non-200 as 0 queued jobs; here it is an error (§3 DCE's endpoint).
    if (result.status === 404) {
      throw new DependencyError('opencast', `${what}: not found (only Harvard DCE's Opencast fork has it)`);
    }
    this.#expectStatus(result, what, [200]);
    return parseIntegerBody(result.text, 'workflow/queuedJobCount');
  }

  /**
   * The External API's events whose technical (scheduled) start is in [from, to), with their scheduling
   * (Opencast 6.0+, External API 1.1.0; reference: sim/opencast/external-events.ts for the sources).
   * Asks for version 1.1.0 by Accept header: an older Opencast answers 406 instead of ignoring the
   * filter and listing every event it has. Pages of `pageSize` until a short page.
   */
  async scheduledEvents(from: Date, to: Date, pageSize = 500): Promise<ScheduledEvent[]> {
    const what = 'GET /api/events';
    // RestUtils.getFromAndToDateRange parses UTC without milliseconds.
    const utc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const events: ScheduledEvent[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const query = new URLSearchParams({
        filter: `technical_start:${utc(from)}/${utc(to)}`,
        withscheduling: 'true',
        sort: 'technical_start:ASC',
        limit: String(pageSize),
        offset: String(offset),
      });
      const result = await this.#call({ method: 'GET', path: `/api/events?${query.toString()}`, accept: API_1_1_0 });
      if (result.status === 404) throw new DependencyError('opencast', `${what}: not found (the External API is not installed)`);
      if (result.status === 406) throw new DependencyError('opencast', `${what}: External API 1.1.0 not acceptable (scheduling needs Opencast 6.0+)`);
      this.#expectStatus(result, what, [200]);
      const page = asList(parseJsonBody(result.text, 'api/events'), 'events');
      page.forEach((item, i) => {
        const event = toScheduledEvent(item, `events[${offset + i}]`);
        if (event) events.push(event);
      });
      if (page.length < pageSize) return events;
    }
  }

  async setMaintenance(baseUrl: string, on: boolean): Promise<void> {
    const what = 'POST /services/maintenance';
    // `host` must be the exact base_url; Opencast parses anything but "true" as false (§3 maintenance).
    const result = await this.#call({
      method: 'POST',
      path: '/services/maintenance',
      form: { host: baseUrl, maintenance: on ? 'true' : 'false' },
    });
    if (result.status === 404) {
      throw new DependencyError('opencast', `${what}: Opencast has no host with base_url ${baseUrl}`);
    }
    // Exactly 204: a 200 here is an intermediary's page, not Opencast having done it.
    this.#expectStatus(result, what, [204]);
  }

  #expectStatus(result: WireResult, what: string, expected: readonly number[]): void {
    if (expected.includes(result.status)) return;
    const location = headerValue(result.headers.location);
    if (result.status >= 300 && result.status < 400 && location !== undefined && /login/i.test(location)) {
      throw new AuthError(
        `${what}: Opencast redirected to its login page, so the request was not authenticated ` +
          `(Basic needs Opencast 5.0+; digest needs an in-memory user)`,
      );
    }
    if (result.status === 401) throw new AuthError(`${what}: Opencast refused the credentials of "${this.#user}" (401)`);
    if (result.status === 403) throw new AuthError(`${what}: "${this.#user}" is not allowed to do this (403)`);
    if (result.status >= 200 && result.status < 300) {
      throw new ProtocolError('opencast', `${what}: unexpected status ${result.status}, expected ${expected.join(' or ')}`);
    }
    throw new DependencyError('opencast', `${what}: HTTP ${result.status}`);
  }

  /** One logical call: auth headers, 401 handling, one deadline for all attempts. */
  async #call(call: Call): Promise<WireResult> {
    const what = `${call.method} ${call.path.split('?')[0]}`;
    const uri = `${this.#prefix}${call.path}`;
    const body = call.form ? new URLSearchParams(call.form).toString() : undefined;
    const controller = new AbortController();
    // Global setTimeout, read at call time, so the simulator's virtual clock can drive it.
    const timer = setTimeout(() => controller.abort(new CallTimeout()), this.#timeoutMs);
    try {
      let retriedFresh = false;
      for (let attempt = 1; ; attempt += 1) {
        const result = await this.#send(call.method, uri, body, controller.signal, call.accept);
        if (result.status !== 401 || attempt === MAX_ATTEMPTS) return result;
        const verdict = this.#auth.challenged(result.headers['www-authenticate'], retriedFresh);
        if (verdict === 'refused') return result;
        retriedFresh = true;
      }
    } catch (error) {
      if (error instanceof MoScalerError) throw error;
      throw toDependencyError(what, error, controller.signal, this.#timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async #send(method: 'GET' | 'POST', uri: string, body: string | undefined, signal: AbortSignal, accept?: string): Promise<WireResult> {
    const headers: Record<string, string> = { accept: accept ?? 'application/json, text/plain;q=0.9, */*;q=0.1' };
    Object.assign(headers, this.#auth.headers(method, uri));
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    const response = await this.#dispatcher.request({
      origin: this.#origin,
      path: uri,
      method,
      headers,
      body: body ?? null,
      signal,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  }
}

/** Marks our own deadline so it is told apart from other aborts. */
class CallTimeout extends Error {
  constructor() {
    super('deadline reached');
    this.name = 'CallTimeout';
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Transport failures: the message names the call and the error code only, so
 * nothing from the request (headers, credentials) can leak into it.
 */
function toDependencyError(what: string, error: unknown, signal: AbortSignal, timeoutMs: number): DependencyError {
  const code = (error as { code?: unknown } | null)?.code;
  if (signal.reason instanceof CallTimeout || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new DependencyError('opencast', `${what}: no answer within ${timeoutMs} ms`, { cause: error });
  }
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown error';
  return new DependencyError('opencast', `${what}: request failed (${reason})`, { cause: error });
}

function toHost(item: unknown, field: string): OpencastHost {
  const host = asRecord(item, field);
  // max_jobs (int) through 2.1, max_load (float) from 2.2 (§3 hosts.json).
  const maxLoad = asOptionalNumber(host.max_load, field, 'max_load') ?? asOptionalNumber(host.max_jobs, field, 'max_jobs');
  const cores = asOptionalNumber(host.cores, field, 'cores');
  const nodeName = asOptionalText(host.node_name, field, 'node_name');
  return {
    baseUrl: asText(host.base_url, field, 'base_url'),
    online: asBoolean(host.online, field, 'online'),
    active: asBoolean(host.active, field, 'active'),
    maintenance: asBoolean(host.maintenance, field, 'maintenance'),
    ...(maxLoad !== undefined ? { maxLoad } : {}),
    ...(cores !== undefined ? { cores } : {}),
    ...(nodeName !== undefined ? { nodeName } : {}),
  };
}

function toJob(item: unknown, field: string): OpencastJob {
  const job = asRecord(item, field);
  const processingHost = asOptionalText(job.processingHost, field, 'processingHost');
  const createdHost = asOptionalText(job.createdHost, field, 'createdHost');
  const jobLoad = asOptionalNumber(job.jobLoad, field, 'jobLoad');
  return {
    // id/type/status are XML attributes: strings through 7.x, typed from 8.0 (§2).
    id: asText(job.id, field, 'id'),
    type: asText(job.type, field, 'type'),
    status: asText(job.status, field, 'status'),
    operation: asText(job.operation, field, 'operation'),
    ...(processingHost !== undefined ? { processingHost } : {}),
    ...(createdHost !== undefined ? { createdHost } : {}),
    ...(jobLoad !== undefined ? { jobLoad } : {}),
  };
}

/**
 * One event of the External API's list. Its `scheduling` is `{}` for an event the scheduler does not
 * know (an upload: SchedulingUtils.SchedulingInfo.of returns an empty object on NotFound), and absent
 * when withscheduling was ignored: either way there is no capture to plan for, so the event is skipped.
 * Dates are ISO-8601 in UTC (Java's ISO_DATE_TIME: no milliseconds when they are zero).
 */
function toScheduledEvent(item: unknown, field: string): ScheduledEvent | undefined {
  const event = asRecord(item, field);
  const id = asText(event.identifier, field, 'identifier');
  const scheduling = event.scheduling === undefined ? undefined : asRecord(event.scheduling, field, 'scheduling');
  if (!scheduling || (scheduling.start === undefined && scheduling.end === undefined)) return undefined;
  const start = asText(scheduling.start, field, 'scheduling.start');
  const end = asText(scheduling.end, field, 'scheduling.end');
  for (const [key, value] of [['scheduling.start', start], ['scheduling.end', end]] as const) {
    if (Number.isNaN(Date.parse(value))) throw new ProtocolError('opencast', `${field}.${key}: expected an ISO date, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  const agentId = asOptionalText(scheduling.agent_id, field, 'scheduling.agent_id');
  const status = asOptionalText(event.status, field, 'status');
  return {
    id,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}
