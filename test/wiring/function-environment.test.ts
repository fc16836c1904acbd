import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { resolveSettings } from '../../core/settings';
import { functionEnvironment, settingsEnvironment } from '../../wiring/function-environment';

const CREDENTIALS = { MATTERHORN_USER: 'opencast_system_account', MATTERHORN_PASS: 'from-the-secret' };

describe('function environment of the simulated stack', () => {
  it.each([
    ['defaults', { MOSCALER_CLUSTER: 'c' }],
    [
      'every setting changed',
      {
        MOSCALER_CLUSTER: 'prod',
        MOSCALER_PROVIDER: 'opsworks',
        MOSCALER_EC2_CLUSTER_TAG: 'oc:cluster',
        MOSCALER_EC2_ROLE_TAG: 'oc:role',
        MOSCALER_EC2_HOSTNAME_TAG: 'oc:name',
        MOSCALER_OPENCAST_AUTH: 'basic',
        MOSCALER_OPENCAST_URL: 'https://admin.example.edu:8443',
        MOSCALER_OPENCAST_TIMEOUT_MS: '2500',
        MOSCALER_OPENCAST_CA_FILE: '/var/task/opencast-ca.pem',
        MOSCALER_QUEUE_SOURCE: 'queued-job-count',
        AWS_REGION: 'eu-west-1',
        MOSCALER_MIN_WORKERS: '3',
        MOSCALER_IDLE_UPTIME_THRESHOLD: '40',
        MOSCALER_BILLING: 'hourly',
        MOSCALER_PROTECTED_WORKERS: 'worker1,worker 2',
        MOSCALER_PROTECT_TAG: 'keep=yes',
      },
    ],
  ])('gives the functions the settings of the command (%s): resolved again they are the same', (_case, env) => {
    const settings = resolveSettings({}, { ...env, ...CREDENTIALS });
    const again = resolveSettings({}, { ...settingsEnvironment(settings), ...CREDENTIALS });
    expect(again).toEqual(settings);
  });

  it('carries the config, the secret and the state machines, and never the credentials', () => {
    const settings = resolveSettings({}, { MOSCALER_CLUSTER: 'c', ...CREDENTIALS });
    const autoscaleConfig = parseAutoscaleConfig({ strategies: [], policy: { name: 'headroom' } }, 'test');
    const env = functionEnvironment({ settings, autoscaleConfig, secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-abcdef', stateMachineArns: { autoscale: 'arn:a', 'drain-worker': 'arn:d' } }, 'plan-cycle');
    expect(env).toMatchObject({
      MOSCALER_ACTIVITY: 'plan-cycle',
      MOSCALER_OPENCAST_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-abcdef',
      MOSCALER_AUTOSCALE_STATE_MACHINE_ARN: 'arn:a',
      MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN: 'arn:d',
    });
    expect(parseAutoscaleConfig(JSON.parse(env.AUTOSCALE_CONFIG!), 'env')).toEqual(autoscaleConfig);
    expect(JSON.stringify(env)).not.toContain('from-the-secret');
    expect(Object.keys(env)).not.toContain('MATTERHORN_PASS');
  });
});
