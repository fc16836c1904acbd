import { describe, expect, it } from 'vitest';
import { createPlanCycleHandler } from '../../activities/plan-cycle';
import { createReleaseMaintenanceHandler } from '../../activities/release-maintenance';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { DRAIN_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import { World } from '../helpers/activity-world';
import { NOW, type WorkerSpec } from '../helpers/views';

// worker2 was left in maintenance with no drain under way (a crashed drain, the original tool).
const SPECS: WorkerSpec[] = [
  { hostname: 'worker1', uptimeMinutes: 55 },
  { hostname: 'worker2', uptimeMinutes: 10, maintenance: true },
];
const CONFIG = parseAutoscaleConfig({ strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 5, down_threshold: 1 } }] }, 'test');
const SOON_AFTER = new Date(NOW.getTime() + 5_000);

interface Row {
  does: string;
  given?: (w: World) => void;
  /** Seconds between the plan and the release (default 5). */
  late?: number;
  expected: { released: boolean; reason: RegExp; askedInputOf?: string[] };
}

const rows: Row[] = [
  { does: 'switches maintenance off when the worker is still stranded', expected: { released: true, reason: /maintenance off, back in service/ } },
  {
    does: 'leaves the worker in maintenance when a drain named for it started meanwhile',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker2', SOON_AFTER), input: { hostname: 'worker2' } }),
    expected: { released: false, reason: /a drain started meanwhile/, askedInputOf: [] },
  },
  {
    does: 'leaves the worker in maintenance when a drain started by hand under a free name acts on it (its input says so)',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'ops-drain', input: { hostname: 'worker2', force: true } }),
    expected: { released: false, reason: /a drain started meanwhile/, askedInputOf: ['ops-drain'] },
  },
  {
    does: 'switches maintenance off when the drain started by hand acts on another worker',
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: 'ops-drain', input: { hostname: 'worker1' } }),
    expected: { released: true, reason: /back in service/, askedInputOf: ['ops-drain'] },
  },
  {
    does: "switches maintenance off when the drain that started is of a worker whose name extends this one's",
    given: (w) => w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker20', SOON_AFTER), input: { hostname: 'worker20' } }),
    expected: { released: true, reason: /back in service/, askedInputOf: [] },
  },
  {
    does: "leaves a worker protected since the plan in maintenance (an operator's hold)",
    given: (w) => w.protect('worker2'),
    expected: { released: false, reason: /worker2 is protected: its maintenance is the operator's, left as it is/ },
  },
  {
    does: 'does nothing when the worker is no longer in maintenance',
    given: (w) => (w.opencast.hosts.find((h) => h.baseUrl === 'http://worker2.internal')!.maintenance = false),
    expected: { released: false, reason: /no longer in maintenance/ },
  },
  // The original tool and `moscaler scale down` switch maintenance on and then stop the instance, with no drain execution.
  {
    does: 'leaves the flag alone when the worker is being stopped meanwhile (Opencast could dispatch to a host going down)',
    given: (w) => w.setStatus('worker2', 'stopping'),
    expected: { released: false, reason: /worker2 is stopping: left in maintenance/ },
  },
  { does: 'leaves the flag alone when the worker stopped meanwhile', given: (w) => w.setStatus('worker2', 'stopped'), expected: { released: false, reason: /worker2 is stopped: left in maintenance/ } },
  {
    does: 'fails closed when Opencast is down: nothing switched, and the reason says the flag is unknown',
    given: (w) => (w.opencast.down = true),
    expected: { released: false, reason: /^Opencast unavailable \(opencast: connect ECONNREFUSED\): maintenance unknown/ },
  },
  // Throttled past the next cycle's start: that cycle may have started a drain a lagging ListExecutions hides.
  { does: 'leaves the worker alone when the plan expired before the release ran', late: 56, expected: { released: false, reason: /the cycle's plan expired at 2026-11-23T12:00:55.000Z/ } },
  // Two instances named worker2 (issue 23.4): the release acts on the one the plan saw, and sees a drain keyed by it.
  {
    does: 'releases the instance the plan saw when another of its name appears first in the listing',
    given: (w) => w.fleet.instances.unshift({ ...w.fleet.instances.find((i) => i.hostname === 'worker2')!, id: 'ow-worker2-b', ec2Id: 'i-0000000b', privateDns: 'worker2b.internal' }),
    expected: { released: true, reason: /back in service/ },
  },
  {
    does: 'leaves the instance in maintenance when a drain keyed by that instance started meanwhile',
    given: (w) => {
      w.fleet.instances.push({ ...w.fleet.instances.find((i) => i.hostname === 'worker2')!, id: 'ow-worker2-b', ec2Id: 'i-0000000b', privateDns: 'worker2b.internal' });
      w.executions.add({ workflow: DRAIN_WORKFLOW, name: workerExecutionName('drain', 'worker2', SOON_AFTER, 'ow-worker2'), input: { hostname: 'worker2', instanceId: 'ow-worker2' } });
    },
    expected: { released: false, reason: /a drain started meanwhile/ },
  },
  {
    does: 'does nothing when the cluster has no admin node to reach Opencast at',
    given: (w) => w.remove('admin1'),
    expected: { released: false, reason: /^Opencast unavailable \(no admin node found.*\): maintenance unknown/ },
  },
];

describe('release-maintenance', () => {
  it.each(rows)('$does', async (row) => {
    // Prepare: the autoscale cycle planned the release (its Map hands each action to its state).
    const w = new World(SPECS, { autoscaleConfig: CONFIG });
    const plan = await createPlanCycleHandler(w.deps)({});
    const action = plan.actions.find((a) => a.kind === 'release');
    expect(action).toMatchObject({ hostname: 'worker2' });
    w.wait(row.late ?? 5);
    row.given?.(w);
    // Act
    const result = await createReleaseMaintenanceHandler(w.deps)(action);
    // Assess
    expect(result).toEqual({ hostname: 'worker2', released: row.expected.released, reason: expect.stringMatching(row.expected.reason) });
    if (row.expected.askedInputOf) expect(w.executions.asked).toEqual(row.expected.askedInputOf);
    expect(w.effects()).toEqual(row.expected.released ? ['maintenance-off http://worker2.internal'] : []);
  });

  it('plans no release when the plan itself ran past the next cycle (throttled): the next cycle decides', async () => {
    const w = new World(SPECS, { autoscaleConfig: CONFIG });
    const started = new Date(NOW.getTime() - 70_000).toISOString();
    const plan = await createPlanCycleHandler(w.deps)({ input: { everySeconds: 60 }, cycleStartedAt: started });
    expect(plan.actions.filter((a) => a.kind === 'release')).toEqual([]);
    const onTime = await createPlanCycleHandler(w.deps)({ input: { everySeconds: 60 }, cycleStartedAt: new Date(NOW.getTime() - 2_000).toISOString() });
    expect(onTime.actions.find((a) => a.kind === 'release')).toMatchObject({ hostname: 'worker2', notAfter: new Date(NOW.getTime() + 53_000).toISOString() });
  });

  it.each([
    ['the worker is gone from the cluster', { kind: 'release', hostname: 'worker2' }, (w: World) => w.remove('worker2'), 'WorkerNotFoundError', /no worker named "worker2"/],
    ['an action without a hostname', { kind: 'release' }, undefined, 'ConfigError', /release-maintenance input hostname/],
  ])('throws when %s, before any side effect', async (_, action, given, name, message) => {
    const w = new World(SPECS, { autoscaleConfig: CONFIG });
    given?.(w);
    const error = await createReleaseMaintenanceHandler(w.deps)(action).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, message: expect.stringMatching(message) });
    expect(w.effects()).toEqual([]);
  });
});
