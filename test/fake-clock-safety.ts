/**
 * Setup file (vitest.config.ts): a safety net for the fake clock. A test that times out or throws before
 * its `finally` leaves Date and the timers faked (@sinonjs/fake-timers: engine/virtual-time.ts, vi.useFakeTimers),
 * and with `isolate: false` every later test in that worker would fail with "Can't install fake timers twice".
 * A clock a test installed and left is uninstalled after that test; one its file installed for every test
 * (beforeAll) is left to the file, and uninstalled after the file if the file did not.
 */
import { afterAll, afterEach, beforeEach, vi } from 'vitest';

/** fake-timers marks the Date it installs (`isFake`) and hangs its clock on it. */
type FakedDate = DateConstructor & { isFake?: boolean; clock?: { uninstall(): unknown } };

function installedClock(): { uninstall(): unknown } | undefined {
  const date = globalThis.Date as FakedDate;
  return date.isFake === true ? date.clock : undefined;
}

let atStart: { clock: unknown; vitest: boolean } = { clock: undefined, vitest: false };

beforeEach(() => {
  atStart = { clock: installedClock(), vitest: vi.isFakeTimers() };
});

afterEach(() => {
  if (vi.isFakeTimers() && !atStart.vitest) vi.useRealTimers();
  const clock = installedClock();
  if (clock !== undefined && clock !== atStart.clock) clock.uninstall();
});

afterAll(() => {
  vi.useRealTimers();
  installedClock()?.uninstall();
});
