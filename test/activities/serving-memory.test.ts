/**
 * The serving memory is read back from the last cycle's output: validated, a
 * bad one ignored with its reason (never a crash), a stale one not continued.
 */
import { describe, expect, it } from 'vitest';
import { servingMemoryOfOutput } from '../../activities/support/serving-memory';
import type { JsonValue } from '../../engine/types';

const NOW = new Date('2025-10-13T10:30:00Z');
const output = (serving: JsonValue, at = '2025-10-13T10:29:00.000Z'): JsonValue => ({ plan: { actions: [], memory: { at, policy: 'original', value: {}, serving } } });
const GOOD = { watchedSince: '2025-10-13T08:00:00.000Z', lastServed: { 'i-0abc': '2025-10-13T10:29:00.000Z' } };

describe('servingMemoryOfOutput', () => {
  it('continues the last cycle\'s memory', () => {
    expect(servingMemoryOfOutput(output(GOOD), NOW, 60)).toEqual({ memory: GOOD });
  });

  it.each([
    ['no cycle finished yet', undefined],
    ['an output of a version before this memory', { plan: { actions: [], memory: { at: '2025-10-13T10:29:00.000Z', policy: 'original', value: {} } } }],
    ['a memory written before a gap in the watching (the schedule stopped)', output(GOOD, '2025-10-13T09:00:00.000Z')],
  ] as [string, JsonValue | undefined][])('starts afresh, saying nothing, after %s', (_case, out) => {
    expect(servingMemoryOfOutput(out, NOW, 60)).toEqual({});
  });

  it.each([
    ['a time that is not one', { ...GOOD, lastServed: { 'i-0abc': 'yesterday' } }],
    ['no watchedSince', { lastServed: {} }],
    ['a list for a map', { ...GOOD, lastServed: [] }],
    ['an unknown field', { ...GOOD, extra: 1 }],
    ['a string', 'x'],
  ] as [string, JsonValue][])('ignores one with %s, and says why', (_case, serving) => {
    const read = servingMemoryOfOutput(output(serving), NOW, 60);
    expect(read.memory).toBeUndefined();
    expect(read.ignored).toMatch(/^the last cycle's serving memory has a bad shape \(.+\)$/);
  });
});
