/**
 * Day-one bugs (issue 23 items 2-5) shown by the Opencast registries of real
 * clusters (issue 22 item 3): each test is the smallest world that exposed
 * its bug, judged by the invariants of reliability/invariants.ts where one applies.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { autoscaleExecutionName } from '../../core/execution-names';
import SHIPPED_CONFIG from '../../config/autoscale.example.json' with { type: 'json' };
import type { DaySpec } from '../../reliability/day';
import { recordEffects } from '../../reliability/effects';
import { runDay, type DayOptions } from '../../reliability/run-day';
import type { EffectRecord } from '../../reliability/invariants';
import { simWorkflows } from '../workflows/helpers';

const START = '2025-10-13T10:00:00Z';
const MIN = 60_000;
const SHIPPED = parseAutoscaleConfig(SHIPPED_CONFIG, 'config/autoscale.example.json');

type Sim = ReturnType<typeof simWorkflows>;

function world(input: Record<string, unknown>, config = undefined as ReturnType<typeof parseAutoscaleConfig> | undefined) {
  const sim = simWorkflows({ cluster: 'c', start: START, billing: 'per-second', minWorkers: 0, others: [{ hostname: 'admin1', layer: 'admin' }], ...input } as never, { MOSCALER_MIN_WORKERS: '0' }, config);
  const effects: EffectRecord[] = [];
  recordEffects(sim.cluster, (e) => effects.push(e));
  return { sim, effects };
}

/** One autoscale execution per minute for `minutes`; their final statuses. */
async function cycles(sim: Sim, minutes: number): Promise<string[]> {
  const start = sim.vt.clock.now;
  const refs = [];
  for (let i = 0; i < minutes; i++) {
    const t = start + i * MIN;
    refs.push(await sim.engine.start('autoscale', {}, { name: autoscaleExecutionName(new Date(t)) }));
    await sim.vt.run({ deadline: t + MIN });
  }
  await sim.vt.run({ until: () => sim.idle(), deadline: sim.vt.clock.now + 3 * 3_600_000 });
  const names = new Set(refs.map((r) => r.name));
  const listed = (await sim.engine.list({ workflow: 'autoscale' })).filter((e) => names.has(e.ref.name));
  return listed.sort((a, b) => a.ref.name.localeCompare(b.ref.name)).map((e) => e.status);
}

/** Stops that reached an instance while Opencast listed a job running on it (the no-stop-with-listed-job invariant). */
/** A soak day as the soak prints it (its JSON), run again. */
const soakDay = (json: string, options?: DayOptions) => runDay(JSON.parse(json) as DaySpec, options);

const busyStops = (effects: readonly EffectRecord[]) => effects.filter((e) => e.op === 'stop' && e.changed && (e.listedJobs ?? 0) > 0);
const stops = (effects: readonly EffectRecord[]) => effects.filter((e) => e.op === 'stop' && e.changed);

