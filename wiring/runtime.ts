/**
 * Entry-point wiring: the only place that builds real adapters from settings.
 * A simulated run builds the same adapters with in-process transports
 * (see wiring/sim-runtime.ts), so every code path above the wire is the real one.
 */
import type { Dispatcher } from 'undici';
import type { HttpHandler } from '@smithy/protocol-http';
import { createAwsClients, destroyAwsClients, type AwsClientOptions, type AwsClients } from '../adapters/aws/clients';
import { CloudWatchMetrics } from '../adapters/aws/cloudwatch-metrics';
import { Ec2Fleet } from '../adapters/aws/ec2-fleet';
import { OpsWorksFleet } from '../adapters/aws/opsworks-fleet';
import { readCaBundle } from '../adapters/opencast/ca-bundle';
import { OpencastClient } from '../adapters/opencast/opencast-client';
import type { FleetPort, MetricsPort, OpencastPort } from '../core/ports';
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
