import { describe, expect, it } from 'vitest';
import { legacyAutoscaleConfig, parseAutoscaleConfig, type AutoscaleConfig } from '../../core/autoscale-config';
import { decideAutoscale } from '../../core/autoscale';
import type { StrategyVote } from '../../core/decision';
import { ConfigError } from '../../core/errors';
import { countBacklog, queueCounts, runningByHost } from '../../core/jobs';
import { metricWindow, upOrDown, vote } from '../../core/strategies';
import { NOW, viewOf } from '../helpers/views';

const EXAMPLE = {
  strategies: [
    {
      method: 'cloudwatch',
      name: 'layer load',
      settings: {
        metric: 'load_1',
        layer_name: 'Workers',
        namespace: 'AWS/OpsWorks',
        up_threshold: 10.0,
        down_threshold: 8.0,
        up_threshold_online_workers_multiplier: 1,
      },
    },
    {
      method: 'cloudwatch',
      name: 'mh queued jobs',
      settings: { metric: 'MatterhornJobsQueued', instance_name: 'monitoring-master1', namespace: 'AWS/OpsworksCustom', up_threshold: 4, down_threshold: 1 },
    },
  ],
  pause_cycles: 1,
  up_increment: 2,
  down_increment: 1,
};

const config = (): AutoscaleConfig => parseAutoscaleConfig(EXAMPLE, 'test');
const points = (...values: number[]) =>
  values.map((value, i) => ({ timestamp: new Date(NOW.getTime() - (values.length - i) * 60_000).toISOString(), value }));

describe('autoscale config', () => {
  it("accepts the original's example and fills defaults", () => {
    const parsed = config();
    const first = parsed.strategies[0];
    expect(first?.method === 'cloudwatch' && first.settings.sample_count).toBe(3);
    expect(first?.method === 'cloudwatch' && first.settings.sample_period).toBe(60);
  });

  it.each([
    [{ ...EXAMPLE, up_increment: -1 }, 'test.up_increment'],
    [{ ...EXAMPLE, strategies: [{ method: 'magic', name: 'x', settings: {} }] }, 'test.strategies.0.method'],
    [{ ...EXAMPLE, strategies: [] }, 'test.strategies'],
    [{ ...EXAMPLE, pause_cyles: 1 }, 'test.pause_cyles'],
    [{ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: '4', down_threshold: 1 } }] }, 'test.strategies.0.settings.up_threshold'],
    [{ strategies: [{ method: 'cloudwatch', name: 'c', settings: { metric: 'm', namespace: 'n', up_threshold: 1, sample_period: 45 } }] }, 'test.strategies.0.settings.sample_period'],
  ])('rejects a bad config naming the field (%#)', (value, field) => {
    try {
      parseAutoscaleConfig(value, 'test');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
    }
  });

  it('maps the legacy LayerLoadPlusOnlineWorkers variables onto a cloudwatch strategy', () => {
    const legacy = legacyAutoscaleConfig({
      AUTOSCALE_TYPE: 'LayerLoadPlusOnlineWorkers',
      AUTOSCALE_UP_THRESHOLD: '10',
      AUTOSCALE_DOWN_THRESHOLD: '8',
      AUTOSCALE_INCREMENT: '2',
      AUTOSCALE_PAUSE_INTERVAL: '600',
      AUTOSCALE_LAYERLOAD_LAYER_ID: 'layer-123',
      AUTOSCALE_LAYERLOAD_SAMPLE_COUNT: '5',
    });
    expect(legacy).toMatchObject({ up_increment: 2, pause_seconds: 600 });
    expect(legacy?.strategies[0]).toMatchObject({
      method: 'cloudwatch',
      settings: { layer_id: 'layer-123', up_threshold_online_workers_multiplier: 1, sample_count: 5, metric: 'load_1' },
    });
  });

  it('maps HighLoadJobs onto queued_jobs of the high-load operations', () => {
    const legacy = legacyAutoscaleConfig({ AUTOSCALE_TYPE: 'HighLoadJobs', AUTOSCALE_UP_THRESHOLD: '3' });
    expect(legacy?.strategies[0]).toMatchObject({ method: 'queued_jobs', settings: { up_threshold: 3, down_threshold: 3 } });
  });

  it('rejects an unknown legacy type or a non-number threshold', () => {
    expect(() => legacyAutoscaleConfig({ AUTOSCALE_TYPE: 'Magic' })).toThrow(/AUTOSCALE_TYPE/);
    expect(() => legacyAutoscaleConfig({ AUTOSCALE_TYPE: 'LayerLoad', AUTOSCALE_UP_THRESHOLD: 'ten', AUTOSCALE_DOWN_THRESHOLD: '1' })).toThrow(
      /AUTOSCALE_UP_THRESHOLD: must be a number/,
    );
    expect(legacyAutoscaleConfig({})).toBeUndefined();
    expect(() => legacyAutoscaleConfig({ AUTOSCALE_TYPE: 'HighLoadJobs', AUTOSCALE_UP_THRESHOLD: '0x10' })).toThrow(/must be a number/);
    expect(() => legacyAutoscaleConfig({ AUTOSCALE_TYPE: 'HighLoadJobs', AUTOSCALE_UP_THRESHOLD: ' ' })).toThrow(/must be a number/);
  });
});

