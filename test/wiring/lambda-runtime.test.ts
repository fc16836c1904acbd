import { describe, expect, it } from 'vitest';
import { depsFromEnvironment, lambdaHandler } from '../../wiring/lambda-runtime';
import { ConfigError } from '../../core/errors';

const ENV = {
  MOSCALER_CLUSTER: 'prod',
  MATTERHORN_USER: 'opencast_system_account',
  MATTERHORN_PASS: 'pw-in-env-for-tests',
  AWS_REGION: 'us-east-1',
  MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:moscaler-drain-worker',
};

describe('lambda runtime', () => {
  it('builds the activity dependencies from the function environment', async () => {
    const deps = await depsFromEnvironment({ ...ENV, AUTOSCALE_CONFIG: '{"strategies":[{"method":"queued_jobs","name":"q","settings":{"up_threshold":3,"down_threshold":1}}]}' });
    expect(deps.settings.cluster).toBe('prod');
    expect(deps.autoscaleConfig?.strategies).toHaveLength(1);
  });

  it('refuses a bad config or missing credentials before any call', async () => {
    await expect(depsFromEnvironment({ ...ENV, AUTOSCALE_CONFIG: '{"strategies": 3}' })).rejects.toThrow(ConfigError);
    await expect(depsFromEnvironment({ ...ENV, MATTERHORN_PASS: undefined })).rejects.toThrow(/MATTERHORN_PASS/);
  });

  it('builds the dependencies once per container', async () => {
    let built = 0;
    const handler = lambdaHandler(() => {
      built += 1;
      return async (event: unknown) => event;
    });
    const saved = { ...process.env };
    Object.assign(process.env, ENV);
    try {
      expect(await handler({ a: 1 })).toEqual({ a: 1 });
      expect(await handler({ a: 2 })).toEqual({ a: 2 });
    } finally {
      process.env = saved;
    }
    expect(built).toBe(1);
  });
});
