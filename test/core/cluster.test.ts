import { describe, expect, it } from 'vitest';
import { billedMinutes, chargedSeconds, hasReachedBillingWindow, secondsUntilBillingWindow, uptimeSeconds } from '../../core/billing';
import { ec2InstanceState } from '../../adapters/aws/ec2-fleet';
import { opsworksInstanceState } from '../../adapters/aws/opsworks-fleet';
import { buildClusterView, needsEc2Details, roleOf } from '../../core/cluster';
import { statusClassOf } from '../../core/instance-state';
import { beefiness, failedStartsOf, rankForStart, rankForStop } from '../../core/ranking';
import { instanceOf, NOW, viewOf } from '../helpers/views';

describe('statusClassOf', () => {
  it.each([
    ['online', 'running', 'online'],
    ['pending', 'pending', 'pending'],
    ['requested', 'requested', 'pending'],
    ['running_setup', 'configuring', 'pending'],
    ['booting', 'configuring', 'pending'],
    ['rebooting', 'configuring', 'pending'],
    ['stopped', 'stopped', 'stopped'],
    ['stopping', 'stopping', 'other'],
    ['shutting_down', 'stopping', 'other'],
    ['setup_failed', 'setup-failed', 'other'],
    ['start_failed', 'start-failed', 'other'],
    ['connection_lost', 'unreachable', 'other'],
    ['terminated', 'terminated', 'other'],
    ['stop_failed', 'unknown', 'other'],
  ])('classes OpsWorks status %s, the core state %s, as %s', (status, state, cls) => {
    expect(opsworksInstanceState(status)).toBe(state);
    expect(statusClassOf(opsworksInstanceState(status))).toBe(cls);
  });

  it.each([
    ['running', 'running', 'online'],
    ['pending', 'pending', 'pending'],
    ['stopping', 'stopping', 'other'],
    ['stopped', 'stopped', 'stopped'],
    ['shutting-down', 'terminated', 'other'],
    ['terminated', 'terminated', 'other'],
    ['rebooted-by-martians', 'unknown', 'other'],
  ])('classes EC2 state %s, the core state %s, as %s', (name, state, cls) => {
    expect(ec2InstanceState(name)).toBe(state);
    expect(statusClassOf(ec2InstanceState(name))).toBe(cls);
  });
});

describe('roleOf', () => {
  it('takes a worker only when the hostname starts with worker and it is in the Workers layer', () => {
    const worker = instanceOf({ hostname: 'worker1' }, 1);
    expect(roleOf(worker)).toBe('worker');
    expect(roleOf({ ...worker, layerNames: ['Other'] })).toBe('other');
    expect(roleOf({ ...worker, hostname: 'node1' })).toBe('other');
    expect(roleOf({ ...worker, hostname: 'admin1', layerNames: [] })).toBe('admin');
    expect(roleOf({ ...worker, hostname: 'engage1', layerNames: [] })).toBe('engage');
  });
});

describe('needsEc2Details', () => {
  it('wants a worker\'s EC2 facts, and another node\'s only when OpsWorks gave no DNS name', () => {
    const worker = instanceOf({ hostname: 'worker1' }, 1);
    const admin = { ...instanceOf({ hostname: 'admin1' }, 2), layerNames: ['Admin'] };
    const { privateDns: _dns, ...bare } = admin;
    expect(needsEc2Details(worker)).toBe(true);
    expect(needsEc2Details(admin)).toBe(false);
    expect(needsEc2Details(bare)).toBe(true);
  });
});

describe('billing', () => {
  it('computes uptime past 24 hours without wrapping (the original wrapped every day)', () => {
    const launched = new Date(NOW.getTime() - (26 * 3600 + 125) * 1000).toISOString();
    expect(uptimeSeconds(launched, NOW)).toBe(26 * 3600 + 125);
    expect(billedMinutes(26 * 3600 + 125)).toBe(2);
  });

  it('gives 0 uptime for no or bad launch time', () => {
    expect(uptimeSeconds(undefined, NOW)).toBe(0);
    expect(uptimeSeconds('not a date', NOW)).toBe(0);
  });

  it('opens the hourly window at the threshold minute of every hour', () => {
    expect(hasReachedBillingWindow(49 * 60 + 59, 'hourly', 50)).toBe(false);
    expect(hasReachedBillingWindow(50 * 60, 'hourly', 50)).toBe(true);
    expect(hasReachedBillingWindow(3600 + 20 * 60, 'hourly', 50)).toBe(false);
    expect(secondsUntilBillingWindow(3600 + 20 * 60, 'hourly', 50)).toBe(30 * 60);
    expect(secondsUntilBillingWindow(55 * 60, 'hourly', 50)).toBe(0);
  });

  it('has no window with per-second billing once the minute minimum is used', () => {
    expect(hasReachedBillingWindow(30, 'per-second', 50)).toBe(false);
    expect(hasReachedBillingWindow(61, 'per-second', 50)).toBe(true);
    expect(secondsUntilBillingWindow(20 * 60, 'per-second', 50)).toBe(0);
  });

  it('charges whole hours or seconds with a 60 s minimum', () => {
    expect(chargedSeconds(61 * 60, 'hourly')).toBe(7200);
    expect(chargedSeconds(10, 'per-second')).toBe(60);
    expect(chargedSeconds(0, 'hourly')).toBe(0);
  });
});