describe('registry regressions (issue 23)', () => {
  it('item 2, unknown is not idle: every node at localhost, busy workers are not chosen for a drain', async () => {
    // Opencast's default URL on every node: one shared host row that no worker can claim. Before the fix the plan
    // counted both as idle ("stop #1: ... 0 running job(s)") and started a drain of a busy worker every cycle
    // (only the drain's own registration check kept it from stopping).
    const { sim, effects } = world({
      others: [{ hostname: 'admin1', layer: 'admin', baseUrl: 'localhost' }],
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 50, runningJobs: 2, baseUrl: 'localhost' },
        { hostname: 'worker2', state: 'online', uptimeMinutes: 50, runningJobs: 2, baseUrl: 'localhost' },
      ],
    });
    await cycles(sim, 8);
    expect(await sim.engine.list({ workflow: 'drain-worker' })).toEqual([]);
    expect(busyStops(effects)).toEqual([]);
    expect(sim.cluster.runData().counters.interruptions).toBe(0);
  });

  it('a drain whose worker re-registers under another base_url mid-drain (host-moved) does not stop it busy', async () => {
    // The drain's host row goes offline when Opencast restarts under the new URL; its job restarts on the same
    // instance at the new row, which the drain must still count. (A guard for item 2's "a drain counts the jobs on
    // the base_url it recorded": it held before and after the fix.)
    const { sim, effects } = world({
      workers: [{ hostname: 'worker1', state: 'online', uptimeMinutes: 50, runningJobs: 1 }],
      trace: { jobs: [{ at: '+4m', workflowOperation: 'encode', durationMinutes: 40, count: 2 }] },
      faults: [{ at: '+3m', kind: 'host-moved', forMinutes: 120, target: 'worker1' }],
    });
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false, maxDrainMinutes: 120 }, { name: 'drain-worker1-by-hand' });
    await sim.vt.drive(sim.engine.wait(ref));
    expect(busyStops(effects)).toEqual([]);
  });

  it('item 3, slots per worker from workers: small admin and engage nodes do not make the plan start workers by the handful', async () => {
    // One full c5.9xlarge (36 slots), admin and engage at 4 slots: a queue of 18 load units fits one more worker.
    // Before the fix slots per worker were the median over all hosts (4), and the shipped policy started 4-5.
    const { sim, effects } = world(
      {
        others: [
          { hostname: 'admin1', layer: 'admin', maxLoad: 4 },
          { hostname: 'engage1', layer: 'engage', maxLoad: 4 },
        ],
        workers: [
          { hostname: 'worker1', state: 'online', uptimeMinutes: 50, runningJobs: 24 },
          { hostname: 'worker{n}', count: 5, from: 2, state: 'stopped' },
        ],
        trace: { jobs: [{ at: '+0m', workflowOperation: 'composite', load: 1.5, durationMinutes: 60, count: 12 }] },
      },
      SHIPPED,
    );
    await cycles(sim, 2);
    expect(effects.filter((e) => e.op === 'start' && e.changed).length).toBeLessThanOrEqual(1);
  });

  it('item 4, one actor per instance: two instances named worker1, the busy one is never stopped and every cycle succeeds', async () => {
    // EC2 keeps Name tags non-unique. Before the fix both shared one execution key, and a drain that checked
    // one instance could stop the other.
    const { sim, effects } = world({
      provider: 'ec2',
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 50, runningJobs: 3 },
        { hostname: 'worker1', state: 'online', uptimeMinutes: 50 },
      ],
    });
    const statuses = await cycles(sim, 8);
    expect(statuses.every((s) => s === 'SUCCEEDED')).toBe(true);
    expect(busyStops(effects)).toEqual([]);
    // The idle one is drained: the busy one's jobs do not hold it.
    expect(stops(effects).map((e) => e.instanceId)).toEqual([sim.cluster.instances.filter((i) => i.hostname === 'worker1')[1]!.opsworksId]);
  });

  it.each([
    ['a stale online row of a crashed node', { opencast: { staleHosts: [{ baseUrl: 'http://ip-10-0-99-10.ec2.internal', online: true }] } }],
    ['a node outside the cluster tag', { others: [{ hostname: 'admin1', layer: 'admin' }, { hostname: 'elsewhere-worker1', layer: 'worker', cluster: 'elsewhere', instanceType: 'c5.xlarge' }] }],
  ])('item 5, one stray host (%s) does not keep an unserving worker billing', async (_name, stray) => {
    // worker1 bills (EC2 running 40 min) but its Opencast never registered. Before the fix any unclaimed online
    // host turned the unserved-billing stop off for the whole fleet.
    const { sim, effects } = world({
      provider: 'ec2',
      workers: [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 40, registered: false },
        { hostname: 'worker2', state: 'online', uptimeMinutes: 40 },
      ],
      ...stray,
    });
    await cycles(sim, 5);
    expect(stops(effects).map((e) => e.hostname)).toContain('worker1');
  });
});

describe('password rotation on the deployed stack', () => {
  // Found by the soak (seed 11, 15 days; typed-errors): Opencast's password and the secret rotate together; the
  // function environment still held the old secret, and Plan's 401 was a ConfigError: the rotation's cycle FAILED
  // (and paged). Fixed in wiring/lambda-runtime.ts: credentials an earlier invocation read are read again at once.
  it('every cycle succeeds through a rotation: a refused secret is read again, not a configuration error', async () => {
    const sim = simWorkflows(
      { cluster: 'c', start: START, billing: 'per-second', minWorkers: 0, others: [{ hostname: 'admin1', layer: 'admin' }], workers: [{ hostname: 'worker1', state: 'online', uptimeMinutes: 50 }], faults: [{ at: '+1m', kind: 'password-rotated', forMinutes: 1 }] } as never,
      { MOSCALER_MIN_WORKERS: '0' },
      undefined,
      'aws',
    );
    expect(await cycles(sim, 3)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  }, 120_000);
});

describe('a console execution', () => {
  // Found by the soak (seed 20261207, shard 20261208, day 14; one-actor-per-instance): the 08:00 cycle starts a
  // boot of the stopped worker-2, and in the same second someone starts a drain of it in the console (a UUID name).
  // ListExecutions does not list the boot yet (eventual consistency), so the drain's "boot in progress" check
  // passes, and it stops the instance the boot has just started: two executions act on one instance.
  it('started in the same second as a boot of its worker does not act on it too', async () => {
    const result = await soakDay("{\"names\":\"mixed\",\"workload\":\"independent\",\"seed\":352049,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"opsworks\",\"minWorkers\":1,\"policy\":\"queue+load\",\"upIncrement\":1,\"downIncrement\":1,\"pauseCycles\":1,\"workers\":[{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"booting\",\"uptimeMinutes\":2,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":243,\"runningJobs\":3,\"maintenance\":true,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":17,\"bursts\":[{\"atMinute\":9,\"count\":42,\"durationMinutes\":41,\"operation\":\"encode\"},{\"atMinute\":8,\"count\":112,\"durationMinutes\":31,\"operation\":\"inspect\"},{\"atMinute\":141,\"count\":96,\"durationMinutes\":8,\"operation\":\"composite\"}],\"faults\":[{\"kind\":\"console-execution\",\"atMinute\":0,\"forMinutes\":1,\"worker\":2}],\"kills\":[],\"registry\":{\"adminMaxLoad\":2,\"adminJobs\":0,\"engage\":false,\"ingest\":true,\"nodeMaxLoad\":4,\"nodeJobs\":0,\"staleHosts\":0,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":0}}");
    expect(result.violations.map((v) => v.invariant)).toEqual([]);
  });
});

