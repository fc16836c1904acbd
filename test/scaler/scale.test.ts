import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { ScalingError } from '../../core/errors';
import { resolveSettings } from '../../core/settings';
import { createActuator } from '../../scaler/actuator';
import { observeCluster } from '../../scaler/observe';
import { filePauseStore } from '../../scaler/pause-store';
import { autoscale, collectVotes, scaleDown, scaleTo, scaleUp, type ScalerDeps } from '../../scaler/scale';
import type { MetricsPort } from '../../core/ports';
import { FakeFleet, FakeMetrics, FakeOpencast } from '../helpers/fakes';
import { NOW, type WorkerSpec } from '../helpers/views';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(specs: WorkerSpec[], opts: { dryRun?: boolean; force?: boolean; env?: Record<string, string> } = {}) {
  const fleet = new FakeFleet(specs);
  const opencast = new FakeOpencast(specs);
  const metrics = new FakeMetrics();
  const settings = resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p', ...opts.env });
  const stateDir = mkdtempSync(join(tmpdir(), 'moscaler-test-'));
  const deps: ScalerDeps = {
    observe: () => observeCluster({ fleet, opencastAt: () => opencast, now: () => NOW, settings }),
    actuatorFor: (o) => createActuator({ fleet, ...(o.opencast ? { opencast: o.opencast } : {}), now: () => NOW, dryRun: Boolean(opts.dryRun) }),
    metrics,
    pauseStore: filePauseStore(stateDir, 'c', () => {}),
    now: () => NOW,
    settings: { ...settings, stateDir },
    logger: silent,
    force: Boolean(opts.force),
    dryRun: Boolean(opts.dryRun),
  };
  return { fleet, opencast, metrics, deps };
}

describe('scaleDown', () => {
  const specs: WorkerSpec[] = [
    { hostname: 'worker1', uptimeMinutes: 90 },
    { hostname: 'worker2', uptimeMinutes: 30, running: 1 },
    { hostname: 'worker3', uptimeMinutes: 10 },
    { hostname: 'worker4', uptimeMinutes: 5, maintenance: true },
  ];

  it('puts registered workers in maintenance, stops the chosen one, and restores the others', async () => {
    const { fleet, opencast, deps } = setup(specs);
    const result = await scaleDown(deps, 1, false);
    expect(fleet.calls).toEqual([{ op: 'stop', target: 'ow-worker1' }]);
    const on = opencast.calls.filter((c) => c.op === 'maintenance-on').map((c) => c.target);
    const off = opencast.calls.filter((c) => c.op === 'maintenance-off').map((c) => c.target);
    expect(on).toEqual(['http://worker1.internal', 'http://worker2.internal', 'http://worker3.internal']);
    expect(off).toEqual(['http://worker2.internal', 'http://worker3.internal']);
    // worker4 was in maintenance before the command: left as it was.
    expect(opencast.hosts.find((h) => h.baseUrl === 'http://worker4.internal')?.maintenance).toBe(true);
    expect(result.decision.chosen.map((c) => c.hostname)).toEqual(['worker1']);
  });

  it('judges idleness after maintenance went on: a job dispatched just before keeps its worker', async () => {
    const { fleet, opencast, deps } = setup(specs);
    opencast.lateJobs = [{ id: '99', type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'Encode', processingHost: 'http://worker1.internal' }];
    await scaleDown(deps, 1, false);
    expect(fleet.calls).toEqual([{ op: 'stop', target: 'ow-worker3' }]);
    // worker1 is back in service; the stopped worker3 keeps its flag (Opencast persists it across restarts).
    expect(opencast.hosts.filter((h) => h.maintenance).map((h) => h.baseUrl)).toEqual(['http://worker3.internal', 'http://worker4.internal']);
  });

  it('changes nothing on a dry run but reports what it would do', async () => {
    const { fleet, opencast, deps } = setup(specs, { dryRun: true });
    const result = await scaleDown(deps, 1, false);
    expect(fleet.calls).toEqual([]);
    expect(opencast.calls).toEqual([]);
    expect(result.actions).toMatchObject([{ action: 'stop', hostname: 'worker1', dryRun: true }]);
  });

  it('restores maintenance when the stop fails', async () => {
    const { fleet, opencast, deps } = setup(specs);
    fleet.failStop.add('ow-worker1');
    await expect(scaleDown(deps, 1, false)).rejects.toThrow(/refused/);
    expect(opencast.hosts.filter((h) => h.maintenance).map((h) => h.baseUrl)).toEqual(['http://worker4.internal']);
  });

  it('refuses before any side effect when a rule forbids it', async () => {
    const { fleet, opencast, deps } = setup(specs, { env: { MOSCALER_MIN_WORKERS: '4' } });
    await expect(scaleDown(deps, 1, false)).rejects.toThrow(ScalingError);
    expect(fleet.calls).toEqual([]);
    expect(opencast.calls).toEqual([]);
  });

  it('stops nothing and touches no maintenance when Opencast is down', async () => {
    const { fleet, opencast, deps } = setup(specs);
    opencast.down = true;
    await expect(scaleDown(deps, 1, false)).rejects.toThrow(/available to stop/);
    expect(fleet.calls).toEqual([]);
  });
});

