import { describe, expect, it } from 'vitest';
import { decisionRecord, type Decision } from '../../core/decision';

describe('decisionRecord', () => {
  it('keeps every verdict, naming workers with the same reason and detail together, without ids', () => {
    const decision: Decision = {
      command: 'auto',
      action: 'stop',
      requested: 1,
      chosen: [{ hostname: 'worker2', id: 'ow-2', chosen: true, reason: 'Chosen', detail: 'idle, minute 52' }],
      rejected: [
        { hostname: 'worker1', id: 'ow-1', chosen: false, reason: 'Busy', detail: '2 running job(s)' },
        { hostname: 'worker3', id: 'ow-3', chosen: false, reason: 'NotActive', detail: 'state stopped' },
        { hostname: 'worker4', id: 'ow-4', chosen: false, reason: 'NotActive', detail: 'state stopped' },
        { hostname: 'worker5', id: 'ow-5', chosen: false, reason: 'NotActive', detail: 'state booting' },
      ],
      warnings: [],
      reasons: ['all strategies vote down'],
    };

    const record = decisionRecord(decision);

    expect(record).toEqual({
      command: 'auto',
      action: 'stop',
      requested: 1,
      warnings: [],
      reasons: ['all strategies vote down'],
      chosen: [{ hostname: 'worker2', detail: 'idle, minute 52' }],
      notChosen: [
        { reason: 'Busy', detail: '2 running job(s)', hostnames: ['worker1'] },
        { reason: 'NotActive', detail: 'state stopped', hostnames: ['worker3', 'worker4'] },
        { reason: 'NotActive', detail: 'state booting', hostnames: ['worker5'] },
      ],
    });
    expect(JSON.stringify(record)).not.toContain('ow-');
  });
});
