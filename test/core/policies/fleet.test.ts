import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAutoscaleConfig } from '../../../core/autoscale-config';
import { decidePolicy } from '../../../core/policies';
import { byHourBoundary, byLeastLoad, drainWorkers, fleetOf, minutesToHourBoundary } from '../../../core/policies/fleet';
import { configOf, inputOf, NOW } from './helpers';

const config = configOf({ name: 'static-peak', workers: 1 });

describe('fleetOf slots and load from the workers (issue 23.3)', () => {
  /** One c5.9xlarge worker online (floor 1), four stopped; admin and engage register 4 slots each and run their own jobs. */
  function smallNodesCluster(queued: number[]) {
    const workers = [
      { hostname: 'worker1', uptimeMinutes: 30, type: 'c5.9xlarge' },
      ...[2, 3, 4, 5].map((n) => ({ hostname: `worker${n}`, status: 'stopped', type: 'c5.9xlarge' })),
    ];
    const input = inputOf(config, { workers, queued });
    if (!input.view.opencast.up) throw new Error('fixture: Opencast up');
    input.view.opencast.hosts.push(
      { baseUrl: 'http://admin1.internal', online: true, active: true, maintenance: false, maxLoad: 4 },
      { baseUrl: 'http://engage1.internal', online: true, active: true, maintenance: false, maxLoad: 4 },
    );
    // worker1's own host registered its 36 cores; admin runs a workflow job and a distribution.
    input.jobs = [
      ...(input.jobs ?? []),
      { id: 'wf', type: 'org.opencastproject.workflow', status: 'RUNNING', operation: 'START_WORKFLOW', processingHost: 'http://admin1.internal', jobLoad: 0 },
      { id: 'd1', type: 'org.opencastproject.distribution.download', status: 'RUNNING', operation: 'distribute', processingHost: 'http://admin1.internal', jobLoad: 2 },
      { id: 'd2', type: 'org.opencastproject.distribution.download', status: 'QUEUED', operation: 'distribute', jobLoad: 5 },
    ];
    return input;
  }

  it('plans with the workers\' own slots, not the median over admin and engage', () => {
    const fleet = fleetOf(smallNodesCluster([]));
    expect(fleet.typicalSlots).toBe(36);
    expect(fleet.runningLoad).toBe(0);
    expect(fleet.queuedLoad).toBe(0);
  });

  it('takes the instance type\'s vCPUs when no worker host reports a max load, then the setting', () => {
    const input = smallNodesCluster([]);
    if (input.view.opencast.up) input.view.opencast.hosts = input.view.opencast.hosts.map((h) => ({ ...h, maxLoad: h.baseUrl.includes('worker') ? undefined : 4 }));
    expect(fleetOf(input).typicalSlots).toBe(36);
    const untyped = { ...input, view: { ...input.view, workers: input.view.workers.map(({ instanceType: _t, ...w }) => w) } };
    expect(fleetOf(untyped, 12).typicalSlots).toBe(12);
  });

  it('does not start four more for a queue one c5.9xlarge absorbs (the shipped policy, scale auto)', () => {
    const shipped = parseAutoscaleConfig(JSON.parse(readFileSync('config/autoscale.example.json', 'utf8')), 'example');
    const input = { ...smallNodesCluster([4, 4, 4, 4, 2]), config: shipped, schedule: { up: true as const, from: NOW.toISOString(), to: NOW.toISOString(), events: [] } };
    const decision = decidePolicy(input);
    expect(decision.chosen).toEqual([]);
    expect(decision.target?.workers).toBe(1);
  });
});

describe('fleetOf', () => {
  it('adds up running and queued job load and counts capacity by state', () => {
    const input = inputOf(config, {
      workers: [
        { hostname: 'worker1', uptimeMinutes: 30, load: 8 },
        { hostname: 'worker2', uptimeMinutes: 30, load: 4, maintenance: true },
        { hostname: 'worker3', status: 'running_setup', registered: false },
        { hostname: 'worker4', uptimeMinutes: 30 },
        { hostname: 'worker5', status: 'stopped' },
      ],
      queued: [1.5, 0.2],
      draining: ['worker4'],
      booting: ['worker5'],
    });

    const fleet = fleetOf(input);

    expect(fleet.runningLoad).toBe(12);
    expect(fleet.queuedLoad).toBeCloseTo(1.7);
    expect(fleet.queuedJobs).toBe(2);
    expect(fleet.inService.map((w) => w.hostname)).toEqual(['worker1']);
    // worker2 is in maintenance with no drain: the cycle puts it back in service.
    expect(fleet.starting.map((w) => w.hostname)).toEqual(['worker2', 'worker3', 'worker5']);
    expect(fleet.online.map((w) => w.hostname)).toEqual(['worker1', 'worker2']);
    expect(fleet.typicalSlots).toBe(36);
  });

  it('counts a restarted worker whose host is still offline in Opencast as starting, not in service', () => {
    const input = inputOf(config, { workers: [{ hostname: 'worker1', uptimeMinutes: 30 }, { hostname: 'worker2', uptimeMinutes: 4, maintenance: true }] });
    if (input.view.opencast.up) {
      input.view.opencast.hosts = input.view.opencast.hosts.map((h) => (h.baseUrl.includes('worker2') ? { ...h, online: false } : h));
    }

    const fleet = fleetOf(input);

    expect(fleet.inService.map((w) => w.hostname)).toEqual(['worker1']);
    expect(fleet.starting.map((w) => w.hostname)).toEqual(['worker2']);
  });
});