describe('scaleUp and scaleTo', () => {
  it('starts the ranked stopped workers', async () => {
    const { fleet, deps } = setup([
      { hostname: 'worker1' },
      { hostname: 'worker2', status: 'stopped', hasEc2: false, type: 'c4.8xlarge' },
      { hostname: 'worker3', status: 'stopped', hasEc2: true, type: 'c4.xlarge' },
    ]);
    await scaleUp(deps, 2, false);
    expect(fleet.calls).toEqual([
      { op: 'start', target: 'ow-worker3' },
      { op: 'start', target: 'ow-worker2' },
    ]);
  });

  it('switches maintenance off on a started worker that Opencast still holds in maintenance', async () => {
    const { fleet, opencast, deps } = setup([
      { hostname: 'worker1' },
      { hostname: 'worker2', status: 'stopped', hasEc2: true, registered: true, maintenance: true },
      { hostname: 'worker3', status: 'stopped', hasEc2: true, registered: true },
    ]);
    const result = await scaleUp(deps, 2, false);
    expect(fleet.calls.map((c) => c.target).sort()).toEqual(['ow-worker2', 'ow-worker3']);
    expect(opencast.calls).toEqual([{ op: 'maintenance-off', target: 'http://worker2.internal' }]);
    expect(result.actions.find((a) => a.action === 'maintenance-off')).toMatchObject({ hostname: 'worker2', reason: expect.stringMatching(/back in service/) });
  });

  it('keeps the start when Opencast refuses the maintenance switch, and records the refusal', async () => {
    const { fleet, opencast, deps } = setup([{ hostname: 'worker1' }, { hostname: 'worker2', status: 'stopped', hasEc2: true, registered: true, maintenance: true }]);
    const observed = await deps.observe();
    opencast.down = true;
    const result = await scaleUp({ ...deps, observe: async () => observed }, 1, false);
    expect(fleet.calls).toEqual([{ op: 'start', target: 'ow-worker2' }]);
    expect(result.actions.find((a) => a.action === 'maintenance-off')?.error).toMatch(/ECONNREFUSED/);
  });

  it('scales to a smaller target through the maintenance bracket', async () => {
    const { fleet, deps } = setup([{ hostname: 'worker1', uptimeMinutes: 70 }, { hostname: 'worker2', uptimeMinutes: 20 }]);
    await scaleTo(deps, 1, false);
    expect(fleet.calls).toEqual([{ op: 'stop', target: 'ow-worker1' }]);
  });
});

