import { afterEach, describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS } from '../../adapters/aws/clients';
import { ConfigError } from '../../core/errors';
import { createAwsRouter } from '../../sim/aws/router';
import { secretsManagerOperations, SimSecrets } from '../../sim/aws/secrets-manager';
import { ManualClock } from '../../sim/model/clock';
import { parseScenario } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { createOpencastRouter } from '../../sim/opencast/router';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';
import { createLambdaHandler } from '../../wiring/lambda-entry';
import { depsFromEnvironment, lambdaHandler, type LambdaDeps } from '../../wiring/lambda-runtime';

const ENV = {
  MOSCALER_CLUSTER: 'prod',
  MATTERHORN_USER: 'opencast_system_account',
  MATTERHORN_PASS: 'pw-in-env-for-tests',
  AWS_REGION: 'us-east-1',
  MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:moscaler-drain-worker',
};
const START = Date.parse('2025-10-13T10:00:00Z');
const MIN = 60_000;

/** A simulated account whose Secrets Manager holds the Opencast credentials, failing for its first 10 minutes. */
function account(faults: Array<{ at: string; kind: 'aws-5xx' | 'aws-throttle'; forMinutes: number; target: string }> = []) {
  const clock = new ManualClock(START);
  const cluster = createSimCluster(
    parseScenario({ cluster: 'prod', start: new Date(START).toISOString(), others: [{ hostname: 'admin1', layer: 'admin' }], faults }),
    clock,
  );
  const secrets = new SimSecrets('us-east-1');
  const secretArn = secrets.put('moscaler-opencast', JSON.stringify({ user: 'opencast_system_account', password: 's3cret' }), START);
  const requestHandler = createSdkRequestHandler(createAwsRouter(cluster, { services: { secretsmanager: secretsManagerOperations(secrets) } }));
  const { MATTERHORN_USER: _u, MATTERHORN_PASS: _p, ...withoutCredentials } = ENV;
  return { clock, secretArn, transports: { requestHandler, credentials: SIM_CREDENTIALS, maxAttempts: 1 }, env: { ...withoutCredentials, MOSCALER_OPENCAST_SECRET_ARN: secretArn } };
}

const opened: LambdaDeps[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.runtime.close();
});

/**
 * A simulated Opencast wanting password "s3cret" (rotated by the scenario's `faults`), a secret holding
 * `secretPassword`, and a Lambda handler whose activity checks the credentials; counts its inits and calls.
 */
function rotationAccount(secretPassword: string, faults: unknown[] = []) {
  const clock = new ManualClock(START);
  const cluster = createSimCluster(
    parseScenario({ cluster: 'prod', start: new Date(START).toISOString(), opencast: { password: 's3cret' }, others: [{ hostname: 'admin1', layer: 'admin' }], faults }),
    clock,
  );
  const secrets = new SimSecrets('us-east-1');
  const secretArn = secrets.put('moscaler-opencast', JSON.stringify({ user: 'opencast_system_account', password: secretPassword }), START);
  const requestHandler = createSdkRequestHandler(createAwsRouter(cluster, { services: { secretsmanager: secretsManagerOperations(secrets) } }));
  const transports = { requestHandler, credentials: SIM_CREDENTIALS, maxAttempts: 1, dispatcher: new RouterDispatcher(createOpencastRouter(cluster)) };
  const { MATTERHORN_USER: _u, MATTERHORN_PASS: _p, ...withoutCredentials } = ENV;
  const counts = { inits: 0, calls: 0 };
  const handler = lambdaHandler((deps) => async () => {
    counts.calls += 1;
    await deps.opencastAt(cluster.hosts[0]!.baseUrl).checkCredentials();
    return 'served';
  }, { env: { ...withoutCredentials, MOSCALER_OPENCAST_SECRET_ARN: secretArn }, transports, onInit: (d) => { counts.inits += 1; opened.push(d); } });
  const putSecret = (password: string, at: number) => secrets.put('moscaler-opencast', JSON.stringify({ user: 'opencast_system_account', password }), at);
  return { clock, cluster, handler, counts, putSecret };
}