describe('strategies', () => {
  it('votes up only when every datapoint reaches the threshold, down only when every one is under', () => {
    expect(upOrDown([5, 6, 7], 5, 1)).toBe('up');
    expect(upOrDown([5, 4, 7], 5, 1)).toBe(null);
    expect(upOrDown([0, 0.5, 0], 5, 1)).toBe('down');
    expect(upOrDown([0, 0, 0], 5, undefined)).toBe(null);
  });

  it('adds online workers times the multiplier to the up threshold', () => {
    const strategy = config().strategies[0]!;
    const result = vote(strategy, { datapoints: points(12, 12, 12) }, 3);
    expect(result).toMatchObject({ upThreshold: 13, vote: null });
    expect(vote(strategy, { datapoints: points(13, 14, 15) }, 3).vote).toBe('up');
  });

  it('uses the newest sample_count datapoints', () => {
    const strategy = config().strategies[1]!;
    const result = vote(strategy, { datapoints: points(9, 9, 0, 0, 0) }, 1);
    expect(result).toMatchObject({ vote: 'down', datapoints: [0, 0, 0] });
  });

  it('casts no vote on too few datapoints and says why', () => {
    const strategy = config().strategies[1]!;
    expect(vote(strategy, { datapoints: points(9, 9) }, 1)).toMatchObject({ vote: null, error: expect.stringMatching(/asked for 3, got 2/) });
    expect(vote(strategy, { datapoints: [] }, 1)).toMatchObject({ vote: null, error: expect.stringMatching(/no datapoints/) });
  });

  it('queries (sample_count + 2) periods back', () => {
    const strategy = config().strategies[0];
    if (strategy?.method !== 'cloudwatch') throw new Error('fixture');
    const window = metricWindow(strategy, NOW);
    expect(NOW.getTime() - window.start.getTime()).toBe(5 * 60_000);
  });
});