describe('ranking', () => {
  it('scores beefiness as generation times size', () => {
    expect(beefiness('c4.8xlarge')).toBe(32);
    expect(beefiness('c4.xlarge')).toBe(4);
    expect(beefiness('c5.9xlarge')).toBe(45);
    expect(beefiness('m5.large')).toBe(5);
    expect(beefiness('c5d.2xlarge')).toBe(10);
  });

  it('starts workers with an EC2 instance first, then the beefiest', () => {
    const view = viewOf([
      { hostname: 'worker1', status: 'stopped', hasEc2: false, type: 'c4.8xlarge' },
      { hostname: 'worker2', status: 'stopped', hasEc2: true, type: 'c4.xlarge' },
      { hostname: 'worker3', status: 'stopped', hasEc2: true, type: 'c4.2xlarge' },
    ]);
    expect(rankForStart(view.workers).map((w) => w.hostname)).toEqual(['worker3', 'worker2', 'worker1']);
  });

  it.each([
    [[], ['worker1', 'worker2', 'worker3', 'worker4']],
    [['worker1'], ['worker3', 'worker4', 'worker2', 'worker1']],
    [['worker1', 'worker3'], ['worker4', 'worker2', 'worker3', 'worker1']],
    [['worker9'], ['worker3', 'worker4', 'worker1', 'worker2']],
    // Newest first: worker1 failed last, so worker2 (failed before) is tried before it.
    [['worker1', 'worker2', 'worker3', 'worker4'], ['worker4', 'worker3', 'worker2', 'worker1']],
  ])('after failed boots of %j starts other instance types first and the failed workers last: %j', (failed, order) => {
    const view = viewOf([
      { hostname: 'worker1', status: 'stopped', type: 'c5.9xlarge', hasEc2: true },
      { hostname: 'worker2', status: 'stopped', type: 'c5.9xlarge', hasEc2: true },
      { hostname: 'worker3', status: 'stopped', type: 'c5.4xlarge', hasEc2: true },
      { hostname: 'worker4', status: 'stopped', type: 'c5.xlarge', hasEc2: true },
      // Its OpsWorks start failed: not stopped any more, but its type still counts.
      { hostname: 'worker9', status: 'start_failed', type: 'c5.9xlarge' },
    ]);
    const stopped = view.workers.filter((w) => w.statusClass === 'stopped');
    expect(rankForStart(stopped, failedStartsOf(view.workers, failed)).map((w) => w.hostname)).toEqual(order);
  });

  it('stops the longest-running worker first', () => {
    const view = viewOf([
      { hostname: 'worker1', uptimeMinutes: 10 },
      { hostname: 'worker2', uptimeMinutes: 300 },
      { hostname: 'worker3', uptimeMinutes: 55 },
    ]);
    expect(rankForStop(view.workers).map((w) => w.hostname)).toEqual(['worker2', 'worker3', 'worker1']);
  });
});

describe('buildClusterView', () => {
  it('joins workers with Opencast hosts by private DNS and counts them', () => {
    const view = viewOf([
      { hostname: 'worker1', uptimeMinutes: 70, running: 2 },
      { hostname: 'worker2', uptimeMinutes: 5, maintenance: true },
      { hostname: 'worker3', status: 'booting', registered: false },
      { hostname: 'worker4', status: 'stopped' },
    ]);
    expect(view.counts).toEqual({ instances: 5, onlineInstances: 3, workers: 4, onlineWorkers: 2, pendingWorkers: 1 });
    const [w1, w2, w3, w4] = view.workers;
    expect(w1).toMatchObject({ hostUrl: 'http://worker1.internal', registered: true, runningJobs: 2, idle: false, billedMinutes: 10, uptimeSeconds: 4200 });
    expect(w2).toMatchObject({ maintenance: true, idle: true });
    expect(w3).toMatchObject({ registered: false, uptimeSeconds: 0 });
    expect(w4).toMatchObject({ statusClass: 'stopped', uptimeSeconds: 0 });
    expect(view.admin?.hostname).toBe('admin1');
  });

  it('leaves OpsWorks auto-scaling instances out', () => {
    const instance = { ...instanceOf({ hostname: 'worker9' }, 9), autoScalingType: 'load' };
    const view = buildClusterView({
      cluster: { name: 'c', id: 's' },
      layers: [],
      instances: [instance],
      opencast: { up: false, error: 'x' },
      now: NOW,
    });
    expect(view.workers).toHaveLength(0);
  });

  it('marks running jobs unknown when Opencast is down', () => {
    const view = viewOf([{ hostname: 'worker1', uptimeMinutes: 55 }], { opencastUp: false });
    expect(view.workers[0]).toMatchObject({ runningJobs: null, idle: null });
  });

  it('protects workers by name or by tag', () => {
    const view = viewOf(
      [
        { hostname: 'worker1' },
        { hostname: 'worker2', tags: { 'opencast:protected': 'true' } },
        { hostname: 'worker3' },
      ],
      { protectedHostnames: ['worker3'] },
    );
    expect(view.workers.map((w) => w.protected)).toEqual([false, true, true]);
  });
});

describe('worker order', () => {
  it('lists workers as people read them: worker2 before worker10, worker-9 before worker-10', () => {
    const view = viewOf(['worker10', 'worker2', 'worker1', 'worker-10', 'worker-9'].map((hostname) => ({ hostname })));
    expect(view.workers.map((w) => w.hostname)).toEqual(['worker-9', 'worker-10', 'worker1', 'worker2', 'worker10']);
  });
});
