import { describe, expect, it } from 'vitest';
import { createCheckDrainedHandler } from '../../activities/check-drained';
import type { WorkerState } from '../../machines/worker-lifecycle';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { drainUntilDraining, World } from '../helpers/activity-world';
import type { WorkerSpec } from '../helpers/views';

const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10 },
];
// set-maintenance gave running jobs 60 minutes (maxDrainMinutes' default).
const PAST_DEADLINE = 60 * 60;
// An hour into a drain its polls come a tenth of its age apart (check-drained.ts pollInterval): 360 s.

interface Row {
  does: string;
  force?: true;
  /** Seconds since maintenance went on; default one poll (30 s). */
  waited?: number;
  given?: (w: World) => void;
  expected: { state: WorkerState; code: string; waitSeconds: number };
  message?: RegExp;
}

const rows: Row[] = [
  { does: 'sends the worker to the stop when it runs no job', expected: { state: 'stopping', code: 'JobsDrained', waitSeconds: 30 } },
  { does: 'polls again in 30 s when one job is left', given: (w) => w.runJobs('worker1', 1), expected: { state: 'draining', code: 'Busy', waitSeconds: 30 } },
  { does: 'polls again in a minute when several jobs run', given: (w) => w.runJobs('worker1', 3), expected: { state: 'draining', code: 'Busy', waitSeconds: 60 } },
  {
    does: 'fails closed when Opencast is down: keeps draining, nothing stopped',
    given: (w) => (w.opencast.down = true),
    expected: { state: 'draining', code: 'OpencastUnavailable', waitSeconds: 60 },
  },
  // worker2, left in service, is a c5.xlarge: 4 free slots.
  {
    does: 'returns the worker to service when more is queued than the workers left in service take (a manual drain), saying so',
    given: (w) => w.queue(8),
    expected: { state: 'returningToService', code: 'DemandReturned', waitSeconds: 30 },
    message: /^demand returned \(queue rule\): queued load 8 \(8 job\(s\)\) exceeds the 4 free slot\(s\) of the 1 worker\(s\) left in service: back to service$/,
  },
  {
    does: 'goes on to the stop when the queue fits the free slots of the workers left in service (issue 23.1)',
    given: (w) => w.queue(2),
    expected: { state: 'stopping', code: 'JobsDrained', waitSeconds: 30 },
  },
  { does: 'goes on to the stop despite demand when the drain is forced', force: true, given: (w) => w.queue(8), expected: { state: 'stopping', code: 'JobsDrained', waitSeconds: 30 } },
  {
    does: 'returns a busy worker to service when the drain deadline passed',
    waited: PAST_DEADLINE,
    given: (w) => w.runJobs('worker1', 2),
    expected: { state: 'returningToService', code: 'DrainTimedOut', waitSeconds: 360 },
  },
  {
    does: 'stops a busy worker at the drain deadline when the drain is forced, saying so',
    force: true,
    waited: PAST_DEADLINE,
    given: (w) => w.runJobs('worker1', 2),
    expected: { state: 'stopping', code: 'ForcedStop', waitSeconds: 360 },
  },
  { does: 'sends an idle worker to the stop when the drain deadline passed', waited: PAST_DEADLINE, expected: { state: 'stopping', code: 'JobsDrained', waitSeconds: 360 } },
  {
    does: 'returns the worker to service when the deadline passed and Opencast is down (idleness unproven)',
    waited: PAST_DEADLINE,
    given: (w) => (w.opencast.down = true),
    expected: { state: 'returningToService', code: 'DrainTimedOut', waitSeconds: 360 },
  },
  // Fail closed, as core/scale.ts: force overrides the minimum and a busy count, never a count nobody could take.
  {
    does: 'returns the worker to service at the drain deadline when forced but Opencast is down (fail closed)',
    force: true,
    waited: PAST_DEADLINE,
    given: (w) => (w.opencast.down = true),
    expected: { state: 'returningToService', code: 'DrainTimedOut', waitSeconds: 360 },
    message: /drain timed out with an unknown number of running jobs: back to service/,
  },
  { does: 'ends the drain when the instance was stopped outside it', given: (w) => w.setStatus('worker1', 'stopped'), expected: { state: 'offline', code: 'InstanceStopped', waitSeconds: 30 } },
  { does: 'returns the worker to service when it became protected mid-drain', given: (w) => w.protect('worker1'), expected: { state: 'returningToService', code: 'Protected', waitSeconds: 30 } },
  {
    does: 'returns the worker to service when another worker stopped and the minimum is reached',
    given: (w) => w.setStatus('worker2', 'stopped'),
    expected: { state: 'returningToService', code: 'MinimumReached', waitSeconds: 30 },
  },
  {
    does: 'goes on to the stop below the minimum when the drain is forced',
    force: true,
    given: (w) => w.setStatus('worker2', 'stopped'),
    expected: { state: 'stopping', code: 'JobsDrained', waitSeconds: 30 },
  },
];

