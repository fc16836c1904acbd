import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../core/errors';
import { createOpencastRouter } from '../../../sim/opencast/router';
import type { SimScheduledEvent } from '../../../sim/model/types';
import { OpencastTestState, T0 } from '../../fixtures/opencast-state';
import { inProcess, recording, type Exchange, type Mounted } from './mounts';

const MIN = 60_000;

/** The fixture state with a scheduler: captures by scheduled start. */
class ScheduledState extends OpencastTestState {
  events: SimScheduledEvent[] = [];
  scheduledEvents(from: number, to: number): SimScheduledEvent[] {
    return this.events.filter((e) => e.start >= from && e.start < to);
  }
}

const capture = (n: number, startMin: number, extra: Partial<SimScheduledEvent> = {}): SimScheduledEvent => ({
  id: `event-${n}`,
  agent: `room-${n}`,
  start: T0 + startMin * MIN,
  end: T0 + (startMin + 75) * MIN,
  ...extra,
});

describe('OpencastClient.scheduledEvents against the simulated External API', () => {
  let mounted: Mounted | undefined;
  let log: Exchange[] = [];
  afterEach(async () => {
    await mounted?.close();
    mounted = undefined;
  });

  async function clientFor(state: ScheduledState) {
    const recorded = recording(createOpencastRouter(state));
    log = recorded.log;
    mounted = await inProcess.mount(recorded.router);
    return mounted.client({ user: state.opencast.user, password: state.opencast.password, auth: 'digest' });
  }

  it('lists the captures starting in the range with their scheduling, asking for External API 1.1.0', async () => {
    const state = new ScheduledState('15.0');
    state.events = [capture(1, -90, { ingestedAt: T0 - 5 * MIN }), capture(2, 30), capture(3, 500)];
    const client = await clientFor(state);

    const events = await client.scheduledEvents(new Date(T0 - 120 * MIN), new Date(T0 + 120 * MIN));

    expect(events).toEqual([
      { id: 'event-1', start: new Date(T0 - 90 * MIN).toISOString(), end: new Date(T0 - 15 * MIN).toISOString(), agentId: 'room-1', status: 'EVENTS.EVENTS.STATUS.PROCESSING' },
      { id: 'event-2', start: new Date(T0 + 30 * MIN).toISOString(), end: new Date(T0 + 105 * MIN).toISOString(), agentId: 'room-2', status: 'EVENTS.EVENTS.STATUS.SCHEDULED' },
    ]);
    const request = log.find((e) => e.request.path === '/api/events' && e.response.status === 200)!.request;
    expect(request.headers.accept).toBe('application/v1.1.0+json');
    expect(request.query.get('filter')).toBe(`technical_start:${new Date(T0 - 120 * MIN).toISOString().replace('.000Z', 'Z')}/${new Date(T0 + 120 * MIN).toISOString().replace('.000Z', 'Z')}`);
    expect(request.query.get('withscheduling')).toBe('true');
  });

  it('follows pages until a short one', async () => {
    const state = new ScheduledState('15.0');
    state.events = Array.from({ length: 5 }, (_, i) => capture(i + 1, i));
    const client = await clientFor(state);

    const events = await client.scheduledEvents(new Date(T0 - MIN), new Date(T0 + 60 * MIN), 2);

    expect(events.map((e) => e.id)).toEqual(['event-1', 'event-2', 'event-3', 'event-4', 'event-5']);
    expect(log.filter((e) => e.request.path === '/api/events' && e.response.status === 200).map((e) => e.request.query.get('offset'))).toEqual(['0', '2', '4']);
  });

  it('is refused by an Opencast before 6.0 (406), which has no scheduling in its External API', async () => {
    const state = new ScheduledState('5.5');
    state.events = [capture(1, 30)];
    const client = await clientFor(state);

    await expect(client.scheduledEvents(new Date(T0), new Date(T0 + 60 * MIN))).rejects.toThrow(DependencyError);
    await expect(client.scheduledEvents(new Date(T0), new Date(T0 + 60 * MIN))).rejects.toThrow(/needs Opencast 6.0/);
  });

  it('fails as a dependency error while the index is unavailable, and loses half the events when they are missing from it', async () => {
    const state = new ScheduledState('15.0');
    state.events = [capture(1, 10), capture(2, 20), capture(3, 30), capture(4, 40)];
    const client = await clientFor(state);

    state.faults.add('schedule-unavailable');
    await expect(client.scheduledEvents(new Date(T0), new Date(T0 + 60 * MIN))).rejects.toThrow(/HTTP 500/);
    state.faults.delete('schedule-unavailable');
    state.faults.add('schedule-missing');
    expect((await client.scheduledEvents(new Date(T0), new Date(T0 + 60 * MIN))).map((e) => e.id)).toEqual(['event-1', 'event-3']);
  });

  it('reads statuses 30 minutes late from a stale index: an ingested capture still looks like it is recording', async () => {
    const state = new ScheduledState('15.0');
    state.events = [capture(1, -90, { ingestedAt: T0 - 10 * MIN })];
    const client = await clientFor(state);

    state.faults.add('schedule-stale');
    const [event] = await client.scheduledEvents(new Date(T0 - 120 * MIN), new Date(T0));

    expect(event?.status).toBe('EVENTS.EVENTS.STATUS.RECORDING');
  });
});

describe('OpencastClient.scheduledEvents on the External API\'s quirks', () => {
  let mounted: Mounted | undefined;
  afterEach(async () => {
    await mounted?.close();
    mounted = undefined;
  });

  const answering = async (body: unknown) => {
    mounted = await inProcess.mount(async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    return mounted.client({ user: 'u', password: 'p', auth: 'basic' });
  };

  it('skips an upload the scheduler never knew (`scheduling: {}`) and an event listed without scheduling', async () => {
    const client = await answering([
      { identifier: 'upload-1', status: 'EVENTS.EVENTS.STATUS.PROCESSING', scheduling: {} },
      { identifier: 'old-api', start: '2024-09-02T09:00:00Z' },
      { identifier: 'lecture-1', status: 'EVENTS.EVENTS.STATUS.SCHEDULED', scheduling: { agent_id: 'room-1', start: '2024-09-02T09:00:00Z', end: '2024-09-02T10:15:00Z', inputs: ['default'] } },
    ]);

    expect(await client.scheduledEvents(new Date(T0), new Date(T0 + 60 * MIN))).toEqual([
      { id: 'lecture-1', start: '2024-09-02T09:00:00.000Z', end: '2024-09-02T10:15:00.000Z', agentId: 'room-1', status: 'EVENTS.EVENTS.STATUS.SCHEDULED' },
    ]);
  });

  it('refuses a scheduling whose dates are not dates, naming the field', async () => {
    const client = await answering([{ identifier: 'x', scheduling: { start: 'tomorrow', end: '2024-09-02T10:15:00Z' } }]);

    await expect(client.scheduledEvents(new Date(T0), new Date(T0 + MIN))).rejects.toThrow(/events\[0\]\.scheduling\.start: expected an ISO date/);
  });
});

describe('the simulated External API event list', () => {
  it('is a protected path: without credentials it redirects to the login page', async () => {
    const state = new ScheduledState('15.0');
    state.events = [capture(1, 10)];
    const router = createOpencastRouter(state);
    const res = await router({ method: 'GET', path: '/api/events', query: new URLSearchParams({ withscheduling: 'true' }), headers: {}, body: '' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/login\.html$/);
  });
});
