import { describe, expect, it } from 'vitest';
import { redactSettings, resolveSettings } from '../../core/settings';
import { fieldOf } from '../helpers/config-errors';

const base = { MOSCALER_CLUSTER: 'prod', MATTERHORN_USER: 'opencast_system_account', MATTERHORN_PASS: 's3cret' };

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

  it('reads the explicit host matches: a JSON map of hostname to Opencast URL and the URL tag', () => {
    const settings = resolveSettings({}, { ...base, MOSCALER_HOST_URLS: '{"opencast worker 2":"https://w2.example.edu/","worker3":"http://10.1.2.3:8080"}', MOSCALER_HOST_URL_TAG: 'oc:url' });
    expect(settings.hostUrls).toEqual({ 'opencast worker 2': 'https://w2.example.edu', worker3: 'http://10.1.2.3:8080' });
    expect(settings.hostUrlTag).toBe('oc:url');
    expect(resolveSettings({}, base)).toMatchObject({ hostUrls: {}, hostUrlTag: 'opencast:server-url' });
  });

  it.each([
    ['worker1=https://w1', 'MOSCALER_HOST_URLS'],
    ['["https://w1"]', 'MOSCALER_HOST_URLS'],
    ['{"worker1":"ftp://w1"}', 'MOSCALER_HOST_URLS["worker1"]'],
    ['{"worker1":8080}', 'MOSCALER_HOST_URLS["worker1"]'],
  ])('refuses MOSCALER_HOST_URLS=%s naming %s', (value, field) => {
    expect(fieldOf(() => resolveSettings({}, { ...base, MOSCALER_HOST_URLS: value }))).toBe(field);
  });
});
