/**
 * Boots and drains through the real workflows when Opencast knows its nodes
 * under the URLs real installs use (https, a port, an IP, an FQDN, an
 * explicitly mapped URL), not the `http://<private DNS>` the original assumed.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { SETTLE_MS, simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

function setup(workers: Array<Record<string, unknown>>, env: Record<string, string> = {}) {
  const sim = simWorkflows({ cluster: 'c', start: START, billing: 'per-second', workers, others: [{ hostname: 'admin1', layer: 'admin' }] } as never, env);
  return sim;
}

describe('workflows with Opencast base_urls as configured', () => {
  it.each(['name-port', 'fqdn', 'ip-port'])('drains a %s worker: maintenance on its exact base_url, then stopped', async (form) => {
    const sim = setup([
      { hostname: 'worker1', state: 'online', uptimeMinutes: 30, baseUrl: form },
      { hostname: 'worker2', state: 'online', uptimeMinutes: 30 },
    ]);
    const url = sim.cluster.instances.find((i) => i.hostname === 'worker1')!.baseUrl!;
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false, minWorkers: 1 }, { name: 'drain-worker1-t' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    const history = await sim.engine.history(ref);
    expect(entered(history)).toEqual(expect.arrayContaining(['MaintenanceOn', 'CheckDrained', 'StopInstance', 'Stopped']));
    expect(history.find((e) => e.type === 'TaskSucceeded' && e.state === 'MaintenanceOn')?.output).toMatchObject({ hostUrl: url });
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker1')?.status).toBe('stopped');
  });

  it('boots a worker registered as https://fqdn and ends Booted once that host is online', async () => {
    const sim = setup([
      { hostname: 'worker1', state: 'online', uptimeMinutes: 30 },
      { hostname: 'worker2', state: 'stopped', hasEc2: true, baseUrl: 'fqdn' },
    ]);
    const ref = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-t' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(await sim.engine.history(ref)).at(-1)).toBe('Booted');
  });

  it('boots and drains a worker whose URL only the settings map names', async () => {
    const url = 'https://lb.example.org/oc-2';
    const sim = setup(
      [
        { hostname: 'worker1', state: 'online', uptimeMinutes: 30 },
        { hostname: 'worker2', state: 'stopped', hasEc2: true, baseUrl: url },
      ],
      { MOSCALER_HOST_URLS: JSON.stringify({ worker2: url }) },
    );
    // The host's address is the node's private IP, so clear it to leave the map as the only way to match.
    const boot = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-worker2-map' });
    await sim.vt.run({ until: () => sim.cluster.hosts.some((h) => h.baseUrl === url) });
    for (const h of sim.cluster.hosts) if (h.baseUrl === url) delete h.address;
    expect((await sim.vt.drive(sim.engine.wait(boot))).status).toBe('SUCCEEDED');
    // A drain begun the moment the boot ended would still see it running (ListExecutions lags) and rightly skip.
    await sim.vt.run({ deadline: Date.now() + SETTLE_MS });
    const drain = await sim.engine.start('drain-worker', { hostname: 'worker2', respectBillingWindow: false, minWorkers: 1 }, { name: 'drain-worker2-map' });
    expect((await sim.vt.drive(sim.engine.wait(drain))).status).toBe('SUCCEEDED');
    expect(sim.cluster.instances.find((i) => i.hostname === 'worker2')?.status).toBe('stopped');
  });
});
