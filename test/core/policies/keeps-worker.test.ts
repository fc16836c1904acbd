import { describe, expect, it } from 'vitest';
import { keepsWorker, queueKeeps } from '../../../core/policies';
import { configOf, inputOf } from './helpers';

// worker2 is being drained; worker1 (36 slots) runs load 30 and is left in service.
const workers = [
  { hostname: 'worker1', uptimeMinutes: 90, load: 30 },
  { hostname: 'worker2', uptimeMinutes: 90, maintenance: true },
];

describe('the one demand rule for a drain in progress (issue 23.1)', () => {
  it.each([
    [1, undefined],
    [2, /^the static-peak policy would keep worker2: target 2 worker/],
  ] as const)('keeps the worker only when the policy, seeing it gone, wants %i worker(s) and would start one', (target, detail) => {
    const input = inputOf(configOf({ name: 'static-peak', workers: target }), { workers, queued: [4, 4, 4], draining: ['worker2'] });
    const verdict = keepsWorker(input, 'worker2');
    if (detail) expect(verdict).toEqual({ rule: 'policy', detail: expect.stringMatching(detail) });
    else expect(verdict).toBeUndefined();
  });

  it('keeps a worker with no policy behind its drain only for a queue beyond the free slots left in service', () => {
    const config = configOf({ name: 'static-peak', workers: 1 });
    expect(queueKeeps(inputOf(config, { workers, queued: [4, 2] }), 'worker2')).toBeUndefined();
    expect(queueKeeps(inputOf(config, { workers, queued: [4, 4] }), 'worker2')).toEqual({
      rule: 'queue',
      detail: 'queued load 8 (2 job(s)) exceeds the 6 free slot(s) of the 1 worker(s) left in service',
    });
  });
});