describe('a password rotation and the release of a worker left in maintenance', () => {
  // Found by the 1,000-day soak (seed 20261209, on 793bdab; maintenance-settles): after Opencast's password and the
  // secret rotated, the release-maintenance function's environment kept the old password. Its 401 was taken as
  // "Opencast unavailable: maintenance unknown, left as it is", not as a refusal, so the function never read the
  // secret again and no release worked for the rest of the day (the Plan, which refuses on a 401, had re-read it).
  // Fixed in activities/support/observe.ts: an activity's observation refused by Opencast throws, as the Plan's does.
  it.each([
    ['opsworks, hourly: a worker whose boot was killed comes back online in maintenance', "{\"names\":\"spaces\",\"workload\":\"independent\",\"seed\":632346,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"opsworks\",\"minWorkers\":1,\"policy\":\"shipped\",\"upIncrement\":2,\"downIncrement\":1,\"pauseCycles\":0,\"workers\":[{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":242,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":293,\"runningJobs\":3,\"maintenance\":true,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"online\",\"uptimeMinutes\":7,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":20,\"bursts\":[],\"faults\":[{\"kind\":\"host-moved\",\"atMinute\":162,\"forMinutes\":4,\"worker\":5},{\"kind\":\"schedule-stale\",\"atMinute\":100,\"forMinutes\":10},{\"kind\":\"console-execution\",\"atMinute\":141,\"forMinutes\":1,\"worker\":4},{\"kind\":\"schedule-unavailable\",\"atMinute\":48,\"forMinutes\":19},{\"kind\":\"opencast-slow\",\"atMinute\":100,\"forMinutes\":3},{\"kind\":\"password-rotated\",\"atMinute\":54,\"forMinutes\":7}],\"kills\":[{\"at\":\"effect\",\"ordinal\":6},{\"at\":\"step\",\"ordinal\":349},{\"at\":\"effect\",\"ordinal\":22}],\"registry\":{\"adminMaxLoad\":8,\"adminJobs\":2,\"engage\":false,\"ingest\":false,\"nodeMaxLoad\":8,\"nodeJobs\":1,\"staleHosts\":1,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":1,\"sharedName\":false,\"rooms\":1}}"],
    ['ec2, per-second, EC2 throttled: workers left in maintenance by a kill', "{\"names\":\"mixed\",\"workload\":\"independent\",\"seed\":583809,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"per-second\",\"provider\":\"ec2\",\"minWorkers\":0,\"policy\":\"queue\",\"upIncrement\":3,\"downIncrement\":2,\"pauseCycles\":1,\"workers\":[{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"booting\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":4,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":297,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":12,\"bursts\":[{\"atMinute\":204,\"count\":108,\"durationMinutes\":25,\"operation\":\"publish-engage\"},{\"atMinute\":65,\"count\":19,\"durationMinutes\":3,\"operation\":\"publish-engage\"},{\"atMinute\":15,\"count\":63,\"durationMinutes\":42,\"operation\":\"publish-engage\"},{\"atMinute\":55,\"count\":24,\"durationMinutes\":26,\"operation\":\"encode\"}],\"faults\":[{\"kind\":\"password-rotated\",\"atMinute\":160,\"forMinutes\":2},{\"kind\":\"schedule-unavailable\",\"atMinute\":111,\"forMinutes\":30},{\"kind\":\"aws-throttle\",\"atMinute\":133,\"forMinutes\":19,\"target\":\"ec2\"},{\"kind\":\"console-execution\",\"atMinute\":18,\"forMinutes\":1,\"worker\":6}],\"kills\":[{\"at\":\"effect\",\"ordinal\":14}],\"registry\":{\"adminMaxLoad\":4,\"adminJobs\":0,\"engage\":true,\"ingest\":true,\"nodeMaxLoad\":8,\"nodeJobs\":1,\"staleHosts\":0,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":0,\"sharedName\":false,\"rooms\":3}}"],
  ])('%s: every stranded worker is back in service within a cycle', async (_name, text) => {
    const result = await soakDay(text);
    expect(result.violations).toEqual([]);
  }, 120_000);
});

