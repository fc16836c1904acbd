/**
 * The two ways the contract tests mount the simulated Opencast under the real
 * adapter: loopback HTTP (node:http via serveRouter, undici's own Agent) and
 * in-process (RouterDispatcher). Both record every exchange the router saw.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpencastClient, type OpencastClientConfig } from '../../../adapters/opencast/opencast-client';
import { serveRouter } from '../../../sim/wire/http-server';
import { RouterDispatcher } from '../../../sim/wire/undici-dispatcher';
import type { WireRequest, WireResponse, WireRouter } from '../../../sim/wire/types';

export interface Exchange {
  request: WireRequest;
  response: WireResponse;
}

export function recording(router: WireRouter): { router: WireRouter; log: Exchange[] } {
  const log: Exchange[] = [];
  return {
    log,
    router: async (request) => {
      const response = await router(request);
      log.push({ request, response });
      return response;
    },
  };
}

export interface Mounted {
  client(config: Omit<OpencastClientConfig, 'baseUrl' | 'dispatcher'>): OpencastClient;
  close(): Promise<void>;
}

export interface Mount {
  name: string;
  mount(router: WireRouter): Promise<Mounted>;
}

export const loopback: Mount = {
  name: 'loopback HTTP',
  async mount(router) {
    const served = await serveRouter(router);
    const clients: OpencastClient[] = [];
    return {
      client(config) {
        const client = new OpencastClient({ ...config, baseUrl: served.url });
        clients.push(client);
        return client;
      },
      async close() {
        await Promise.all(clients.map((c) => c.close()));
        await served.close();
      },
    };
  },
};

export const inProcess: Mount = {
  name: 'in-process dispatcher',
  async mount(router) {
    const dispatcher = new RouterDispatcher(router);
    return {
      client: (config) => new OpencastClient({ ...config, baseUrl: 'http://admin1.internal', dispatcher }),
      close: () => dispatcher.close(),
    };
  },
};

/** A URL on which nothing listens: a real ECONNREFUSED, which the down sentinel stands for. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Every message and stack along the cause chain, to check that no secret leaks into any of them. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify(current));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}