describe('lambda runtime', () => {
  it('builds the activity dependencies from the function environment', async () => {
    const built = await depsFromEnvironment({ ...ENV, AUTOSCALE_CONFIG: '{"strategies":[{"method":"queued_jobs","name":"q","settings":{"up_threshold":3,"down_threshold":1}}]}' });
    opened.push(built);
    expect(built.deps.settings.cluster).toBe('prod');
    expect(built.deps.autoscaleConfig?.strategies).toHaveLength(1);
  });

  it('refuses a bad config or missing credentials before any call', async () => {
    await expect(depsFromEnvironment({ ...ENV, AUTOSCALE_CONFIG: '{"strategies": 3}' })).rejects.toThrow(ConfigError);
    await expect(depsFromEnvironment({ ...ENV, MATTERHORN_PASS: undefined })).rejects.toThrow(/MATTERHORN_PASS/);
  });

  it('reads the Opencast credentials from the secret through the injected transports', async () => {
    const sim = account();
    const built = await depsFromEnvironment(sim.env, sim.transports);
    opened.push(built);
    expect(built.deps.settings.opencast).toMatchObject({ user: 'opencast_system_account', password: 's3cret' });
  });

  it('builds the dependencies once per execution environment', async () => {
    const sim = account();
    let built = 0;
    const handler = lambdaHandler(
      () => {
        built += 1;
        return async (event: unknown) => event;
      },
      { env: sim.env, transports: sim.transports, onInit: (d) => opened.push(d) },
    );
    expect(await handler({ a: 1 })).toEqual({ a: 1 });
    expect(await handler({ a: 2 })).toEqual({ a: 2 });
    expect(built).toBe(1);
  });

  it('retries a failed initialisation at the next invocation instead of caching the failure', async () => {
    const sim = account([{ at: '+0m', kind: 'aws-5xx', forMinutes: 10, target: 'secretsmanager' }]);
    let built = 0;
    const handler = lambdaHandler(
      () => {
        built += 1;
        return async () => 'served';
      },
      { env: sim.env, transports: sim.transports, onInit: (d) => opened.push(d) },
    );
    // GetSecretValue fails (HTTP 500): a DependencyError the Tasks retry, not an untyped SDK error.
    await expect(handler({})).rejects.toMatchObject({ name: 'DependencyError', message: expect.stringMatching(/secretsmanager: GetSecretValue/) });
    await expect(handler({})).rejects.toMatchObject({ name: 'DependencyError' });
    sim.clock.set(START + 11 * MIN);
    expect(await handler({})).toBe('served');
    expect(await handler({})).toBe('served');
    expect(built).toBe(1);
  });

  it('reports a throttled secret read as ThrottledError and a missing secret as ConfigError', async () => {
    const sim = account([{ at: '+0m', kind: 'aws-throttle', forMinutes: 10, target: 'secretsmanager' }]);
    const handler = lambdaHandler(() => async () => 'served', { env: sim.env, transports: sim.transports });
    await expect(handler({})).rejects.toMatchObject({ name: 'ThrottledError' });
    sim.clock.set(START + 11 * MIN);
    const missing = lambdaHandler(() => async () => 'served', { env: { ...sim.env, MOSCALER_OPENCAST_SECRET_ARN: `${sim.secretArn}x` }, transports: sim.transports });
    await expect(missing({})).rejects.toMatchObject({ name: 'ConfigError', field: 'MOSCALER_OPENCAST_SECRET_ARN' });
  });

  it('reads the secret again after Opencast refused its credentials (a rotated password), not for the life of the environment', async () => {
    // Prepare: the secret still holds the old password; Opencast (simulated, on the wire) wants "s3cret".
    const { handler, counts, putSecret } = rotationAccount('old-password');

    // Act and assess: refused with the old password, read in this very invocation: the configuration's error.
    await expect(handler({})).rejects.toMatchObject({ name: 'AuthError', message: expect.stringMatching(/401/) });
    putSecret('s3cret', START + MIN);
    expect(await handler({})).toBe('served');
    expect(await handler({})).toBe('served');
    expect(counts.inits).toBe(2);
  });

  it('rides through a rotation: credentials refused after an earlier invocation read them are read again and the activity tried once more', async () => {
    // Prepare: Opencast and the secret agree, and an environment has served with them.
    const { clock, cluster, handler, counts, putSecret } = rotationAccount('s3cret', [{ at: '+1m', kind: 'password-rotated', forMinutes: 1 }]);
    expect(await handler({})).toBe('served');

    // Act: the password is rotated in Opencast and in the secret together.
    clock.set(START + 2 * MIN);
    putSecret(cluster.opencast.password, START + 2 * MIN);
    expect(cluster.opencast.password).not.toBe('s3cret');

    // Assess: the next invocation is refused once with the old password, reads the secret again and serves.
    expect(await handler({})).toBe('served');
    expect(counts.inits).toBe(2);
    expect(counts.calls).toBe(3);
  });

  it('turns an unexpected error into an InternalError, a name the workflows know', async () => {
    const sim = account();
    const handler = lambdaHandler(
      () => async () => {
        throw new TypeError('x is undefined');
      },
      { env: sim.env, transports: sim.transports, onInit: (d) => opened.push(d) },
    );
    await expect(handler({})).rejects.toMatchObject({ name: 'InternalError', message: expect.stringContaining('TypeError: x is undefined') });
  });

  it('refuses a function environment that names no activity, with the variable', async () => {
    const sim = account();
    const handler = createLambdaHandler({ ...sim.env, MOSCALER_ACTIVITY: 'no-such-step' }, sim.transports, (d) => opened.push(d));
    await expect(handler({})).rejects.toMatchObject({ name: 'ConfigError', field: 'MOSCALER_ACTIVITY' });
  });
});
