import { describe, expect, it } from 'vitest';
import { AuthError } from '../../core/errors';
import type { OpencastPort } from '../../core/ports';
import { observeSchedule, type Observation } from '../../scaler/observe';
import { viewOf } from '../helpers/views';

const NOW = new Date('2026-03-02T15:00:00Z');
const WINDOW = { backMinutes: 240, aheadMinutes: 120 };
const port = (scheduledEvents?: OpencastPort['scheduledEvents']): OpencastPort => ({
  checkCredentials: async () => undefined,
  listHosts: async () => [],
  activeJobs: async () => [],
  queuedJobCount: async () => 0,
  setMaintenance: async () => undefined,
  ...(scheduledEvents ? { scheduledEvents } : {}),
});
const observation = (opencast?: OpencastPort): Observation => ({ view: viewOf([]), ...(opencast ? { opencast } : {}) });

describe('observeSchedule', () => {
  it('asks for the captures starting from 4 h back to 2 h ahead', async () => {
    const asked: Array<[string, string]> = [];
    const result = await observeSchedule(
      observation(
        port(async (from, to) => {
          asked.push([from.toISOString(), to.toISOString()]);
          return [{ id: 'e1', start: '2026-03-02T14:00:00.000Z', end: '2026-03-02T15:15:00.000Z', status: 'EVENTS.EVENTS.STATUS.RECORDING' }];
        }),
      ),
      NOW,
      WINDOW,
    );

    expect(asked).toEqual([['2026-03-02T11:00:00.000Z', '2026-03-02T17:00:00.000Z']]);
    expect(result).toEqual({ up: true, from: '2026-03-02T11:00:00.000Z', to: '2026-03-02T17:00:00.000Z', events: [expect.objectContaining({ id: 'e1' })] });
  });

  it.each([
    ['no Opencast client', observation(), /no Opencast client/],
    ['a port without a schedule', observation(port()), /reads no schedule/],
    [
      'a failing External API',
      observation(
        port(async () => {
          throw new Error('GET /api/events: HTTP 500');
        }),
      ),
      /HTTP 500/,
    ],
  ])('fails soft with %s', async (_, given, why) => {
    const result = await observeSchedule(given, NOW, WINDOW);

    expect(result.up).toBe(false);
    expect(!result.up && result.error).toMatch(why);
  });

  it.each([
    ['refused (401)', 'GET /api/events: Opencast refused the credentials of "opencast_system_account" (401)'],
    ['forbidden (403)', 'GET /api/events: "opencast_system_account" is not allowed to do this (403)'],
  ])('does not read credentials %s as no schedule: the AuthError goes to the caller', async (_, message) => {
    const refused = observation(
      port(async () => {
        throw new AuthError(message);
      }),
    );

    await expect(observeSchedule(refused, NOW, WINDOW)).rejects.toMatchObject({ name: 'AuthError', message: `opencast: ${message}` });
  });
});
