import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../../core/autoscale-config';
import type { StrategyVote } from '../../../core/decision';
import { ConfigError } from '../../../core/errors';
import { decidePolicy, needsVotes } from '../../../core/policies';
import { chosen, inputOf, reasonOf } from './helpers';

const EXAMPLE = {
  strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 4, down_threshold: 1 } }],
  up_increment: 2,
  pause_cycles: 1,
};
const vote = (v: StrategyVote['vote']): StrategyVote => ({ name: 'queue', method: 'queued_jobs', vote: v, datapoints: [0], upThreshold: 4, downThreshold: 1 });

describe('policy config', () => {
  it('keeps an old config (no policy field) on the original rules', () => {
    const config = parseAutoscaleConfig(EXAMPLE, 'test');

    expect(config.policy).toBeUndefined();
    expect(needsVotes(config.policy)).toBe(true);
  });

  it('accepts a policy without strategies, with its defaults filled', () => {
    const config = parseAutoscaleConfig({ policy: { name: 'headroom' } }, 'test');

    expect(config.strategies).toEqual([]);
    expect(config.policy).toMatchObject({ name: 'headroom', spare_workers: 1.5, hourly_spare_workers: 2.5, hourly_drain_lead_minutes: 15 });
    expect(needsVotes(config.policy)).toBe(false);
  });

  it.each([
    [{ policy: { name: 'original' } }, 'test.strategies'],
    [{ policy: { name: 'magic' } }, 'test.policy.name'],
    [{ policy: { name: 'static-peak' } }, 'test.policy.workers'],
    [{ policy: { name: 'headroom', scale_in_utilisation: 1 } }, 'test.policy.scale_in_utilisation'],
    [{ policy: { name: 'schedule', time_zone: 'Mars/Olympus' } }, 'test.policy.time_zone'],
    [{ policy: { name: 'schedule', periods: [{ days: ['MON'], start: '22:00', end: '08:00', workers: 1 }] } }, 'test.policy.periods.0.end'],
  ])('names the bad field (%#)', (value, field) => {
    try {
      parseAutoscaleConfig(value, 'test');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
    }
  });
});

describe('original policy', () => {
  const config = parseAutoscaleConfig(EXAMPLE, 'test');

  it('decides as the original: any up vote starts up_increment workers', () => {
    const input = { ...inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 10 }, { hostname: 'worker2', status: 'stopped' }, { hostname: 'worker3', status: 'stopped' }] }), votes: [vote('up')] };

    const decision = decidePolicy(input);

    expect(decision).toMatchObject({ policy: 'original', action: 'start', command: 'auto' });
    expect(chosen(decision)).toHaveLength(2);
  });

  it('drains idle workers late in their hour when all vote down, never a protected one', () => {
    const workers = [
      { hostname: 'worker1', uptimeMinutes: 55 },
      { hostname: 'worker2', uptimeMinutes: 56 },
      { hostname: 'worker3', uptimeMinutes: 20 },
    ];
    const input = { ...inputOf(config, { workers, billing: 'hourly', protectedHostnames: ['worker2'] }), votes: [vote('down')] };

    const decision = decidePolicy(input);

    expect(chosen(decision)).toEqual(['worker1']);
    expect(reasonOf(decision, 'worker2')).toBe('Protected');
    expect(reasonOf(decision, 'worker3')).toBe('BelowBillingWindow');
  });
});
