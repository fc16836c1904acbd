/**
 * The Opencast endpoints the scaler and its tests use, rendered per version
 * (reference/opencast-api.md §3, cheat-sheet §6). Each handler only reads
 * SimClusterState or calls its mutators; it holds no state.
 */
import type { SimClusterState, SimHost, SimJob } from '../model/types';
import type { WireRequest, WireResponse } from '../wire/types';
import { externalEvents } from './external-events';
import { activeJobsOf, currentLoads, serviceStatistics, servicePath, WORKFLOW_TYPE } from './job-stats';
import type { Principal } from './security';
import { atLeast, type OpencastVersion } from './version';
import { FragmentCache, type FragmentView } from '../model/fragment-cache';
import {
  attr,
  escapeXml,
  gson,
  jettison,
  jettisonList,
  jettisonText,
  jettisonWrappedList,
  jettyError,
  plain,
  xml,
} from './wire-formats';

interface EndpointContext {
  state: SimClusterState;
  version: OpencastVersion;
  principal: Principal;
  jobstatsCollect: boolean;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** First version that has the endpoint; earlier ones answer 404. */
  since?: [number, number];
  handle(req: WireRequest, ctx: EndpointContext): WireResponse;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Addresses already derived: a pure function of the base URL, asked for every host on every hosts.json. Bounded. */
const addresses = new Map<string, string>();

/** An IP-looking address for a host (`ip-10-0-1-5.ec2.internal` → `10.0.1.5`). */
function addressOf(baseUrl: string): string {
  let address = addresses.get(baseUrl);
  if (address === undefined) {
    const hostname = new URL(baseUrl).hostname;
    const ip = /^ip-(\d+)-(\d+)-(\d+)-(\d+)/.exec(hostname);
    address = ip ? ip.slice(1, 5).join('.') : hostname;
    if (addresses.size >= 10_000) addresses.clear();
    addresses.set(baseUrl, address);
  }
  return address;
}

/**
 * Everything hostJson/jobJson read, as flat views (see FragmentCache): a
 * host's or job's rendered JSON is reused until one of these changes.
 */
interface HostView extends FragmentView {
  major: number;
  minor: number;
  baseUrl: string;
  nodeName: string | undefined;
  cores: number;
  maxLoad: number;
  online: boolean;
  active: boolean;
  maintenance: boolean;
}

interface JobView extends FragmentView {
  major: number;
  minor: number;
  id: number;
  type: string;
  status: string;
  operation: string;
  processingHost: string | undefined;
  createdHost: string;
  createdAt: number;
  startedAt: number | undefined;
  load: number;
}

function hostView(host: SimHost, v: OpencastVersion): HostView {
  const { baseUrl, nodeName, cores, maxLoad, online, active, maintenance } = host;
  return { major: v.major, minor: v.minor, baseUrl, nodeName, cores, maxLoad, online, active, maintenance };
}

function jobView(job: SimJob, v: OpencastVersion): JobView {
  const { id, type, status, operation, processingHost, createdHost, createdAt, startedAt, load } = job;
  return { major: v.major, minor: v.minor, id, type, status, operation, processingHost, createdHost, createdAt, startedAt, load };
}

// The builders below assign optional members in place rather than spreading
// `{...(cond ? {k: v} : {})}`: same members in the same order, without a
// throw-away object per member. Member order is the wire order.

function hostJson(host: HostView): Record<string, unknown> {
  const v: OpencastVersion = host;
  const json: Record<string, unknown> = { base_url: host.baseUrl };
  if (atLeast(v, 2)) json.address = addressOf(host.baseUrl);
  if (atLeast(v, 8) && host.nodeName) json.node_name = host.nodeName;
  if (atLeast(v, 2)) {
    json.memory = host.cores * 2 * 1024 ** 3;
    json.cores = host.cores;
  }
  // max_jobs (int) through 2.1, max_load (float) from 2.2.
  if (atLeast(v, 2, 2)) json.max_load = host.maxLoad;
  else json.max_jobs = Math.round(host.maxLoad);
  json.online = host.online;
  json.active = host.active;
  json.maintenance = host.maintenance;
  return json;
}

function jobJson(job: JobView): Record<string, unknown> {
  const v: OpencastVersion = job;
  const started = job.startedAt;
  const json: Record<string, unknown> = {
    // id, type, version and status are XML attributes (strings before 8.0).
    id: attr(v, job.id),
    type: job.type,
    version: attr(v, 1),
    status: job.status,
    creator: 'opencast_system_account',
    organization: 'mh_default_org',
    operation: job.operation,
    url: `${job.processingHost ?? job.createdHost}${servicePath(job.type)}/job/${job.id}.xml`,
  };
  if (job.processingHost) json.processingHost = job.processingHost;
  json.createdHost = job.createdHost;
  json.dateCreated = iso(job.createdAt);
  if (started !== undefined) {
    json.dateStarted = iso(started);
    json.queueTime = started - job.createdAt;
  }
  json.jobLoad = job.load;
  json.dispatchable = true;
  return json;
}

const hostTexts = new FragmentCache<SimHost, HostView>((view) => jettisonText(hostJson(view)));
const jobTexts = new FragmentCache<SimJob, JobView>((view) => jettisonText(jobJson(view)));

const hosts: Route = {
  method: 'GET',
  path: '/services/hosts.json',
  since: [1, 4],
  // Only active hosts are listed: disabled ones vanish.
  handle: (_req, { state, version }) =>
    jettisonWrappedList(
      200,
      'hosts',
      'host',
      state.hosts.filter((h) => h.active).map((h) => hostTexts.text(h, hostView(h, version))),
    ),
};

const activeJobs: Route = {
  method: 'GET',
  path: '/services/activeJobs.json',
  since: [2, 2],
  handle: (_req, { state, version }) =>
    jettisonWrappedList(200, 'jobs', 'job', activeJobsOf(state).map((j) => jobTexts.text(j, jobView(j, version)))),
};

/** `{root: {item: …}}`, or `{root: ""}` when empty (Jettison, §2). */
function wrap(root: string, item: string, items: readonly unknown[]): Record<string, unknown> {
  return { [root]: items.length === 0 ? '' : { [item]: jettisonList(items) } };
}

const statistics: Route = {
  method: 'GET',
  path: '/services/statistics.json',
  handle: (_req, { state, version, jobstatsCollect }) => {
    const rows = serviceStatistics(state, version, jobstatsCollect).map((row) => ({
      serviceRegistration: {
        type: row.type,
        host: row.host.baseUrl,
        path: servicePath(row.type),
        active: row.host.active,
        online: row.host.online,
        maintenance: row.host.maintenance,
        jobproducer: row.type !== WORKFLOW_TYPE,
        onlinefrom: new Date(0).toISOString(),
        service_state: 'NORMAL',
      },
      // Counts are XML attributes: strings through 7.x. `finished` exists from 2.0.
      running: attr(version, row.running),
      queued: attr(version, row.queued),
      ...(atLeast(version, 2) ? { finished: attr(version, row.finished) } : {}),
      meanruntime: attr(version, row.meanRunTimeMs),
      meanqueuetime: attr(version, row.meanQueueTimeMs),
    }));
    return jettison(200, wrap('statistics', 'service', rows));
  },
};

function jobStatuses(v: OpencastVersion): readonly string[] {
  const base = ['QUEUED', 'PAUSED', 'RUNNING', 'FINISHED', 'FAILED', 'DELETED', 'INSTANTIATED', 'DISPATCHING', 'RESTART'];
  return [...base, ...(atLeast(v, 2, 2) ? ['WAITING'] : []), atLeast(v, 10) ? 'CANCELLED' : 'CANCELED'];
}

const count: Route = {
  method: 'GET',
  path: '/services/count',
  handle: (req, { state, version }) => {
    const serviceType = req.query.get('serviceType') ?? undefined;
    const status = req.query.get('status') ?? undefined;
    const host = req.query.get('host') ?? undefined;
    const operation = req.query.get('operation') ?? undefined;
    // A query parameter that does not convert to the enum is a 404 under JAX-RS/CXF.
    if (status !== undefined && !jobStatuses(version).includes(status)) return jettyError(404, req.path);
    // serviceType is required in 1.x, and from 2.0 whenever host or operation is given.
    if (!serviceType && (!atLeast(version, 2) || host || operation)) return plain(400, 'Service type must be specified');
    // Upstream bugs kept: host+operation and host without status fail with 500 in every version.
    if (host && (operation || !status)) return jettyError(500, req.path);
    const n = state.jobs.filter(
      (job) =>
        (!serviceType || job.type === serviceType) &&
        (!status || job.status === status) &&
        // `host` matches the creating host, not the processor (§3 count).
        (!host || job.createdHost === host) &&
        (!operation || job.operation === operation),
    ).length;
    return plain(200, String(n));
  },
};

const maintenance: Route = {
  method: 'POST',
  path: '/services/maintenance',
  handle: (req, { state }) => {
    const form = new URLSearchParams(req.body);
    const host = form.get('host');
    // Lenient parse: anything but "true" (any case) switches maintenance off.
    const on = (form.get('maintenance') ?? '').toLowerCase() === 'true';
    if (host === null || !state.setMaintenance(host, on)) return jettyError(404, req.path);
    return { status: 204, headers: {}, body: '' };
  },
};

function loadXml(nodes: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<load xmlns="http://serviceregistry.opencastproject.org"><nodes>${nodes.join('')}</nodes></load>`
  );
}

/** `loadFactor` (an absolute value despite its name) through 6.x; `currentLoad`/`maxLoad` from 7.0. */
function nodeXml(v: OpencastVersion, host: string, current: number, max: number, which: 'current' | 'max'): string {
  const h = escapeXml(host);
  if (atLeast(v, 7)) return `<node host="${h}" currentLoad="${current}" maxLoad="${max}"/>`;
  return `<node host="${h}" loadFactor="${which === 'current' ? current : max}"/>`;
}

const maxload: Route = {
  method: 'GET',
  path: '/services/maxload',
  since: [2, 2],
  handle: (req, { state, version }) => {
    const only = req.query.get('host');
    const active = state.hosts.filter((h) => h.active && (only === null || h.baseUrl === only));
    if (only !== null && active.length === 0) return jettyError(404, req.path);
    const loads = currentLoads(state, version);
    return xml(200, loadXml(active.map((h) => nodeXml(version, h.baseUrl, loads.get(h.baseUrl) ?? 0, h.maxLoad, 'max'))));
  },
};

const currentload: Route = {
  method: 'GET',
  path: '/services/currentload',
  since: [2, 2],
  handle: (_req, { state, version }) => {
    const loads = currentLoads(state, version);
    const active = state.hosts.filter((h) => h.active);
    return xml(200, loadXml(active.map((h) => nodeXml(version, h.baseUrl, loads.get(h.baseUrl) ?? 0, h.maxLoad, 'current'))));
  },
};

const servers: Route = {
  method: 'GET',
  path: '/admin-ng/server/servers.json',
  since: [2, 0],
  handle: (req, { state, version, jobstatsCollect }) => {
    const stats = serviceStatistics(state, version, jobstatsCollect);
    const all = state.hosts
      .map((host) => {
        const rows = stats.filter((row) => row.host === host);
        const sum = (pick: (r: (typeof rows)[number]) => number): number => rows.reduce((a, r) => a + pick(r), 0);
        const meanSeconds = (pick: (r: (typeof rows)[number]) => number): number =>
          rows.length ? Math.round(rows.reduce((a, r) => a + Math.floor(pick(r) / 1000), 0) / rows.length) : 0;
        return {
          online: host.online,
          maintenance: host.maintenance,
          hostname: host.baseUrl,
          ...(host.nodeName ? { nodeName: host.nodeName } : {}),
          cores: host.cores,
          // From 11.0 RUNNING per processing host, not gated by jobstats.collect (§3 servers.json).
          running: atLeast(version, 11)
            ? activeJobsOf(state).filter((j) => j.status === 'RUNNING' && j.processingHost === host.baseUrl).length
            : sum((r) => r.running),
          queued: sum((r) => r.queued),
          completed: sum((r) => r.finished),
          meanRunTime: meanSeconds((r) => r.meanRunTimeMs),
          meanQueueTime: meanSeconds((r) => r.meanQueueTimeMs),
        };
      })
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
    // limit defaults to 0, which returns no results: callers must pass it.
    const limit = Math.max(0, Number(req.query.get('limit') ?? 0) || 0);
    const offset = Math.min(Math.max(0, Number(req.query.get('offset') ?? 0) || 0), all.length);
    const results = all.slice(offset, offset + limit);
    return gson(200, { total: all.length, offset, count: results.length, limit, results });
  },
};

const me: Route = {
  method: 'GET',
  path: '/info/me.json',
  handle: (_req, { principal }) => {
    const org = {
      id: 'mh_default_org',
      name: 'Opencast Project',
      adminRole: 'ROLE_ADMIN',
      anonymousRole: 'ROLE_ANONYMOUS',
      properties: {},
    };
    if (principal.kind !== 'user') {
      return gson(200, {
        user: { username: 'anonymous', name: 'Anonymous', provider: 'opencast' },
        userRole: 'ROLE_USER_ANONYMOUS',
        roles: ['ROLE_ANONYMOUS'],
        org,
      });
    }
    const { user } = principal;
    return gson(200, {
      user: { username: user.username, name: user.name ?? user.username, email: '', provider: user.inMemory ? 'system' : 'opencast' },
      userRole: `ROLE_USER_${user.username.toUpperCase()}`,
      roles: [...user.roles],
      org,
    });
  },
};

const queuedJobCount: Route = {
  method: 'GET',
  path: '/workflow/queuedJobCount',
  handle: (req, { state }) => {
    // DCE fork only; inferred to count QUEUED non-workflow jobs of the given workflow operations (§3).
    if (!state.opencast.queuedJobCountEndpoint) return jettyError(404, req.path);
    const wanted = (req.query.get('operations') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const n = activeJobsOf(state).filter(
      (job) => job.status === 'QUEUED' && job.type !== WORKFLOW_TYPE && (wanted.length === 0 || wanted.includes(job.workflowOperation)),
    ).length;
    return plain(200, String(n));
  },
};

const apiEvents: Route = {
  method: 'GET',
  path: '/api/events',
  handle: (req, { state, version }) => externalEvents(req, state, version),
};

export const ROUTES: readonly Route[] = [hosts, activeJobs, statistics, count, maintenance, maxload, currentload, servers, me, queuedJobCount, apiEvents];
