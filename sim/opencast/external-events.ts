/**
 * The External API's event list with scheduling, as Opencast answers it from
 * 6.0 (External API 1.1.0, opencast/opencast commit 24d70ac75e "MH-12647 Add
 * Scheduling Capabilities to External API"):
 *
 *   GET /api/events?filter=technical_start:FROM/TO&withscheduling=true&sort=technical_start:ASC&limit=N&offset=K
 *   Accept: application/v1.1.0+json (or later)
 *
 * Sources: modules/external-api/.../endpoint/EventsEndpoint.java (getEvents,
 * eventToJSON: a JSON array; `status` from 1.1.0; `scheduling` only with
 * withscheduling and a 1.1.0+ Accept), .../util/SchedulingUtils.java
 * (SchedulingInfo.toJson: `start`, `end` as ISO_DATE_TIME in UTC, `agent_id`,
 * `inputs`; an event the scheduler does not know gets `{}`),
 * .../common/ApiMediaType.java (the version comes from the Accept header;
 * `application/json` is the newest), index-service RestUtils.getFromAndToDateRange
 * (`FROM/TO`, UTC), elasticsearch-index Event.java (the status words),
 * etc/security/mh_default_org.xml (GET /api/events: ROLE_ADMIN or ROLE_API_EVENTS_VIEW).
 * Before 6.0 the 1.1.0 Accept header is not acceptable (406).
 *
 * Faults: `schedule-unavailable` (500), `schedule-stale` (statuses as the
 * index saw them 30 minutes ago: ingested recordings still look upcoming),
 * `schedule-missing` (every other scheduled event absent from the index).
 * Ad-hoc uploads were never scheduled: the scheduler has no event for them.
 */
import type { SimClusterState, SimScheduledEvent } from '../model/types';
import type { WireRequest, WireResponse } from '../wire/types';
import { atLeast, type OpencastVersion } from './version';
import { gson, jettyError } from './wire-formats';

const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0', '1.8.0', '1.9.0', '1.10.0', '1.11.0'];

/** The newest External API version an Opencast release serves (EventsEndpoint's @Produces per tag). */
function newestApiVersion(v: OpencastVersion): number {
  if (atLeast(v, 16)) return 11;
  if (atLeast(v, 13)) return 9;
  if (atLeast(v, 10)) return 6;
  if (atLeast(v, 8)) return 3;
  if (atLeast(v, 6)) return 1;
  return 0;
}

/** The requested minor version (1.x.0) from the Accept header, or undefined when none is acceptable. */
function requestedVersion(accept: string | undefined, newest: number): number | undefined {
  if (accept === undefined || accept.includes('application/json') || accept.includes('*/*') || accept.includes('application/*')) return newest;
  for (let m = VERSIONS.length - 1; m >= 0; m--) if (accept.includes(`application/v${VERSIONS[m]}+json`)) return m <= newest ? m : undefined;
  return undefined;
}

/** ISO_DATE_TIME of a UTC instant as Java formats it: no millis when they are zero. */
export function javaIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Event status words (Event.java): scheduled, recording (capturing and uploading), processing, processed.
 * Event.updateEventStatus takes the workflow's state, else the capture agent's recording state, else SCHEDULED
 * for a scheduled event: a capture whose agent never reported (`missed`) stays SCHEDULED after its end.
 */
export function statusOf(e: SimScheduledEvent, at: number): string {
  if (e.missed) return 'EVENTS.EVENTS.STATUS.SCHEDULED';
  if (e.completedAt !== undefined && e.completedAt <= at) return 'EVENTS.EVENTS.STATUS.PROCESSED';
  if (e.ingestedAt !== undefined && e.ingestedAt <= at) return 'EVENTS.EVENTS.STATUS.PROCESSING';
  if (at >= e.end) return 'EVENTS.EVENTS.STATUS.INGESTING';
  if (at >= e.start) return 'EVENTS.EVENTS.STATUS.RECORDING';
  return 'EVENTS.EVENTS.STATUS.SCHEDULED';
}

/** How far behind a stale index is (`schedule-stale`): ingested events still read as scheduled or recording. */
const STALE_INDEX_MS = 30 * 60_000;

/** What the event index holds for [from, to) now, faults included, and the instant its statuses are from. */
export function indexedEvents(state: SimClusterState, from: number, to: number): { events: SimScheduledEvent[]; asOf: number } {
  const now = state.now();
  const asOf = state.faultActive('schedule-stale') ? now - STALE_INDEX_MS : now;
  let events = state.scheduledEvents ? [...state.scheduledEvents(from, to)] : [];
  if (state.faultActive('schedule-missing')) events = events.filter((_, i) => i % 2 === 0);
  return { events, asOf };
}

export function externalEvents(req: WireRequest, state: SimClusterState, version: OpencastVersion): WireResponse {
  const newest = newestApiVersion(version);
  const api = requestedVersion(req.headers.accept, newest);
  if (api === undefined) return jettyError(406, req.path);
  if (state.faultActive('schedule-unavailable')) return jettyError(500, req.path);
  const filters = (req.query.get('filter') ?? '').split(',').filter(Boolean);
  let from = -Infinity;
  let to = Infinity;
  for (const f of filters) {
    const name = f.slice(0, f.indexOf(':'));
    const value = f.slice(name.length + 1);
    if (name === 'technical_start' && api >= 1) {
      const [a, b] = value.split('/');
      from = Date.parse(a ?? '');
      to = Date.parse(b ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) return { status: 400, headers: { 'content-type': 'text/plain' }, body: "Filter 'technical_start' could not be parsed" };
    } else if (api >= 1) {
      return { status: 400, headers: { 'content-type': 'text/plain' }, body: `Unknown filter criterion in request: ${name}` };
    }
  }
  const now = state.now();
  const lo = Number.isFinite(from) ? from : now - 7 * 86_400_000;
  const hi = Number.isFinite(to) ? to : now + 7 * 86_400_000;
  const { events, asOf } = indexedEvents(state, lo, hi);
  const offset = Number(req.query.get('offset') ?? 0);
  const limit = Number(req.query.get('limit') ?? 0);
  const page = events.slice(offset, limit > 0 ? offset + limit : undefined);
  const withScheduling = req.query.get('withscheduling') === 'true' && api >= 1;
  return gson(
    200,
    page.map((e) => {
      const json: Record<string, unknown> = {
        identifier: e.id,
        creator: 'Opencast Project Administrator',
        location: e.agent,
        presenter: [],
        processing_state: e.ingestedAt !== undefined && e.ingestedAt <= asOf ? 'RUNNING' : '',
        start: javaIso(e.start),
        duration: e.end - e.start,
        title: `Lecture in ${e.agent}`,
      };
      if (api >= 1) json.status = statusOf(e, asOf);
      if (withScheduling) json.scheduling = { agent_id: e.agent, start: javaIso(e.start), end: javaIso(e.end), inputs: ['default'] };
      return json;
    }),
  );
}