describe('check-drained', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare: begin-drain and set-maintenance put worker1 in maintenance; the Wait passes.
    const w = new World(SPECS);
    const state = await drainUntilDraining(w, { hostname: 'worker1', requestedBy: 'autoscale', ...(row.force ? { force: true } : {}) });
    w.forgetCalls();
    w.wait(row.waited ?? 30);
    row.given?.(w);
    // Act
    const worker = await createCheckDrainedHandler(w.deps)(state);
    // Assess
    expect({ state: worker.state, code: worker.reason.code, waitSeconds: worker.waitSeconds }).toEqual(row.expected);
    if (row.message) expect(worker.reason.message).toMatch(row.message);
    expect(w.effects()).toEqual([]);
  });

  describe('one demand rule with the policy (issue 23.1)', () => {
    const policy = (workers: number) => parseAutoscaleConfig({ policy: { name: 'static-peak', workers } }, 'test');

    it.each([
      ['goes on to the stop despite a queue when the policy would not keep the worker', 1, 'stopping', 'JobsDrained', /^no running job/],
      ['returns the worker to service when the policy would keep it now, saying which rule', 2, 'returningToService', 'DemandReturned', /^demand returned \(policy rule\): the static-peak policy would keep worker1: target 2 worker/],
    ] as const)('%s', async (_, workers, state, code, message) => {
      // Prepare: an autoscale drain; then more is queued than worker2 takes (the queue rule alone would keep worker1).
      const w = new World(SPECS, { autoscaleConfig: policy(workers) });
      const draining = await drainUntilDraining(w, { hostname: 'worker1', requestedBy: 'autoscale' });
      w.forgetCalls();
      w.wait(30);
      w.queue(8);
      // Act
      const worker = await createCheckDrainedHandler(w.deps)(draining);
      // Assess
      expect({ state: worker.state, code: worker.reason.code }).toEqual({ state, code });
      expect(worker.reason.message).toMatch(message);
      expect(w.effects()).toEqual([]);
    });
  });

  it('counts the jobs on the base_url the drain recorded when the match is lost to a second instance of its name (issue 23.2)', async () => {
    // Prepare: worker1 drains with 2 jobs; a second instance named worker1 appears whose private DNS is also worker1.internal.
    const w = new World(SPECS);
    const state = await drainUntilDraining(w, { hostname: 'worker1', requestedBy: 'autoscale' });
    w.runJobs('worker1', 2);
    const twin = { ...w.fleet.instances.find((i) => i.hostname === 'worker1')!, id: 'ow-worker1-b', ec2Id: 'i-0000000b' };
    w.fleet.instances.push(twin);
    w.forgetCalls();
    w.wait(30);
    // Act
    const worker = await createCheckDrainedHandler(w.deps)(state);
    // Assess: the host is ambiguous now, but the drain counts the 2 jobs on the URL it recorded: still draining.
    expect({ state: worker.state, code: worker.reason.code }).toEqual({ state: 'draining', code: 'Busy' });
    expect(w.effects()).toEqual([]);
  });

  it('keeps the jobs unknown when the match is lost and another unowned host may be the worker (re-registered under a new URL)', async () => {
    // Prepare: worker1 drains idle; a second instance named worker1 makes its row ambiguous, and a new row appears under a URL no rule knows.
    const w = new World(SPECS);
    const state = await drainUntilDraining(w, { hostname: 'worker1', requestedBy: 'autoscale' });
    w.fleet.instances.push({ ...w.fleet.instances.find((i) => i.hostname === 'worker1')!, id: 'ow-worker1-b', ec2Id: 'i-0000000b' });
    w.opencast.hosts.push({ baseUrl: 'https://oc-new.example.edu', online: true, active: true, maintenance: false });
    w.opencast.jobs.push({ id: 'j-new', type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'encode', processingHost: 'https://oc-new.example.edu' });
    w.forgetCalls();
    w.wait(30);
    // Act
    const worker = await createCheckDrainedHandler(w.deps)(state);
    // Assess: not sent to the stop on the recorded row's 0 jobs.
    expect(worker.state).toBe('draining');
    expect(worker.reason.code).toBe('OpencastUnavailable');
    expect(w.effects()).toEqual([]);
  });

  it('checks the instance it began with when another instance shares its name, and stops only that one (issue 23.4)', async () => {
    // Prepare: worker1 is drained; then a second instance named worker1 appears first in the listing, idle.
    const w = new World(SPECS);
    const state = await drainUntilDraining(w, { hostname: 'worker1', requestedBy: 'autoscale' });
    w.runJobs('worker1', 2);
    const twin = { ...w.fleet.instances.find((i) => i.hostname === 'worker1')!, id: 'ow-worker1-b', ec2Id: 'i-0000000b', privateDns: 'worker1b.internal' };
    w.fleet.instances.unshift(twin);
    w.forgetCalls();
    w.wait(30);
    // Act
    const worker = await createCheckDrainedHandler(w.deps)(state);
    // Assess: still draining the busy instance it began with, not sent to the stop by the idle twin.
    expect({ id: worker.id, state: worker.state, code: worker.reason.code }).toEqual({ id: 'ow-worker1', state: 'draining', code: 'Busy' });
    expect(w.effects()).toEqual([]);
  });

  it.each([
    ['the worker is gone from the cluster', (w: World) => w.remove('worker1'), 'WorkerNotFoundError', /no worker named "worker1"/],
    ['the state has no request', undefined, 'ConfigError', /check-drained input request/],
  ])('throws when %s, before any side effect', async (_, given, name, message) => {
    const w = new World(SPECS);
    const state = await drainUntilDraining(w, { hostname: 'worker1' });
    w.forgetCalls();
    w.wait(30);
    given?.(w);
    const event = given ? state : { worker: state.worker };
    const error = await createCheckDrainedHandler(w.deps)(event).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