describe('drainWorkers', () => {
  const workers = [
    { hostname: 'worker1', uptimeMinutes: 58, load: 6 },
    { hostname: 'worker2', uptimeMinutes: 45, load: 2 },
    { hostname: 'worker3', uptimeMinutes: 100 },
    { hostname: 'worker4', status: 'booting', registered: false },
  ];

  it('stops at the floor and says which candidates the minimum kept', () => {
    const input = inputOf(config, { workers, minWorkers: 2 });
    const fleet = fleetOf(input);

    const decision = drainWorkers(input, fleet, 3, 2, { allowBusy: true, rank: byLeastLoad(fleet) }, 'test');

    expect(decision.chosen.map((c) => c.hostname)).toEqual(['worker3']);
    expect(decision.rejected.filter((r) => r.reason === 'MinimumReached').map((r) => r.hostname)).toEqual(['worker2', 'worker1']);
    expect(decision.rejected.find((r) => r.hostname === 'worker4')).toMatchObject({ reason: 'NotActive', detail: expect.stringMatching(/starting/) });
  });

  it('ranks by the billing-hour boundary under hourly billing: the most used-up hour first', () => {
    const input = inputOf(config, { workers, billing: 'hourly', minWorkers: 0 });
    const fleet = fleetOf(input);

    const decision = drainWorkers(input, fleet, 1, 0, { allowBusy: true, hourlyLeadMinutes: 15, rank: byHourBoundary(fleet) }, 'test');

    expect(decision.chosen.map((c) => c.hostname)).toEqual(['worker1']);
    expect(decision.chosen[0]?.detail).toMatch(/2 min to its hour boundary/);
    expect(decision.rejected.find((r) => r.hostname === 'worker2')?.reason).toBe('NotNeeded');
    expect(decision.rejected.find((r) => r.hostname === 'worker3')?.reason).toBe('BelowBillingWindow');
  });

  it('never chooses a worker that runs but does not serve yet (an EC2 instance still booting)', () => {
    const input = inputOf(config, {
      workers: [
        { hostname: 'worker1', uptimeMinutes: 90 },
        { hostname: 'worker2', uptimeMinutes: 90 },
        { hostname: 'worker3', uptimeMinutes: 2, registered: false },
      ],
      booting: ['worker3'],
    });
    const fleet = fleetOf(input);

    const decision = drainWorkers(input, fleet, 1, 0, { allowBusy: true, rank: byLeastLoad(fleet) }, 'test');

    expect(decision.chosen.map((c) => c.hostname)).not.toContain('worker3');
    expect(decision.rejected.find((r) => r.hostname === 'worker3')).toMatchObject({ reason: 'NotActive', detail: 'starting: running but not serving yet' });
  });

  it('refuses every worker when Opencast did not answer (running jobs unknown)', () => {
    const input = inputOf(config, { workers: workers.slice(0, 3) });
    input.view.opencast = { up: false, error: 'down' };
    for (const w of input.view.workers) w.runningJobs = null;
    const fleet = fleetOf({ ...input, jobs: [] });

    const decision = drainWorkers(input, fleet, 2, 0, { allowBusy: true, rank: byLeastLoad(fleet) }, 'test');

    expect(decision).toMatchObject({ action: 'none', outcome: 'NoCandidate' });
    expect(decision.rejected.map((r) => r.reason)).toEqual(['OpencastUnavailable', 'OpencastUnavailable', 'OpencastUnavailable']);
  });

  it('measures minutes to the next billing-hour boundary from uptime', () => {
    const at = (uptimeSeconds: number) => minutesToHourBoundary({ uptimeSeconds } as never);

    expect([at(0), at(59 * 60), at(61 * 60), at(3599)]).toEqual([60, 1, 59, 1]);
  });
});
