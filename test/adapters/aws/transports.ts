/**
 * The two ways the real SDK clients reach the simulated AWS router: loopback
 * HTTP (as `--sim` runs do) and the in-process request handler (as the
 * virtual-time simulator does). Contract tests run against both.
 */
import { type AwsClients, createAwsClients, destroyAwsClients, SIM_CREDENTIALS, SIM_REGION } from '../../../adapters/aws/clients';
import { type AwsCall, createAwsRouter } from '../../../sim/aws/router';
import type { SimClusterState } from '../../../sim/model/types';
import { serveRouter } from '../../../sim/wire/http-server';
import { createSdkRequestHandler } from '../../../sim/wire/sdk-request-handler';
import type { WireRouter } from '../../../sim/wire/types';

export interface Connected {
  clients: AwsClients;
  /** Every request the router saw, in order. */
  calls: AwsCall[];
  close(): Promise<void>;
}

export interface Transport {
  name: string;
  connectRouter(router: WireRouter): Promise<{ clients: AwsClients; close(): Promise<void> }>;
}

// One attempt: a throttled call must surface at once instead of backing off for seconds.
const base = { region: SIM_REGION, credentials: SIM_CREDENTIALS, maxAttempts: 1 };

export const transports: Transport[] = [
  {
    name: 'loopback HTTP',
    async connectRouter(router) {
      const served = await serveRouter(router);
      const clients = createAwsClients({ ...base, endpointUrl: served.url });
      return {
        clients,
        close: async () => {
          destroyAwsClients(clients);
          await served.close();
        },
      };
    },
  },
  {
    name: 'in-process handler',
    async connectRouter(router) {
      const clients = createAwsClients({ ...base, requestHandler: createSdkRequestHandler(router) });
      return { clients, close: async () => destroyAwsClients(clients) };
    },
  },
];

export async function connect(transport: Transport, state: SimClusterState): Promise<Connected> {
  const calls: AwsCall[] = [];
  const router = createAwsRouter(state, { onCall: (call) => calls.push(call) });
  const { clients, close } = await transport.connectRouter(router);
  return { clients, calls, close };
}

export function countCalls(calls: readonly AwsCall[], service: AwsCall['service'], operation: string): number {
  return calls.filter((c) => c.service === service && c.operation === operation).length;
}
