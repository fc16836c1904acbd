/**
 * The simulated EC2 through the real EC2 client, as eventually consistent as
 * AWS documents it (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html):
 * DescribeInstances shows a state change (pending → running, stopping →
 * stopped) only after that change's seeded lag, its filters included; and
 * StopInstances refuses an instance that never reached `running`
 * (IncorrectInstanceState), as EC2 does.
 */
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { createAwsRouter } from '../../sim/aws/router';
import { ManualClock } from '../../sim/model/clock';
import { DEFAULT_TIMINGS } from '../../sim/model/cluster-types';
import { createSimCluster } from '../../sim/model/create';
import { parseScenario, type ScenarioInput } from '../../sim/model/scenario';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';

const START = '2025-10-13T10:00:00Z';
const T0 = Date.parse(START);
const PENDING_MS = DEFAULT_TIMINGS.ec2PendingMs;
const STOPPING_MS = DEFAULT_TIMINGS.ec2StoppingMs;

let client: EC2Client | undefined;
afterEach(() => {
  client?.destroy();
  client = undefined;
});

function setup(extra: Partial<ScenarioInput> = {}) {
  const clock = new ManualClock(T0);
  const cluster = createSimCluster(
    parseScenario({
      cluster: 'c',
      start: START,
      provider: 'ec2',
      workers: [{ hostname: 'worker1', state: 'stopped' }, { hostname: 'worker2', state: 'online', uptimeMinutes: 60 }],
      consistency: { ec2: { minMs: 4_000, maxMs: 4_000 } },
      ...extra,
    }),
    clock,
  );
  client = new EC2Client({ region: SIM_REGION, credentials: { ...SIM_CREDENTIALS }, requestHandler: createSdkRequestHandler(createAwsRouter(cluster)), maxAttempts: 1 });
  const ec2 = client;
  const idOf = (hostname: string) => cluster.instances.find((i) => i.hostname === hostname)!.ec2Id!;
  const shown = async (hostname: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [idOf(hostname)] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
  const named = async (state: string) =>
    ((await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: [state] }] }))).Reservations ?? []).map(
      (r) => r.Instances?.[0]?.Tags?.find((t) => t.Key === 'Name')?.Value,
    );
  const at = (ms: number) => clock.set(T0 + ms);
  return { cluster, ec2, idOf, shown, named, at };
}

describe('simulated EC2, eventually consistent', () => {
  it('shows the starting state at once, and each later change only after its lag', async () => {
    const t = setup();
    expect(await t.shown('worker2')).toBe('running');
    await t.ec2.send(new StartInstancesCommand({ InstanceIds: [t.idOf('worker1')] }));
    t.at(3_999);
    expect(await t.shown('worker1')).toBe('stopped');
    t.at(4_000);
    expect(await t.shown('worker1')).toBe('pending');
    // Running since PENDING_MS, shown 4 s later; the filter sees what the read shows.
    t.at(PENDING_MS + 3_999);
    expect(await t.shown('worker1')).toBe('pending');
    expect(await t.named('running')).toEqual(['admin1', 'worker2']);
    t.at(PENDING_MS + 4_000);
    expect(await t.shown('worker1')).toBe('running');
    expect(await t.named('running')).toEqual(['admin1', 'worker1', 'worker2']);
  });

  it('shows stopping, then stopped, each its lag after it happened', async () => {
    const t = setup();
    await t.ec2.send(new StopInstancesCommand({ InstanceIds: [t.idOf('worker2')] }));
    expect(t.cluster.instances.find((i) => i.hostname === 'worker2')!.ec2State).toBe('stopping');
    expect(await t.shown('worker2')).toBe('running');
    t.at(4_000);
    expect(await t.shown('worker2')).toBe('stopping');
    t.at(STOPPING_MS + 3_999);
    expect(await t.shown('worker2')).toBe('stopping');
    t.at(STOPPING_MS + 4_000);
    expect(await t.shown('worker2')).toBe('stopped');
  });

  it('stretches the lag under a list-lag fault targeted at ec2', async () => {
    const t = setup({ faults: [{ at: '+0m', kind: 'list-lag', forMinutes: 10, target: 'ec2' }] });
    await t.ec2.send(new StartInstancesCommand({ InstanceIds: [t.idOf('worker1')] }));
    t.at(8_999);
    expect(await t.shown('worker1')).toBe('stopped');
    t.at(9_000);
    expect(await t.shown('worker1')).toBe('pending');
  });

  it('refuses to stop an instance that never reached running: IncorrectInstanceState, and nothing changes', async () => {
    const t = setup();
    await t.ec2.send(new StartInstancesCommand({ InstanceIds: [t.idOf('worker1')] }));
    t.at(PENDING_MS - 1);
    await expect(t.ec2.send(new StopInstancesCommand({ InstanceIds: [t.idOf('worker1')] }))).rejects.toMatchObject({
      name: 'IncorrectInstanceState',
      message: `Instance '${t.idOf('worker1')}' cannot be stopped as it has never reached the 'running' state.`,
    });
    t.at(PENDING_MS);
    expect(t.cluster.instances.find((i) => i.hostname === 'worker1')!.ec2State).toBe('running');
    // Once running it stops, although DescribeInstances still shows it pending.
    expect(await t.shown('worker1')).toBe('pending');
    await t.ec2.send(new StopInstancesCommand({ InstanceIds: [t.idOf('worker1')] }));
    expect(t.cluster.instances.find((i) => i.hostname === 'worker1')!.ec2State).toBe('stopping');
  });

  it('lags by default, a seeded 2-10 s: the same seed the same way', async () => {
    const runningAt = async (seed: number) => {
      const t = setup({ seed, consistency: {} });
      await t.ec2.send(new StartInstancesCommand({ InstanceIds: [t.idOf('worker1')] }));
      for (let ms = PENDING_MS; ms <= PENDING_MS + 10_000; ms += 250) {
        t.at(ms);
        if ((await t.shown('worker1')) === 'running') return ms - PENDING_MS;
      }
      return undefined;
    };
    const lag = await runningAt(7);
    expect(lag).toBeGreaterThanOrEqual(2_000);
    expect(lag).toBeLessThanOrEqual(10_000);
    expect(await runningAt(7)).toBe(lag);
  });
});

describe('scenario consistency field', () => {
  const base = { cluster: 'c', start: START };
  it('defaults to the documented lags, seeded apart from the ids', () => {
    expect(parseScenario(base).consistency).toEqual({ stepFunctions: { minMs: 1_000, maxMs: 5_000 }, ec2: { minMs: 2_000, maxMs: 10_000 } });
  });

  it.each([
    [{ ec2: { minMs: 0, maxMs: 0 } }, /consistency\.ec2\.maxMs/],
    [{ stepFunctions: { minMs: 6_000, maxMs: 5_000 } }, /consistency\.stepFunctions\.minMs.*cannot exceed maxMs/],
    [{ ec2: { minMs: 0, maxMs: 3_600_000 } }, /consistency\.ec2\.maxMs/],
    [{ iam: { minMs: 0, maxMs: 1 } }, /consistency/],
  ])('refuses %j, naming the field', (consistency, message) => {
    expect(() => parseScenario({ ...base, consistency })).toThrow(message);
  });
});