describe('every node at localhost: a worker left unserved behind the shared row is not the scaler\'s to stop', () => {
  // Found by the 1,000-day soak (seed 20261213, on 7c4cc70; no-unserved-billing on 2 days, both all at localhost with a
  // host-moved fault). A host move restarts one node's Opencast: its deactivate unregisters the shared localhost row
  // (ServiceRegistryJpaImpl: one row per base_url), which goes offline for every node at that URL, and the nodes
  // still up never register again. The scaler is right not to stop them: no row or job names the instance behind
  // localhost, so whether one of them still runs work is unknown, and unknown is not idle (issue 23 item 2); the Plan
  // and boot-worker say "not stopped: ... map it with MOSCALER_HOST_URLS" instead. It never stops them, so the report
  // at one cycle past the bound is only the first check after it (the stretch goes on). Fixed in the checker
  // (reliability/run-day.ts): a worker on a shared host row is left out of no-unserved-billing, as it already was
  // of maintenance-settles. Verified both days failed before the fix.
  it.each([
    ['ec2, hourly, shipped policy: the moved worker, stopped and started again, bills behind the offline shared row', "{\"names\":\"fqdn\",\"workload\":\"catalog\",\"seed\":374047,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"ec2\",\"minWorkers\":1,\"policy\":\"shipped\",\"upIncrement\":2,\"downIncrement\":2,\"pauseCycles\":1,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":113,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":1,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"}],\"queued\":5,\"bursts\":[{\"atMinute\":25,\"count\":33,\"durationMinutes\":32,\"operation\":\"composite\"},{\"atMinute\":156,\"count\":119,\"durationMinutes\":43,\"operation\":\"composite\"},{\"atMinute\":96,\"count\":118,\"durationMinutes\":31,\"operation\":\"inspect\"},{\"atMinute\":7,\"count\":36,\"durationMinutes\":3,\"operation\":\"inspect\"},{\"atMinute\":163,\"count\":118,\"durationMinutes\":7,\"operation\":\"composite\"},{\"atMinute\":43,\"count\":2,\"durationMinutes\":30,\"operation\":\"encode\"}],\"faults\":[{\"kind\":\"schedule-stale\",\"atMinute\":154,\"forMinutes\":10},{\"kind\":\"host-moved\",\"atMinute\":43,\"forMinutes\":6,\"worker\":3},{\"kind\":\"insufficient-capacity\",\"atMinute\":112,\"forMinutes\":68,\"target\":\"c5.9xlarge\"},{\"kind\":\"connection-lost\",\"atMinute\":87,\"forMinutes\":93,\"worker\":3},{\"kind\":\"never-registers\",\"atMinute\":46,\"forMinutes\":12}],\"kills\":[{\"at\":\"step\",\"ordinal\":361},{\"at\":\"step\",\"ordinal\":9}],\"registry\":{\"adminMaxLoad\":16,\"adminJobs\":1,\"engage\":false,\"ingest\":false,\"nodeMaxLoad\":2,\"nodeJobs\":1,\"staleHosts\":0,\"staleOnline\":0,\"localhost\":true,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":0}}"],
    ['opsworks, hourly, queue policy: the host move takes the row offline for the three others', "{\"names\":\"spaces\",\"workload\":\"independent\",\"seed\":496746,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"opsworks\",\"minWorkers\":2,\"policy\":\"queue\",\"upIncrement\":3,\"downIncrement\":1,\"pauseCycles\":1,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":2,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"online\",\"uptimeMinutes\":295,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":84,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"}],\"queued\":11,\"bursts\":[{\"atMinute\":126,\"count\":119,\"durationMinutes\":31,\"operation\":\"encode\"},{\"atMinute\":178,\"count\":48,\"durationMinutes\":27,\"operation\":\"publish-engage\"},{\"atMinute\":38,\"count\":113,\"durationMinutes\":5,\"operation\":\"inspect\"},{\"atMinute\":100,\"count\":76,\"durationMinutes\":25,\"operation\":\"inspect\"}],\"faults\":[{\"kind\":\"host-moved\",\"atMinute\":11,\"forMinutes\":12}],\"kills\":[{\"at\":\"effect\",\"ordinal\":6},{\"at\":\"effect\",\"ordinal\":14}],\"registry\":{\"adminMaxLoad\":16,\"adminJobs\":3,\"engage\":false,\"ingest\":false,\"nodeMaxLoad\":2,\"nodeJobs\":1,\"staleHosts\":2,\"staleOnline\":0,\"localhost\":true,\"outsideJobs\":2,\"sharedName\":false,\"rooms\":1}}"],
  ])('%s', async (_name, text) => {
    const result = await soakDay(text);
    expect(result.violations).toEqual([]);
  }, 120_000);
});

