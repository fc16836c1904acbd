import { describe, expect, it } from 'vitest';
import { createAwsClients, destroyAwsClients, SIM_CREDENTIALS } from '../../../adapters/aws/clients';

describe('createAwsClients', () => {
  it('points every client at the one endpoint and region when --endpoint-url and --region are given', async () => {
    // Act
    const clients = createAwsClients({
      region: 'eu-west-1',
      endpointUrl: 'http://127.0.0.1:4566',
      credentials: SIM_CREDENTIALS,
    });

    try {
      // Assess
      for (const client of [clients.opsworks, clients.ec2, clients.cloudwatch, clients.sfn]) {
        expect(await client.config.region()).toBe('eu-west-1');
        const endpoint = await client.config.endpoint?.();
        expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
      }
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('gives each client its own copy of static credentials so the shared constant stays untouched', async () => {
    // Act
    const clients = createAwsClients({ region: 'us-east-1', credentials: SIM_CREDENTIALS });

    try {
      const identity = await clients.ec2.config.credentials();

      // Assess
      expect(identity.accessKeyId).toBe(SIM_CREDENTIALS.accessKeyId);
      expect(Object.isFrozen(SIM_CREDENTIALS)).toBe(true);
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('passes the profile to the SDK when no explicit credentials are given', () => {
    // Act
    const clients = createAwsClients({ region: 'us-east-1', profile: 'dce-prod' });

    try {
      // Assess
      expect(clients.opsworks.config.profile).toBe('dce-prod');
      expect(clients.cloudwatch.config.profile).toBe('dce-prod');
    } finally {
      destroyAwsClients(clients);
    }
  });
});
