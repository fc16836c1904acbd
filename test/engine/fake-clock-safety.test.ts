/**
 * The suite's safety net for the fake clock (test/fake-clock-safety.ts): a test that times out or throws
 * before its `finally` must not leave Date and the timers faked for the next test of its worker ("Can't
 * install fake timers twice"), and its `finally`, run late, must not undo the next test's clock.
 */
import { install } from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import { VirtualTime } from '../../engine/virtual-time';

const T0 = '2024-03-04T10:00:00.000Z';
const faked = () => (globalThis.Date as DateConstructor & { isFake?: boolean }).isFake === true;

describe('a fake clock left installed by a test', () => {
  it('(leaves a VirtualTime installed, as a test that timed out does)', () => {
    VirtualTime.install({ start: T0 });
    expect(faked()).toBe(true);
  });

  it('is uninstalled before the next test: it can install its own', () => {
    expect(faked()).toBe(false);
    const vt = VirtualTime.install({ start: T0 });
    try {
      expect(new Date().toISOString()).toBe(T0);
    } finally {
      vt.uninstall();
    }
  });

  it('(leaves a bare fake-timers clock installed)', () => {
    install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    expect(faked()).toBe(true);
  });

  it('is uninstalled too', () => {
    expect(faked()).toBe(false);
  });
});

describe('VirtualTime.uninstall', () => {
  // fake-timers forgets what it replaced once uninstalled, so a second uninstall restores nothing.
  it('leaves alone a clock installed since (a timed-out test finishing late must not undo the next test)', () => {
    const late = VirtualTime.install({ start: T0 });
    late.uninstall();
    const current = VirtualTime.install({ start: '2025-01-01T00:00:00.000Z' });
    try {
      late.uninstall();
      expect(faked()).toBe(true);
      expect(new Date().toISOString()).toBe('2025-01-01T00:00:00.000Z');
    } finally {
      current.uninstall();
    }
    expect(faked()).toBe(false);
  });
});