describe('two instances with one Name', () => {
  // Found by the 1,000-day soak (seed 20261215, shard 20261216, on 1610f11; maintenance-settles, 1 day of 694): an
  // ec2/per-second day with a shared Name tag and three kills (two at random steps, one right after the first call
  // reached the cluster): worker1 stays in maintenance with nothing acting on it for a cycle after the faults end.
  // The other worker1 never ran (start_failed), yet both claimed the row http://worker1:8080 by name, so no one owned
  // it and the running worker1's maintenance (left by a crash before the day) was never released. A machine that does
  // not run cannot hold a row: the running twin owns it (core/host-match.ts breakTie).
  it('the running twin owns its row, and its maintenance left by a crash is released within a cycle', async () => {
    const result = await soakDay("{\"names\":\"mixed\",\"workload\":\"catalog\",\"seed\":531763,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"per-second\",\"provider\":\"ec2\",\"minWorkers\":0,\"policy\":\"metrics\",\"upIncrement\":2,\"downIncrement\":2,\"pauseCycles\":0,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":300,\"runningJobs\":3,\"maintenance\":true,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"booting\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"}],\"queued\":19,\"bursts\":[{\"atMinute\":199,\"count\":46,\"durationMinutes\":37,\"operation\":\"inspect\"}],\"faults\":[{\"kind\":\"metrics-missing\",\"atMinute\":95,\"forMinutes\":21}],\"kills\":[{\"at\":\"step\",\"ordinal\":325},{\"at\":\"step\",\"ordinal\":230},{\"at\":\"effect\",\"ordinal\":1}],\"registry\":{\"adminMaxLoad\":8,\"adminJobs\":2,\"engage\":true,\"ingest\":true,\"nodeMaxLoad\":8,\"nodeJobs\":1,\"staleHosts\":2,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":0,\"sharedName\":true,\"rooms\":6}}");
    expect(result.violations).toEqual([]);
    expect(result.counts.maintenanceOff).toBeGreaterThan(0);
  }, 120_000);
  // Soak seed 20261217 (shards 20261217 and 20261218, on aca8a2f; maintenance-settles, 2 days of 462): both twins were
  // started; one registered the row both claim (by name, or by Opencast's node name when the Name has spaces), the
  // other serves on a row of its own. Each still claimed the first row equally, so no one owned it and the first
  // twin's maintenance was never released. A node registers under one URL at a time: the twin holding an online row
  // of its own is not on this one (core/host-match.ts breakTie).
  it.each([
    ['by name, the other twin at its private DNS', "{\"names\":\"plain\",\"workload\":\"catalog\",\"seed\":999998,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"ec2\",\"minWorkers\":0,\"policy\":\"queue+load\",\"upIncrement\":3,\"downIncrement\":1,\"pauseCycles\":0,\"workers\":[{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":true,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":171,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"online\",\"uptimeMinutes\":4,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"}],\"queued\":4,\"bursts\":[{\"atMinute\":67,\"count\":60,\"durationMinutes\":45,\"operation\":\"encode\"},{\"atMinute\":55,\"count\":4,\"durationMinutes\":22,\"operation\":\"inspect\"},{\"atMinute\":167,\"count\":26,\"durationMinutes\":44,\"operation\":\"publish-engage\"}],\"faults\":[{\"kind\":\"kill-scaler\",\"atMinute\":51,\"forMinutes\":12},{\"kind\":\"capture-missed\",\"atMinute\":94,\"forMinutes\":64},{\"kind\":\"setup-failed\",\"atMinute\":139,\"forMinutes\":41,\"worker\":3},{\"kind\":\"capture-missed\",\"atMinute\":77,\"forMinutes\":92}],\"kills\":[{\"at\":\"step\",\"ordinal\":273},{\"at\":\"step\",\"ordinal\":504},{\"at\":\"effect\",\"ordinal\":3}],\"registry\":{\"adminMaxLoad\":2,\"adminJobs\":2,\"engage\":false,\"ingest\":false,\"nodeMaxLoad\":8,\"nodeJobs\":2,\"staleHosts\":2,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":0}}"],
    ['by node name (a Name with spaces), the other twin at its private DNS', "{\"names\":\"spaces\",\"workload\":\"catalog\",\"seed\":667833,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"ec2\",\"minWorkers\":0,\"policy\":\"queue\",\"upIncrement\":2,\"downIncrement\":1,\"pauseCycles\":0,\"workers\":[{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":6,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":15,\"bursts\":[{\"atMinute\":101,\"count\":99,\"durationMinutes\":8,\"operation\":\"composite\"},{\"atMinute\":164,\"count\":29,\"durationMinutes\":7,\"operation\":\"publish-engage\"},{\"atMinute\":208,\"count\":48,\"durationMinutes\":1,\"operation\":\"inspect\"},{\"atMinute\":99,\"count\":111,\"durationMinutes\":27,\"operation\":\"encode\"},{\"atMinute\":16,\"count\":10,\"durationMinutes\":17,\"operation\":\"publish-engage\"},{\"atMinute\":118,\"count\":108,\"durationMinutes\":3,\"operation\":\"composite\"}],\"faults\":[],\"kills\":[{\"at\":\"step\",\"ordinal\":163},{\"at\":\"step\",\"ordinal\":129},{\"at\":\"step\",\"ordinal\":386}],\"registry\":{\"adminMaxLoad\":4,\"adminJobs\":1,\"engage\":true,\"ingest\":true,\"nodeMaxLoad\":8,\"nodeJobs\":1,\"staleHosts\":0,\"staleOnline\":1,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":6}}"],
  ])('the twin on the row both claim %s owns it, and its maintenance is released', async (_what, day) => {
    const result = await soakDay(day);
    expect(result.violations).toEqual([]);
    expect(result.counts.maintenanceOff).toBeGreaterThan(0);
  }, 120_000);
  // Soak seed 20261221 (shard 20261222, on 2cd3045; maintenance-settles, 1 day of 768): the other twin still boots, with
  // no row of its own yet, so the row stays one no single instance owns. Its maintenance, left by a crash, is
  // nobody's: with no boot or drain on either twin, the cycle releases the row by its URL (core/stranded.ts).
  it('a row two running twins claim equally is released when no workflow acts on either', async () => {
    const result = await soakDay("{\"names\":\"mixed\",\"workload\":\"independent\",\"seed\":534414,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"per-second\",\"provider\":\"ec2\",\"minWorkers\":2,\"policy\":\"queue+load\",\"upIncrement\":2,\"downIncrement\":1,\"pauseCycles\":2,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":217,\"runningJobs\":0,\"maintenance\":true,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"booting\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":196,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"online\",\"uptimeMinutes\":246,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":208,\"runningJobs\":3,\"maintenance\":true,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"online\",\"uptimeMinutes\":203,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":106,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":5,\"bursts\":[{\"atMinute\":189,\"count\":104,\"durationMinutes\":28,\"operation\":\"encode\"},{\"atMinute\":189,\"count\":112,\"durationMinutes\":19,\"operation\":\"publish-engage\"},{\"atMinute\":120,\"count\":11,\"durationMinutes\":5,\"operation\":\"publish-engage\"},{\"atMinute\":210,\"count\":53,\"durationMinutes\":25,\"operation\":\"publish-engage\"}],\"faults\":[],\"kills\":[{\"at\":\"step\",\"ordinal\":22},{\"at\":\"effect\",\"ordinal\":21}],\"registry\":{\"adminMaxLoad\":8,\"adminJobs\":0,\"engage\":true,\"ingest\":false,\"nodeMaxLoad\":2,\"nodeJobs\":2,\"staleHosts\":1,\"staleOnline\":0,\"localhost\":false,\"outsideJobs\":2,\"sharedName\":true,\"rooms\":0}}");
    expect(result.violations).toEqual([]);
    expect(result.counts.maintenanceOff).toBeGreaterThan(0);
  }, 120_000);

  // Soak seed 20261223 (shard 20261223, on 27cdb0a; no-unserved-billing, 1 day of 669): one twin serves on
  // http://<the shared Name>:8080, the other was drained, booted again and never registered (connection-lost). Nothing in
  // Opencast tells which twin that row is, so the scaler rightly stops neither (its plan names the row and the fix):
  // the checker takes that twin as it takes a shared localhost row (reliability/run-day.ts twinsOnNameRow).
  it('a twin that never registers while the other serves on a row named for both is not held against the scaler', async () => {
    const result = await soakDay("{\"names\":\"fqdn\",\"workload\":\"catalog\",\"seed\":99177,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"ec2\",\"minWorkers\":1,\"policy\":\"queue\",\"upIncrement\":3,\"downIncrement\":1,\"pauseCycles\":1,\"workers\":[{\"state\":\"booting\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"booting\",\"uptimeMinutes\":4,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":202,\"runningJobs\":2,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"}],\"queued\":16,\"bursts\":[{\"atMinute\":50,\"count\":81,\"durationMinutes\":29,\"operation\":\"inspect\"},{\"atMinute\":50,\"count\":100,\"durationMinutes\":33,\"operation\":\"encode\"},{\"atMinute\":56,\"count\":51,\"durationMinutes\":11,\"operation\":\"encode\"},{\"atMinute\":15,\"count\":116,\"durationMinutes\":5,\"operation\":\"encode\"},{\"atMinute\":162,\"count\":76,\"durationMinutes\":24,\"operation\":\"encode\"},{\"atMinute\":208,\"count\":91,\"durationMinutes\":6,\"operation\":\"publish-engage\"}],\"faults\":[{\"kind\":\"capture-missed\",\"atMinute\":5,\"forMinutes\":20},{\"kind\":\"connection-lost\",\"atMinute\":2,\"forMinutes\":120,\"worker\":1}],\"kills\":[{\"at\":\"effect\",\"ordinal\":5},{\"at\":\"step\",\"ordinal\":359}],\"registry\":{\"adminMaxLoad\":4,\"adminJobs\":3,\"engage\":true,\"ingest\":true,\"nodeMaxLoad\":8,\"nodeJobs\":1,\"staleHosts\":2,\"staleOnline\":0,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":0}}");
    expect(result.violations).toEqual([]);
  }, 120_000);

  // Soak seed 20261225 (shard 20261226, on 6102f42; one-workflow-per-worker, 1 day of 976): a drain started in the
  // console by a Name two instances share is refused at once by BeginDrain ("give the instance id"), while the
  // scaler's own drain of one twin waits for its billing window. The refused one acted on nothing: the checker no
  // longer counts it as acting (reliability/invariants.ts ExecutionFacts.refused).
  it('a console drain by a shared Name, refused at its first step, is not a second workflow on the worker', async () => {
    const result = await soakDay("{\"names\":\"hyphen-pairs\",\"workload\":\"catalog\",\"seed\":376091,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"ec2\",\"minWorkers\":2,\"policy\":\"shipped\",\"upIncrement\":1,\"downIncrement\":1,\"pauseCycles\":2,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":85,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"online\",\"uptimeMinutes\":37,\"runningJobs\":2,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"start_failed\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"online\",\"uptimeMinutes\":207,\"runningJobs\":3,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":246,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"name-port\"},{\"state\":\"booting\",\"uptimeMinutes\":1,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"booting\",\"uptimeMinutes\":3,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"name-port\"}],\"queued\":11,\"bursts\":[{\"atMinute\":7,\"count\":11,\"durationMinutes\":41,\"operation\":\"inspect\"},{\"atMinute\":119,\"count\":25,\"durationMinutes\":40,\"operation\":\"encode\"},{\"atMinute\":34,\"count\":83,\"durationMinutes\":14,\"operation\":\"publish-engage\"},{\"atMinute\":199,\"count\":65,\"durationMinutes\":33,\"operation\":\"inspect\"},{\"atMinute\":39,\"count\":87,\"durationMinutes\":39,\"operation\":\"composite\"},{\"atMinute\":139,\"count\":41,\"durationMinutes\":5,\"operation\":\"publish-engage\"}],\"faults\":[{\"kind\":\"cold-start\",\"atMinute\":5,\"forMinutes\":20},{\"kind\":\"start-failure\",\"atMinute\":9,\"forMinutes\":28},{\"kind\":\"password-rotated\",\"atMinute\":77,\"forMinutes\":1},{\"kind\":\"console-execution\",\"atMinute\":100,\"forMinutes\":1,\"worker\":0},{\"kind\":\"start-failure\",\"atMinute\":2,\"forMinutes\":16,\"worker\":5},{\"kind\":\"connection-lost\",\"atMinute\":160,\"forMinutes\":20}],\"kills\":[{\"at\":\"effect\",\"ordinal\":17},{\"at\":\"step\",\"ordinal\":145}],\"registry\":{\"adminMaxLoad\":4,\"adminJobs\":0,\"engage\":true,\"ingest\":false,\"nodeMaxLoad\":2,\"nodeJobs\":1,\"staleHosts\":0,\"staleOnline\":0,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":true,\"rooms\":1}}");
    expect(result.violations).toEqual([]);
    expect(result.counts.executions['drain-worker']?.FAILED).toBeGreaterThan(0);
  }, 120_000);
});

