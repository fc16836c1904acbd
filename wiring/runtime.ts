/**
 * Entry-point wiring: the only place that builds real adapters from settings.
 * A simulated run builds the same adapters with in-process transports
 * (see wiring/sim-runtime.ts), so every code path above the wire is the real one.
 */
import type { Dispatcher } from 'undici';
import type { HttpHandler } from '@smithy/protocol-http';
import { createAwsClients, destroyAwsClients, resolveCredentials, resolveRegion, sharedProfiles, type AwsClientOptions, type AwsClients } from '../adapters/aws/clients';
import { mapAwsError } from '../adapters/aws/errors';
import { CloudWatchMetrics } from '../adapters/aws/cloudwatch-metrics';
import { Ec2Fleet } from '../adapters/aws/ec2-fleet';
import { OpsWorksFleet } from '../adapters/aws/opsworks-fleet';
import { readCaBundle } from '../adapters/opencast/ca-bundle';
import { OpencastClient } from '../adapters/opencast/opencast-client';
import type { FleetPort, MetricsPort, OpencastPort } from '../core/ports';
import { ConfigError } from '../core/errors';
import type { Settings } from '../core/settings';

export interface Runtime {
  fleet: FleetPort;
  metrics: MetricsPort;
  opencastAt: (baseUrl: string) => OpencastPort;
  aws: AwsClients;
  now: () => Date;
  close(): Promise<void>;
}

export interface Transports {
  requestHandler?: HttpHandler;
  credentials?: AwsClientOptions['credentials'];
  /** SDK attempts per call; the simulator uses 1 so throttling reaches the workflows' own Retry. */
  maxAttempts?: number;
  dispatcher?: Dispatcher;
  now?: () => Date;
  onClose?: () => Promise<void>;
}

export function createRuntime(settings: Settings, transports: Transports = {}): Runtime {
  const aws = createAwsClients({
    ...settings.aws,
    ...(transports.requestHandler ? { requestHandler: transports.requestHandler } : {}),
    ...(transports.credentials ? { credentials: transports.credentials } : {}),
    ...(transports.maxAttempts ? { maxAttempts: transports.maxAttempts } : {}),
  });
  const fleet: FleetPort =
    settings.provider === 'ec2'
      ? new Ec2Fleet({
          ec2: aws.ec2,
          clusterTagKey: settings.ec2Tags.cluster,
          roleTagKey: settings.ec2Tags.role,
          hostnameTagKey: settings.ec2Tags.hostname,
        })
      : new OpsWorksFleet({ opsworks: aws.opsworks, ec2: aws.ec2 });
  // Read once, before any request: a bad path fails the command (or the cold start) naming the setting.
  const ca = settings.opencast.caFile && !transports.dispatcher ? readCaBundle(settings.opencast.caFile, 'MOSCALER_OPENCAST_CA_FILE') : undefined;
  // One client per Opencast URL for the life of the process (a loop, a warm Lambda): it keeps its
  // connections and its digest nonce, so a request costs one round trip, not a 401 challenge and a retry.
  const opencastClients = new Map<string, OpencastClient>();
  const opencastAt = (baseUrl: string): OpencastClient => {
    let client = opencastClients.get(baseUrl);
    if (!client) {
      client = new OpencastClient({
        baseUrl,
        user: settings.opencast.user,
        password: settings.opencast.password,
        auth: settings.opencast.auth,
        timeoutMs: settings.opencast.timeoutMs,
        ...(transports.dispatcher ? { dispatcher: transports.dispatcher } : {}),
        ...(ca ? { ca } : {}),
      });
      opencastClients.set(baseUrl, client);
    }
    return client;
  };
  return {
    fleet,
    metrics: new CloudWatchMetrics({ cloudwatch: aws.cloudwatch }),
    opencastAt,
    aws,
    now: transports.now ?? (() => new Date()),
    async close() {
      destroyAwsClients(aws);
      await Promise.all([...opencastClients.values()].map((c) => c.close()));
      await transports.onClose?.();
    },
  };
}

/**
 * The AWS setup, checked before a command does anything: a missing region, an unknown profile or no
 * credentials is the operator's to fix (exit 2, saying how), not an outage for a workflow to retry.
 * Left alone, the SDK reports them at the first call ("Region is missing", "Could not load credentials
 * from any providers"), which the scale commands' workflows retried for a minute, and it never names
 * a profile that does not exist.
 */
export async function checkAwsSetup(runtime: Runtime, settings: Settings): Promise<void> {
  const { profile } = settings.aws;
  const shared = sharedProfiles();
  if (profile && !shared.names.has(profile)) {
    const known = shared.names.size ? `; profiles there: ${[...shared.names].sort().join(', ')}` : '';
    throw new ConfigError(
      '--profile/AWS_PROFILE',
      `no profile "${profile}" in ${shared.files.join(' or ')}${known}. Create it (\`aws configure --profile ${profile}\`) or name another`,
    );
  }
  try {
    await resolveRegion(runtime.aws);
  } catch (error) {
    throw new ConfigError(
      '--region/AWS_REGION',
      `no AWS region: pass --region, set AWS_REGION, or set \`region\` in the ${profile ? `profile "${profile}"` : 'default profile'} of ${shared.files[0]}`,
      { cause: error },
    );
  }
  try {
    await resolveCredentials(runtime.aws);
  } catch (error) {
    const mapped = mapAwsError(error, { system: 'ec2', operation: 'resolving credentials' });
    if (!(mapped instanceof ConfigError)) throw mapped;
    const source = profile ? `the profile "${profile}" has none usable: \`aws configure --profile ${profile}\` (keys) or \`aws sso login --profile ${profile}\`` : 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile, or run `aws configure`';
    throw new ConfigError('credentials', `no usable AWS credentials (${(error as Error).message}): ${source}`, { cause: error });
  }
}
