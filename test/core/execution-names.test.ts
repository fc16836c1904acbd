import { describe, expect, it } from 'vitest';
import {
  actsOn,
  autoscaleExecutionName,
  isValidExecutionName,
  parseWorkerExecutionName,
  stamp,
  workerExecutionName,
  workerKey,
  workerOfExecution,
  sharedHostnames,
} from '../../core/execution-names';

const AT = new Date('2025-10-13T04:05:06.789Z');

const HOSTNAMES = [
  'worker3',
  'worker-1',
  'worker-1-b',
  'worker_1',
  'opencast worker 2',
  'opencast-worker-2',
  'ip-10-0-1-23.ec2.internal',
  'ip-10-0-1-23.ec2.internal.',
  'worker:1/2,3',
  'wörker-ü',
  'worker-ü',
  '処理ノード',
  'ワーカー',
  'a__b',
  `${'long-fqdn-'.repeat(24)}example.edu`,
  `${'long-fqdn-'.repeat(24)}example.org`,
  'w'.repeat(57),
  'w'.repeat(58),
  'x'.repeat(255),
];

describe('execution names', () => {
  it('stamps a second in UTC, sortable', () => {
    expect(stamp(AT)).toBe('20251013T040506Z');
    expect(autoscaleExecutionName(AT)).toBe('autoscale-20251013T040506Z');
  });

  it.each([
    ['worker3', 'drain-worker3-20251013T040506Z'],
    ['worker-1-b', 'drain-worker-1-b-20251013T040506Z'],
    ['worker_1', 'drain-worker_1-20251013T040506Z'],
  ])('keeps a hostname that is already a valid name: %s', (hostname, name) => {
    expect(workerExecutionName('drain', hostname, AT)).toBe(name);
  });

  it.each([
    ['opencast worker 2', /^boot-opencast-worker-2__[0-9a-f]{10}-20251013T040506Z$/],
    ['ip-10-0-1-23.ec2.internal', /^boot-ip-10-0-1-23-ec2-internal__[0-9a-f]{10}-20251013T040506Z$/],
    ['wörker-ü', /^boot-worker-u__[0-9a-f]{10}-20251013T040506Z$/],
    ['a__b', /^boot-a-b__[0-9a-f]{10}-20251013T040506Z$/],
  ])('gives a readable prefix and a short hash where the name had to change: %s', (hostname, pattern) => {
    expect(workerExecutionName('boot', hostname, AT)).toMatch(pattern);
  });

  it('maps every hostname to a valid Step Functions name of at most 80 characters', () => {
    for (const hostname of HOSTNAMES) {
      for (const kind of ['boot', 'drain'] as const) {
        const name = workerExecutionName(kind, hostname, AT);
        expect(isValidExecutionName(name), `${hostname} → ${name}`).toBe(true);
        expect(name.length).toBeLessThanOrEqual(80);
      }
    }
  });

  it('gives different hostnames different keys', () => {
    const keys = HOSTNAMES.map(workerKey);
    expect(new Set(keys).size).toBe(HOSTNAMES.length);
  });

  it('reads back exactly which worker an execution acts on, never by prefix', () => {
    for (const hostname of HOSTNAMES) {
      const name = workerExecutionName('drain', hostname, AT);
      expect(workerOfExecution(name, HOSTNAMES), hostname).toBe(hostname);
      expect(actsOn(name, 'drain', hostname)).toBe(true);
      expect(actsOn(name, 'boot', hostname)).toBe(false);
    }
    const drainOfW1b = workerExecutionName('drain', 'worker-1-b', AT);
    expect(actsOn(drainOfW1b, 'drain', 'worker-1')).toBe(false);
    expect(actsOn(workerExecutionName('drain', 'worker-1', AT), 'drain', 'worker-1-b')).toBe(false);
  });

  it.each(['autoscale-20251013T040506Z', 'drain-worker1', 'drain--20251013T040506Z', 'drain-worker1-2025', 'stop-worker1-20251013T040506Z', 'drain-bad name-20251013T040506Z'])(
    'is not fooled by a name that is not a worker execution: %s',
    (name) => {
      expect(parseWorkerExecutionName(name)).toBeUndefined();
      expect(workerOfExecution(name, ['worker1', 'bad name'])).toBeUndefined();
    },
  );

  it('keys two instances of one name apart, and counts an execution keyed by the name alone for both (issue 23.4)', () => {
    const a = { hostname: 'worker1', id: 'i-0123456789abcdef0' };
    const b = { hostname: 'worker1', id: 'i-0fedcba9876543210' };
    expect([...sharedHostnames([a, b, { hostname: 'worker2', id: 'i-2' }])]).toEqual(['worker1']);
    const ofA = workerExecutionName('drain', 'worker1', AT, a.id);
    expect(ofA).toBe('drain-worker1__i-0123456789abcdef0-20251013T040506Z');
    expect(parseWorkerExecutionName(ofA)).toMatchObject({ kind: 'drain', key: 'worker1__i-0123456789abcdef0' });
    expect(workerOfExecution(ofA, [a])).toBe('worker1');
    expect(workerOfExecution(ofA, [b])).toBeUndefined();
    const byName = workerExecutionName('drain', 'worker1', AT);
    expect([workerOfExecution(byName, [a]), workerOfExecution(byName, [b])]).toEqual(['worker1', 'worker1']);
    // A long name and an OpsWorks UUID still fit 80 characters.
    const long = workerExecutionName('drain', 'x'.repeat(200), AT, '4c9b2e1a-8f3d-4e5b-9a7c-1d2e3f4a5b6c');
    expect(isValidExecutionName(long)).toBe(true);
  });
});