describe('a console drain started in the same second as the cycle\'s drain of that worker', () => {
  // Soak seed 20261227 (on eb7976b; one-workflow-per-worker and one-actor-per-instance, 1 day of 856): at 08:06 a drain
  // of worker-1-b is started in the console (a UUID name) and the cycle's drain of the same worker starts that second.
  // Each BeginDrain listed the running drains to find another acting on its worker, but ListExecutions is eventually
  // consistent (sim/aws/list-lag.ts): neither saw the other, and both went on. Names dedupe the scaler's own executions;
  // nothing dedupes one named by hand. Fixed: each drain waits out the listing's lag and checks again (ClaimDrain), and
  // the one started first (at the same instant, the lesser name) goes on (core/claim.ts).
  it('only one of them acts on the worker', async () => {
    const result = await soakDay("{\"names\":\"fqdn\",\"workload\":\"catalog\",\"seed\":159696,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"opsworks\",\"minWorkers\":1,\"policy\":\"shipped\",\"upIncrement\":2,\"downIncrement\":2,\"pauseCycles\":0,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":189,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"online\",\"uptimeMinutes\":37,\"runningJobs\":2,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"booting\",\"uptimeMinutes\":3,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"booting\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"online\",\"uptimeMinutes\":193,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"fqdn\"},{\"state\":\"online\",\"uptimeMinutes\":62,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"}],\"queued\":3,\"bursts\":[{\"atMinute\":135,\"count\":111,\"durationMinutes\":16,\"operation\":\"publish-engage\"},{\"atMinute\":95,\"count\":74,\"durationMinutes\":14,\"operation\":\"publish-engage\"}],\"faults\":[{\"kind\":\"start-failure\",\"atMinute\":89,\"forMinutes\":72},{\"kind\":\"console-execution\",\"atMinute\":6,\"forMinutes\":1,\"worker\":1},{\"kind\":\"start-failure\",\"atMinute\":175,\"forMinutes\":5,\"worker\":3},{\"kind\":\"never-registers\",\"atMinute\":95,\"forMinutes\":56},{\"kind\":\"metrics-missing\",\"atMinute\":79,\"forMinutes\":5,\"target\":\"MatterhornJobsQueued\"}],\"kills\":[{\"at\":\"effect\",\"ordinal\":1},{\"at\":\"step\",\"ordinal\":321},{\"at\":\"step\",\"ordinal\":416}],\"registry\":{\"adminMaxLoad\":2,\"adminJobs\":0,\"engage\":false,\"ingest\":false,\"nodeMaxLoad\":2,\"nodeJobs\":0,\"staleHosts\":3,\"staleOnline\":0,\"localhost\":false,\"outsideJobs\":-1,\"sharedName\":false,\"rooms\":3}}", { keepHistory: true });
    expect(result.violations).toEqual([]);
    // The race still happens on this day, and is settled: the cycle's drain yields to the console's (lesser name).
    const claims = (result.history ?? []).filter((e) => e.type === 'TaskSucceeded' && e.state === 'ClaimDrain' && e.at === '2025-10-13T08:06:20.000Z');
    expect(claims.map((e) => [e.execution.startsWith('drain-worker-1-b-') ? 'cycle' : 'console', (e.output as { skipped?: string }).skipped ?? 'goes on'])).toEqual(
      expect.arrayContaining([
        ['console', 'goes on'],
        ['cycle', 'DrainInProgress'],
      ]),
    );
  }, 120_000);
});

