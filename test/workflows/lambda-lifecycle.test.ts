/**
 * The deployed path's Lambda lifecycle on the simulated stack: a cold start
 * whose secret read fails is retried at the next invocation, and a function that
 * outlives its timeout fails as Sandbox.Timedout, which its Task retries.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const worker = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55 });
const entered = (history: HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state);

function setup(faults: unknown[], env: Record<string, string> = {}) {
  const sim = simWorkflows(
    { cluster: 'c', start: START, billing: 'per-second', provider: 'ec2', workers: [worker('worker1'), worker('worker2')], others: [{ hostname: 'admin1', layer: 'admin' }], faults } as never,
    env,
    undefined,
    'aws',
  );
  return sim;
}

describe('Lambda functions on the simulated stack', () => {
  it('retries a cold start whose GetSecretValue failed, and the drain goes on', async () => {
    const sim = setup([
      { at: '+0m', kind: 'aws-5xx', forMinutes: 1, target: 'secretsmanager' },
      { at: '+0m', kind: 'cold-start', forMinutes: 1 },
    ]);
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false }, { name: 'drain-secret' });
    const result = await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    const failure = history.find((e) => e.type === 'StateFailed' && e.state === 'BeginDrain');
    expect(failure).toMatchObject({ error: 'DependencyError', cause: expect.stringContaining('secretsmanager: GetSecretValue') });
    expect(history.some((e) => e.type === 'Retried' && e.state === 'BeginDrain')).toBe(true);
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(history).at(-1)).toBe('Stopped');
  });

  it('fails a function that outlives its timeout with Sandbox.Timedout before its Task times out, and retries it', async () => {
    // Opencast answers 120 s late for 3 minutes; the client would wait longer than the function may run (55 s).
    const sim = setup([{ at: '+0m', kind: 'opencast-slow', forMinutes: 3 }], { MOSCALER_OPENCAST_TIMEOUT_MS: '200000' });
    const ref = await sim.engine.start('drain-worker', { hostname: 'worker1', respectBillingWindow: false }, { name: 'drain-slow' });
    await sim.vt.drive(sim.engine.wait(ref));
    const history = await sim.engine.history(ref);
    const timedOut = history.filter((e) => e.type === 'StateFailed' && e.error === 'Sandbox.Timedout');
    expect(timedOut.length).toBeGreaterThan(0);
    expect(history.filter((e) => e.type === 'StateFailed' && e.error === 'States.Timeout')).toEqual([]);
    expect(history.some((e) => e.type === 'Retried' && e.state === timedOut[0]!.state)).toBe(true);
    // Whatever the drain's end, no worker is left in maintenance.
    await sim.vt.run({ until: () => sim.idle() });
    expect(sim.cluster.hosts.filter((h) => h.online && h.maintenance)).toEqual([]);
  });
});
