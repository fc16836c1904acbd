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
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/** What the SDK resolves before its first request: its region and credentials (no AWS call unless a provider makes one, e.g. SSO). */
export async function resolveRegion(clients: AwsClients): Promise<string> {
  return clients.ec2.config.region();
}

export async function resolveCredentials(clients: AwsClients): Promise<void> {
  await clients.ec2.config.credentials();
}

export interface SharedProfiles {
  /** The files read (whether or not they exist): AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials. */
  files: string[];
  names: Set<string>;
}

/**
 * The profiles the SDK can find, from the section headers of the shared files: `[default]` and
 * `[profile NAME]` in config, `[NAME]` in credentials
 * (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html). The SDK reads process.env for
 * the paths, so this does too.
 */
export function sharedProfiles(env: Record<string, string | undefined> = process.env): SharedProfiles {
  const config = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
  const names = new Set<string>();
  for (const [file, header] of [
    [config, /^\s*\[\s*(?:profile\s+)?([^\]\s][^\]]*?)\s*\]/],
    [credentials, /^\s*\[\s*([^\]\s][^\]]*?)\s*\]/],
  ] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // A missing file has no profiles; the SDK treats it the same way.
    }
    for (const line of text.split(/\r?\n/)) {
      const name = header.exec(line)?.[1];
      // In config, other section kinds (`[sso-session x]`, `[services x]`) are not profiles.
      if (name && !(file === config && /^(sso-session|services)\s/.test(name))) names.add(name);
    }
  }
  return { files: [config, credentials], names };
}
