import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogglyShipper } from '../../cli/loggly';
import { fakeRuntime, runCli } from '../helpers/cli';
import { NOW } from '../helpers/views';

const servers: Array<{ close(): void }> = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function collector(status = 200) {
  const received: Array<{ url: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body });
      res.statusCode = status;
      res.end('{"response":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('Loggly shipping', () => {
  it('sends the run’s log lines tagged mo-scaler and the cluster, without the password', async () => {
    const sink = await collector();
    const fake = fakeRuntime([{ hostname: 'worker1', uptimeMinutes: 55 }, { hostname: 'worker2' }], NOW);
    const run = await runCli(
      ['--engine', 'direct', '-n', 'scale', 'down'],
      { MOSCALER_CLUSTER: 'prod cluster', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'pw-do-not-log', LOGGLY_TOKEN: 'tok-abc', MOSCALER_LOGGLY_URL: sink.url },
      fake.runtimeFor,
    );
    expect(run.code).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.url).toBe('/bulk/tok-abc/tag/mo-scaler,prod-cluster/');
    expect(sink.received[0]?.body).toMatch(/"event":"before"/);
    expect(sink.received[0]?.body).not.toContain('pw-do-not-log');
  });

  it('reports a failed shipment without the token', async () => {
    const sink = await collector(403);
    const errors: string[] = [];
    const shipper = createLogglyShipper({ token: 'tok-secret', cluster: 'c', baseUrl: sink.url, onError: (m) => errors.push(m) });
    shipper.write('{"msg":"x"}\n');
    await shipper.flush();
    expect(errors).toEqual(['loggly: shipping logs failed with HTTP 403']);
  });
});