describe('decideAutoscale', () => {
  const v = (name: string, vote: StrategyVote['vote']): StrategyVote => ({ name, method: 'cloudwatch', vote, datapoints: [], upThreshold: 1 });
  const cluster = () =>
    viewOf([
      { hostname: 'worker1', uptimeMinutes: 55 },
      { hostname: 'worker2', uptimeMinutes: 52 },
      { hostname: 'worker3', uptimeMinutes: 20 },
      { hostname: 'worker4', status: 'stopped' },
      { hostname: 'worker5', status: 'stopped' },
      { hostname: 'worker6', status: 'stopped' },
    ]);
  const decide = (votes: StrategyVote[], pause = { cyclesLeft: 0 }, view = cluster()) =>
    decideAutoscale({ view, config: config(), votes, pause, now: NOW, scaleDown: { minWorkers: 1, idleUptimeThreshold: 50, billing: 'hourly', force: false } });

  it('scales up by up_increment when any strategy votes up, then pauses', () => {
    const decision = decide([v('a', 'up'), v('b', 'down')]);
    expect(decision.action).toBe('start');
    expect(decision.chosen).toHaveLength(2);
    expect(decision.pause?.after).toEqual({ cyclesLeft: 1 });
  });

  it('does not scale up while paused, and counts the pause down', () => {
    const decision = decide([v('a', 'up')], { cyclesLeft: 1 });
    expect(decision.action).toBe('none');
    expect(decision.reasons.join(' ')).toMatch(/paused/);
    expect(decision.pause?.after).toEqual({ cyclesLeft: 0 });
  });

  it('scales down by down_increment only when every strategy votes down, in the billing window', () => {
    const decision = decide([v('a', 'down'), v('b', 'down')]);
    expect(decision.action).toBe('stop');
    expect(decision.chosen.map((c) => c.hostname)).toEqual(['worker1']);
    expect(decision.rejected.find((r) => r.hostname === 'worker3')?.reason).toBe('BelowBillingWindow');
  });

  it('never picks a worker whose boot is under way (its drain would refuse it, and the cycle would pick no other)', () => {
    // worker1, the longest up, is still being booted (running, not serving yet): the original's scale-down takes the next.
    const decision = decideAutoscale({ view: cluster(), config: config(), votes: [v('a', 'down'), v('b', 'down')], pause: { cyclesLeft: 0 }, now: NOW, booting: ['worker1'], scaleDown: { minWorkers: 1, idleUptimeThreshold: 50, billing: 'hourly', force: false } });
    expect(decision.chosen.map((c) => c.hostname)).toEqual(['worker2']);
    expect(decision.rejected.find((r) => r.hostname === 'worker1')).toMatchObject({ reason: 'NotActive', detail: 'a boot is under way' });
  });

  it('does nothing when strategies disagree or one has no vote', () => {
    expect(decide([v('a', 'down'), v('b', null)]).action).toBe('none');
    expect(decide([]).action).toBe('none');
  });

  it('does not scale down when Opencast is unavailable (the original voted down on it)', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 55 }], { opencastUp: false });
    const decision = decide([v('a', 'down')], { cyclesLeft: 0 }, view);
    expect(decision.action).toBe('none');
    expect(decision.reasons.join(' ')).toMatch(/Opencast unavailable/);
  });

  it('turns "no candidate" into a decided no-op with the reasons, not an error', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 20 }, { hostname: 'worker2', uptimeMinutes: 30, running: 1 }]);
    const decision = decide([v('a', 'down')], { cyclesLeft: 0 }, view);
    expect(decision.action).toBe('none');
    expect(decision.rejected.map((r) => r.reason).sort()).toEqual(['BelowBillingWindow', 'Busy']);
  });

  it.each([
    ['Paused', () => decide([v('a', 'up')], { cyclesLeft: 1 })],
    ['NoVote', () => decide([{ ...v('a', null), error: 'no datapoints' }, { ...v('b', null), error: 'Opencast unavailable' }])],
    ['NotAllVotingDown', () => decide([v('a', null), v('b', null)])],
    ['NoVote', () => decide([])],
    ['NotAllVotingDown', () => decide([v('a', 'down'), v('b', null)])],
    ['OpencastUnavailable', () => decide([v('a', 'down')], { cyclesLeft: 0 }, viewOf([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2', uptimeMinutes: 55 }], { opencastUp: false }))],
    ['AtMinimum', () => decide([v('a', 'down')], { cyclesLeft: 0 }, viewOf([{ hostname: 'worker1', uptimeMinutes: 55 }]))],
    ['NoCandidate', () => decide([v('a', 'down')], { cyclesLeft: 0 }, viewOf([{ hostname: 'worker1', uptimeMinutes: 20 }, { hostname: 'worker2', uptimeMinutes: 30, running: 1 }]))],
    ['NoStoppedWorker', () => decide([v('a', 'up')], { cyclesLeft: 0 }, viewOf([{ hostname: 'worker1', uptimeMinutes: 20 }]))],
  ] as const)('says why it does nothing with a code: %s', (code, decision) => {
    const d = decision();
    expect(d.action).toBe('none');
    expect(d.outcome).toBe(code);
    expect(d.reasons.length).toBeGreaterThan(0);
  });

  it('gives no outcome code to a decision that acts', () => {
    expect(decide([v('a', 'up')]).outcome).toBeUndefined();
    expect(decide([v('a', 'down'), v('b', 'down')]).outcome).toBeUndefined();
  });

  it('honours the legacy pause interval in seconds', () => {
    const withSeconds = { ...config(), pause_seconds: 600 };
    const decision = decideAutoscale({
      view: cluster(),
      config: withSeconds,
      votes: [v('a', 'up')],
      pause: { cyclesLeft: 0, until: new Date(NOW.getTime() + 60_000).toISOString() },
      now: NOW,
      scaleDown: { minWorkers: 1, idleUptimeThreshold: 50, billing: 'hourly', force: false },
    });
    expect(decision.action).toBe('none');
    expect(decision.pause?.after.until).toBeDefined();
  });
});

describe('job counting', () => {
  const jobs = [
    { id: '1', type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'Encode', processingHost: 'http://w1' },
    { id: '2', type: 'org.opencastproject.composer', status: 'QUEUED', operation: 'Encode' },
    { id: '3', type: 'org.opencastproject.inspection', status: 'RESTART', operation: 'Inspect' },
    { id: '4', type: 'org.opencastproject.workflow', status: 'QUEUED', operation: 'START_WORKFLOW' },
    { id: '5', type: 'org.opencastproject.distribution', status: 'QUEUED', operation: 'distribute' },
    { id: '6', type: 'org.opencastproject.composer', status: 'DISPATCHING', operation: 'Composite', processingHost: 'http://w2' },
  ];

  it('counts jobs holding each host, including dispatching ones', () => {
    expect(runningByHost(jobs)).toEqual({ 'http://w1': 1, 'http://w2': 1 });
  });

  it('counts the backlog without workflow jobs, and the high-load part', () => {
    expect(queueCounts(jobs)).toEqual({ queued: 3, queuedHighLoad: 2 });
    expect(countBacklog(jobs, ['encode'])).toBe(1);
    expect(countBacklog(jobs, ['segment-video'])).toBe(0);
  });
});