describe('a drain on the deployed stack that asks its policy whether it would keep the worker', () => {
  // Soak seed 20261231 (on d6dec0e; no-access-denied, 1 day of 650): a deployed day (password-rotated) with a
  // policy that votes on CloudWatch metrics (queue+load) and hourly billing. After its billing wait, the drain's
  // CheckBillingWindow asks the policy whether it would keep the worker now (issue 23 item 1), which reads the
  // metrics its strategies vote on; the stack granted cloudwatch:GetMetricData to check-drained but not to
  // check-billing-window, so IAM denied it (infra/permissions.ts).
  it('is allowed every call it makes', async () => {
    const result = await soakDay("{\"names\":\"plain\",\"workload\":\"catalog\",\"seed\":1,\"hours\":4,\"tailMinutes\":60,\"everySeconds\":60,\"billing\":\"hourly\",\"provider\":\"opsworks\",\"minWorkers\":0,\"policy\":\"queue+load\",\"upIncrement\":3,\"downIncrement\":1,\"pauseCycles\":0,\"workers\":[{\"state\":\"online\",\"uptimeMinutes\":266,\"runningJobs\":1,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"requested\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":false,\"protected\":true,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"ip-port\"},{\"state\":\"online\",\"uptimeMinutes\":170,\"runningJobs\":2,\"maintenance\":false,\"registered\":false,\"protected\":false,\"instanceType\":\"c5.9xlarge\",\"baseUrl\":\"private-dns\"},{\"state\":\"stopped\",\"uptimeMinutes\":0,\"runningJobs\":0,\"maintenance\":false,\"registered\":true,\"protected\":false,\"instanceType\":\"c5.xlarge\",\"baseUrl\":\"fqdn\"}],\"queued\":17,\"bursts\":[{\"atMinute\":5,\"count\":40,\"durationMinutes\":30,\"operation\":\"composite\"},{\"atMinute\":98,\"count\":12,\"durationMinutes\":45,\"operation\":\"encode\"},{\"atMinute\":83,\"count\":21,\"durationMinutes\":37,\"operation\":\"inspect\"},{\"atMinute\":85,\"count\":22,\"durationMinutes\":29,\"operation\":\"composite\"},{\"atMinute\":8,\"count\":64,\"durationMinutes\":45,\"operation\":\"composite\"}],\"faults\":[{\"kind\":\"opencast-down\",\"atMinute\":21,\"forMinutes\":1},{\"kind\":\"capture-missed\",\"atMinute\":158,\"forMinutes\":22},{\"kind\":\"password-rotated\",\"atMinute\":138,\"forMinutes\":22}],\"kills\":[],\"registry\":{\"adminMaxLoad\":2,\"adminJobs\":0,\"engage\":false,\"ingest\":true,\"nodeMaxLoad\":8,\"nodeJobs\":2,\"staleHosts\":0,\"staleOnline\":0,\"localhost\":false,\"outsideJobs\":0,\"sharedName\":false,\"rooms\":0}}");
    expect(result.violations).toEqual([]);
  }, 120_000);
});
