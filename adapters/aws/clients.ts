/**
 * Builds the AWS SDK v3 clients the adapters need, with AWS CLI semantics:
 * `profile` (--profile), `region` (--region), `endpointUrl` (--endpoint-url).
 * Clients are returned, never stored globally, so every entry point (CLI,
 * Lambda, simulator, tests) injects its own.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OpsWorksClient, type OpsWorksClientConfig } from '@aws-sdk/client-opsworks';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { HttpHandler } from '@smithy/protocol-http';

export interface AwsClientOptions {
  /** Unset: the SDK's own chain (AWS_REGION, then the profile's `region`). */
  region?: string;
  /** A named profile of ~/.aws/config; ignored when `credentials` is given. */
  profile?: string;
  /** One endpoint for every service (the simulator serves them all on one port). */
  endpointUrl?: string;
  credentials?: OpsWorksClientConfig['credentials'];
  /** An in-process handler (the simulator's) instead of HTTP. */
  requestHandler?: HttpHandler;
  /** SDK attempts per call including the first; the SDK default is 3. */
  maxAttempts?: number;
}

export interface AwsClients {
  opsworks: OpsWorksClient;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  sfn: SFNClient;
}

/** Fixed fake credentials for the simulator: requests must be signed, but nothing checks the secret. */
export const SIM_CREDENTIALS = Object.freeze({
  accessKeyId: 'AKIDSIMULATEDCLUSTER',
  secretAccessKey: 'simulated-secret-not-a-real-key',
});

export const SIM_REGION = 'us-east-1';

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  return {
    opsworks: new OpsWorksClient(clientConfig(options)),
    ec2: new EC2Client(clientConfig(options)),
    cloudwatch: new CloudWatchClient(clientConfig(options)),
    sfn: new SFNClient(clientConfig(options)),
  };
}

/** Releases sockets held by the clients' HTTP agents. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.opsworks.destroy();
  clients.ec2.destroy();
  clients.cloudwatch.destroy();
  clients.sfn.destroy();
}

function clientConfig(options: AwsClientOptions) {
  const { credentials } = options;
  return {
    // Resolve each command's middleware stack once, not on every call (nothing here edits a stack
    // after the first request): ~0.1 ms less per call, which a warm Lambda and a simulated week feel.
    cacheMiddleware: true,
    ...(options.region ? { region: options.region } : {}),
    // Explicit credentials win over a profile, as in the CLI with env keys set.
    ...(options.profile && !credentials ? { profile: options.profile } : {}),
    // The SDK writes bookkeeping onto a static credentials object: each client gets its own copy.
    ...(credentials ? { credentials: typeof credentials === 'function' ? credentials : { ...credentials } } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
}
