/**
 * A bad config fails at synth, with the CLI's own rules and the field to fix;
 * a good one becomes exactly the environment the activities resolve at cold start.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../core/settings';
import { loadConfig } from '../../infra/load-config';
import { defaultPrefix, parseStackConfig } from '../../infra/props';
import { PROJECT_ROOT } from '../../infra/stack';
import { BASE_INPUT } from './synth';
import { fieldOf } from '../helpers/config-errors';

describe('parseStackConfig', () => {
  it('turns the config into the environment the activities read, resolving to the same settings', () => {
    const config = parseStackConfig({ ...BASE_INPUT, minWorkers: 2, billing: 'per-second', opencastUrl: 'https://admin.example.edu', protectedWorkers: ['w1', 'w2'] });
    // Credentials come from the secret at run time, so the activities add them; nothing else differs.
    const atColdStart = resolveSettings({}, { ...config.environment, MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p', AWS_REGION: 'us-east-1' });
    expect({ ...atColdStart, opencast: { ...atColdStart.opencast, user: '', password: '' } }).toEqual(config.settings);
    expect(config.environment).toMatchObject({ MOSCALER_MIN_WORKERS: '2', MOSCALER_BILLING: 'per-second', MOSCALER_PROTECTED_WORKERS: 'w1,w2' });
    expect(JSON.parse(config.environment.AUTOSCALE_CONFIG!)).toEqual(config.autoscale);
  });

  it('rejects what the CLI rejects, naming the config key', () => {
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, minWorkers: -1 }))).toBe('config.minWorkers');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, idleUptimeThreshold: 60 }))).toBe('config.idleUptimeThreshold');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, opencastUrl: 'ftp://x' }))).toBe('config.opencastUrl');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, region: 'mars-1' }))).toBe('config.region');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, protectTag: 'novalue' }))).toBe('config.protectTag');
  });

  it('validates the autoscale config with the CLI schema, down to the field', () => {
    const bad = { strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 'high', down_threshold: 1 } }] };
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, autoscale: bad }))).toBe('config.autoscale.strategies.0.settings.up_threshold');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, autoscale: undefined }))).toBe('config.autoscale');
  });

  it('refuses an autoscale config too large for the functions\' 4 KB environment', () => {
    const strategy = (i: number) => ({ method: 'queued_jobs', name: `queue-${i}-${'x'.repeat(40)}`, settings: { up_threshold: 3, down_threshold: 1 } });
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, autoscale: { strategies: Array.from({ length: 30 }, (_, i) => strategy(i)) } }))).toBe('config.autoscale');
  });

  it('has no place for credentials', () => {
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, opencastPassword: 'secret' } as never))).toBe('config.opencastPassword');
  });

  it('deploys for EC2 with per-second billing unless the config says otherwise', () => {
    const { cluster, region, autoscale } = BASE_INPUT;
    const fresh = parseStackConfig({ cluster, region, autoscale });
    expect(fresh).toMatchObject({ provider: 'ec2', settings: { provider: 'ec2', billing: 'per-second' } });
    expect(fresh.environment).toMatchObject({ MOSCALER_PROVIDER: 'ec2', MOSCALER_BILLING: 'per-second' });
    const legacy = parseStackConfig({ ...BASE_INPUT, billing: 'hourly' });
    expect(legacy).toMatchObject({ provider: 'opsworks', settings: { provider: 'opsworks', billing: 'hourly' } });
    expect(legacy.environment).toMatchObject({ MOSCALER_PROVIDER: 'opsworks', MOSCALER_BILLING: 'hourly' });
  });

  it('needs the OpsWorks stack id for provider opsworks, and refuses it for ec2', () => {
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, opsworksStackId: undefined }))).toBe('config.opsworksStackId');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, provider: 'ec2' }))).toBe('config.opsworksStackId');
  });

  it('refuses windows that overlap, cross midnight or miss the schedule ticks', () => {
    const w = (start: string, end: string, days = ['MON'], name = `w${start.replace(':', '')}${days[0]}`) => ({ name, days, start, end, minWorkers: 2 });
    const windows = (...ws: unknown[]) => ({ ...BASE_INPUT, schedule: { minWorkersWindows: ws } }) as never;
    expect(fieldOf(() => parseStackConfig(windows(w('08:00', '12:00'), w('11:00', '13:00'))))).toBe('config.schedule.minWorkersWindows.1');
    expect(fieldOf(() => parseStackConfig(windows(w('22:00', '02:00'))))).toBe('config.schedule.minWorkersWindows.0');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, schedule: { everyMinutes: 15, minWorkersWindows: [w('08:10', '09:00')] } } as never))).toBe(
      'config.schedule.minWorkersWindows.0',
    );
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, schedule: { everyMinutes: 7 } } as never))).toBe('config.schedule.everyMinutes');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, schedule: { timeZone: 'Mars/Olympus' } } as never))).toBe('config.schedule.timeZone');
    expect(fieldOf(() => parseStackConfig(windows(w('08:00', '09:00', ['MON'], 'x'), w('10:00', '11:00', ['MON'], 'x'))))).toBe('config.schedule.minWorkersWindows.1');
    expect(() => parseStackConfig(windows(w('08:00', '12:00'), w('12:00', '13:00'), w('08:00', '12:00', ['TUE'])))).not.toThrow();
  });

  it('derives a resource prefix from the cluster name', () => {
    expect(defaultPrefix('Prod Opencast (DCE)')).toBe('moscaler-Prod-Opencast-DCE-');
    expect(parseStackConfig(BASE_INPUT).resourcePrefix).toBe('moscaler-c-');
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ ...BASE_INPUT, autoscale: undefined, autoscaleFile: 'config/autoscale.example.json' }));

  it('reads -c config=FILE, the autoscale file it names, and -c overrides', () => {
    const context: Record<string, unknown> = { config: file, minWorkers: '3', cluster: 'other' };
    const { config, isExample } = loadConfig((k) => context[k], PROJECT_ROOT);
    expect(isExample).toBe(false);
    expect(config).toMatchObject({ cluster: 'other', settings: { minWorkers: 3 }, resourcePrefix: 'moscaler-other-' });
    // The shipped example: Opencast's own queue through the default policy, no CloudWatch metric at all.
    expect(config.autoscale.policy?.name).toBe('schedule-aware');
    expect(config.autoscale.strategies.map((s) => s.method)).toEqual(['queued_jobs']);
  });

  it('falls back to the example config when none is given', () => {
    const { isExample, config } = loadConfig(() => undefined, PROJECT_ROOT);
    expect(isExample).toBe(true);
    expect(config.cluster).toBe('example-cluster');
  });

  it('lets an empty -c key remove what the file sets', () => {
    const context: Record<string, unknown> = { config: file, provider: 'ec2', opsworksStackId: '' };
    expect(loadConfig((k) => context[k], PROJECT_ROOT).config).toMatchObject({ provider: 'ec2' });
  });

  it('names the -c key that is not a number', () => {
    expect(fieldOf(() => loadConfig((k) => ({ config: file, minWorkers: 'many' })[k], PROJECT_ROOT))).toBe('-c minWorkers');
  });
});