describe('autoscale', () => {
  const config = parseAutoscaleConfig(
    {
      strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 2, down_threshold: 1 } }],
      up_increment: 1,
      down_increment: 1,
      pause_cycles: 2,
    },
    'test',
  );

  it('scales up on a queue, then pauses for pause_cycles runs', async () => {
    const specs: WorkerSpec[] = [{ hostname: 'worker1', uptimeMinutes: 20 }, { hostname: 'worker2', status: 'stopped' }, { hostname: 'worker3', status: 'stopped' }];
    const { fleet, opencast, deps } = setup(specs);
    opencast.jobs.push(
      { id: 'q1', type: 'org.opencastproject.composer', status: 'QUEUED', operation: 'Encode' },
      { id: 'q2', type: 'org.opencastproject.composer', status: 'QUEUED', operation: 'Encode' },
    );
    const first = await autoscale(deps, config);
    expect(first.decision.action).toBe('start');
    const second = await autoscale(deps, config);
    expect(second.decision.action).toBe('none');
    expect(second.decision.reasons.join(' ')).toMatch(/paused/);
    expect(fleet.calls.filter((c) => c.op === 'start')).toHaveLength(1);
  });

  it('stops an idle worker late in its hour when the queue is empty', async () => {
    const { fleet, deps } = setup([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 20 }]);
    const result = await autoscale(deps, config);
    expect(result.decision.action).toBe('stop');
    expect(fleet.calls).toEqual([{ op: 'stop', target: 'ow-worker1' }]);
  });

  it('casts no vote and stops nothing when Opencast is down', async () => {
    const { fleet, opencast, deps } = setup([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 55 }]);
    opencast.down = true;
    const result = await autoscale(deps, config);
    expect(result.decision.action).toBe('none');
    expect(result.decision.votes?.[0]).toMatchObject({ vote: null, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(fleet.calls).toEqual([]);
  });
});

describe('collectVotes', () => {
  const cloudwatch = (name: string, metric: string) => ({
    method: 'cloudwatch',
    name,
    settings: { metric, namespace: 'AWS/OpsworksCustom', up_threshold: 5, down_threshold: 1 },
  });
  const config = parseAutoscaleConfig(
    {
      strategies: [cloudwatch('queued', 'OpencastJobsQueued'), { method: 'queued_jobs', name: 'queue', settings: { up_threshold: 2, down_threshold: 1 } }, cloudwatch('load', 'load_1')],
      up_increment: 1,
      down_increment: 1,
      pause_cycles: 0,
    },
    'test',
  );
  const points = [1, 2, 3].map((n) => ({ timestamp: new Date(NOW.getTime() - n * 60_000).toISOString(), value: 9 }));

  it('asks CloudWatch once for every cloudwatch strategy and keeps the strategies in order', async () => {
    const { deps } = setup([{ hostname: 'worker1', uptimeMinutes: 20 }]);
    const metrics = new FakeMetrics(points);
    const votes = await collectVotes({ ...deps, metrics }, config, await deps.observe());
    expect(metrics.calls).toBe(1);
    expect(metrics.queries.map((q) => q.metric)).toEqual(['OpencastJobsQueued', 'load_1']);
    expect(votes.map((v) => [v.name, v.vote])).toEqual([
      ['queued', 'up'],
      ['queue', 'down'],
      ['load', 'up'],
    ]);
  });

  it('leaves every cloudwatch strategy without a vote when the call fails, and the others voting', async () => {
    const { deps } = setup([{ hostname: 'worker1', uptimeMinutes: 20 }]);
    const metrics = new FakeMetrics(points, new Error('cloudwatch: GetMetricData throttled'));
    const votes = await collectVotes({ ...deps, metrics }, config, await deps.observe());
    expect(votes.map((v) => [v.name, v.vote, v.error])).toEqual([
      ['queued', null, 'cloudwatch: GetMetricData throttled'],
      ['queue', 'down', undefined],
      ['load', null, 'cloudwatch: GetMetricData throttled'],
    ]);
  });

  it('leaves only the strategy CloudWatch refused without a vote', async () => {
    const { deps } = setup([{ hostname: 'worker1', uptimeMinutes: 20 }]);
    const metrics: MetricsPort = { getAverages: async (queries) => queries.map((q) => (q.metric === 'load_1' ? { error: 'CloudWatch answered Forbidden for load_1' } : { datapoints: points })) };
    const votes = await collectVotes({ ...deps, metrics }, config, await deps.observe());
    expect(votes.map((v) => [v.name, v.vote])).toEqual([
      ['queued', 'up'],
      ['queue', 'down'],
      ['load', null],
    ]);
    expect(votes[2]?.error).toMatch(/Forbidden/);
  });
});
