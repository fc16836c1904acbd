import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors';
import { redactSettings, resolveSettings } from '../../core/settings';

const base = { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'opencast_system_account', MATTERHORN_PASS: 's3cret' };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.field;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveSettings', () => {
  it('takes the original variables with their defaults, EC2 and per-second billing as in 2026', () => {
    const settings = resolveSettings({}, base);
    expect(settings).toMatchObject({
      cluster: 'prod',
      minWorkers: 1,
      idleUptimeThreshold: 50,
      billing: 'per-second',
      provider: 'ec2',
      stateDir: '.moscaler',
      opencast: { user: 'opencast_system_account', password: 's3cret', auth: 'digest', queueSource: 'active-jobs' },
    });
  });

  it.each([
    ['the environment', {}, { MOSCALER_PROVIDER: 'opsworks', MOSCALER_BILLING: 'hourly' }],
    ['flags', { provider: 'opsworks', billing: 'hourly' }, {}],
    ['flags over the environment', { provider: 'opsworks', billing: 'hourly' }, { MOSCALER_PROVIDER: 'ec2', MOSCALER_BILLING: 'per-second' }],
  ])('keeps the legacy opsworks provider and hourly billing when %s say so', (_, flags, env) => {
    expect(resolveSettings(flags, { ...base, ...env })).toMatchObject({ provider: 'opsworks', billing: 'hourly' });
  });

  it('lets flags win over variables, CLUSTER_NAME and AWS_DEFAULT_* as fallbacks', () => {
    const settings = resolveSettings(
      { cluster: 'flagged', region: 'eu-west-1' },
      { ...base, CLUSTER_NAME: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_DEFAULT_PROFILE: 'ops' },
    );
    expect(settings.cluster).toBe('flagged');
    expect(settings.aws).toEqual({ region: 'eu-west-1', profile: 'ops' });
    expect(resolveSettings({}, { ...base, MOSCALER_CLUSTER: undefined, CLUSTER_NAME: 'legacy' }).cluster).toBe('legacy');
  });

  it.each([
    [{}, { ...base, MOSCALER_CLUSTER: undefined }, '--cluster'],
    [{}, { ...base, MATTERHORN_PASS: undefined }, 'MATTERHORN_PASS'],
    [{}, { ...base, MATTERHORN_USER: '' }, 'MATTERHORN_USER'],
    [{}, { ...base, MOSCALER_MIN_WORKERS: '-1' }, 'MOSCALER_MIN_WORKERS'],
    [{}, { ...base, MOSCALER_MIN_WORKERS: 'two' }, 'MOSCALER_MIN_WORKERS'],
    [{}, { ...base, MOSCALER_IDLE_UPTIME_THRESHOLD: '75' }, 'MOSCALER_IDLE_UPTIME_THRESHOLD'],
    [{}, { ...base, MOSCALER_BILLING: 'monthly' }, 'MOSCALER_BILLING'],
    [{}, { ...base, MOSCALER_OPENCAST_AUTH: 'ntlm' }, 'MOSCALER_OPENCAST_AUTH'],
    [{ endpointUrl: 'ftp://x' }, base, '--endpoint-url'],
    [{ opencastUrl: 'not a url' }, base, '--opencast-url'],
    [{ region: 'Mars' }, base, '--region'],
  ])('rejects a bad value naming it (%#)', (flags, env, field) => {
    expect(fieldOf(() => resolveSettings(flags, env))).toBe(field);
  });

  it('never shows the password in a redacted copy', () => {
    const shown = JSON.stringify(redactSettings(resolveSettings({}, { ...base, LOGGLY_TOKEN: 'tok-123' })));
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('tok-123');
  });

  it('reads protected workers and the protect tag', () => {
    const settings = resolveSettings({}, { ...base, MOSCALER_PROTECTED_WORKERS: 'worker1, worker7', MOSCALER_PROTECT_TAG: 'keep=yes' });
    expect(settings.protectedWorkers).toEqual(['worker1', 'worker7']);
    expect(settings.protectTag).toEqual({ key: 'keep', value: 'yes' });
  });
});
