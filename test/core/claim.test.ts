import { describe, expect, it } from 'vitest';
import { wentFirst } from '../../core/claim';

describe('wentFirst: which of two executions on one worker goes on', () => {
  const at = (startedAt: string, name: string) => ({ name, startedAt });

  it('the one started earlier, whatever the names', () => {
    expect(wentFirst(at('2026-01-05T08:06:00.100Z', 'z-later-name'), at('2026-01-05T08:06:00.900Z', 'a'))).toBe(true);
    expect(wentFirst(at('2026-01-05T08:06:00.900Z', 'a'), at('2026-01-05T08:06:00.100Z', 'z-later-name'))).toBe(false);
  });

  it('at the same instant, the lesser name; both sides agree, so exactly one goes on', () => {
    const a = at('2026-01-05T08:06:00Z', '5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41');
    const b = at('2026-01-05T08:06:00.000Z', 'drain-worker-1-b-20260105T080600Z');
    expect(wentFirst(a, b)).toBe(true);
    expect(wentFirst(b, a)).toBe(false);
  });

  it('compares instants, not strings: an offset time is the same instant as its UTC form', () => {
    expect(wentFirst(at('2026-01-05T09:06:00+01:00', 'b'), at('2026-01-05T08:06:00.500Z', 'a'))).toBe(true);
  });

  it('an execution does not go before itself', () => {
    const a = at('2026-01-05T08:06:00Z', 'a');
    expect(wentFirst(a, a)).toBe(false);
  });
});
