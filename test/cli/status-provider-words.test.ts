/**
 * `status` speaks the provider's own words (issue 25 item 2): on an EC2
 * cluster EC2's states (`running`, not OpsWorks' `online`) and the instance
 * id, on an OpsWorks stack its status words and ids, and it says which
 * provider is in use. The JSON adds `provider`, `state`, `instanceState` (the
 * core's provider-neutral state) and `instanceId`, and keeps `opsworksState`
 * and `opsworksId` with their old values for one release.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const EC2 = fileURLToPath(new URL('../../scenarios/small-quiet-ec2.json', import.meta.url));
const OPSWORKS = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

interface StatusWorker {
  hostname: string;
  state: string;
  instanceState: string;
  instanceId: string;
  ec2Id: string | null;
  opsworksState: string;
  opsworksId: string | null;
}

async function status(scenario: string, format: 'table' | 'json') {
  const run = await runCli(['--sim', scenario, 'status', '--format', format], {});
  expect(run.code).toBe(0);
  return run.stdout;
}

/** The table's rows by hostname, split on its column gaps. */
function rows(table: string): Map<string, string[]> {
  const lines = table.split('\n');
  const header = lines.findIndex((l) => l.startsWith('hostname'));
  return new Map(lines.slice(header + 2).filter((l) => /^worker/.test(l)).map((l) => [l.split(/\s{2,}/)[0]!, l.split(/\s{2,}/)]));
}

describe('status on an EC2 cluster', () => {
  it('says EC2, and shows EC2 states and instance ids, no OpsWorks column or word', async () => {
    const table = await status(EC2, 'table');
    expect(table).toMatch(/^Cluster: sim-small\nProvider: EC2\n/);
    expect(table).toMatch(/^Workers: 4 \(2 running, 0 pending\)$/m);
    const header = table.split('\n').find((l) => l.startsWith('hostname'))!;
    expect(header.split(/\s{2,}/).slice(0, 3)).toEqual(['hostname', 'ec2 state', 'instance id']);
    expect(header).not.toMatch(/opsworks/);
    const byHost = rows(table);
    expect(byHost.get('worker1')!.slice(1, 3)).toEqual(['running', expect.stringMatching(/^i-[0-9a-f]{8,17}$/)]);
    expect(byHost.get('worker3')!.slice(1, 3)).toEqual(['stopped', expect.stringMatching(/^i-[0-9a-f]{8,17}$/)]);
    expect([...byHost.values()].flat()).not.toContain('online');
  });

  it('has the new keys in JSON, and the deprecated opsworks keys with their old values', async () => {
    const json = JSON.parse(await status(EC2, 'json')) as { provider: string; workers: StatusWorker[] };
    expect(json.provider).toBe('ec2');
    const worker1 = json.workers.find((w) => w.hostname === 'worker1')!;
    expect(worker1).toMatchObject({ state: 'running', instanceState: 'running', opsworksState: 'online', opsworksId: null });
    expect(worker1.instanceId).toMatch(/^i-[0-9a-f]{8,17}$/);
    expect(worker1.ec2Id).toBe(worker1.instanceId);
    expect(json.workers.find((w) => w.hostname === 'worker4')).toMatchObject({ state: 'stopped', instanceState: 'stopped', opsworksState: 'stopped' });
  });
});

describe('status on an OpsWorks stack', () => {
  it('says OpsWorks, and shows OpsWorks words with the OpsWorks and EC2 ids', async () => {
    const table = await status(OPSWORKS, 'table');
    expect(table).toMatch(/^Cluster: sim-small\nProvider: OpsWorks\n/);
    expect(table).toMatch(/^Workers: 4 \(2 online, 0 pending\)$/m);
    const header = table.split('\n').find((l) => l.startsWith('hostname'))!;
    expect(header.split(/\s{2,}/).slice(0, 4)).toEqual(['hostname', 'opsworks state', 'opsworks id', 'ec2 id']);
    const byHost = rows(table);
    expect(byHost.get('worker1')!.slice(1, 4)).toEqual(['online', expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^i-[0-9a-f]+$/)]);
  });

  it('has the new keys in JSON: the OpsWorks word as state, the OpsWorks id as instance id', async () => {
    const json = JSON.parse(await status(OPSWORKS, 'json')) as { provider: string; workers: StatusWorker[] };
    expect(json.provider).toBe('opsworks');
    const worker1 = json.workers.find((w) => w.hostname === 'worker1')!;
    expect(worker1).toMatchObject({ state: 'online', instanceState: 'running', opsworksState: 'online' });
    expect(worker1.instanceId).toBe(worker1.opsworksId);
    expect(worker1.ec2Id).toMatch(/^i-[0-9a-f]+$/);
  });
});
