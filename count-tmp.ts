import fc from 'fast-check';
import { dayArbitrary } from './reliability/day';
import { runDay } from './reliability/run-day';
const days = fc.sample(dayArbitrary(), { numRuns: 60, seed: 20261203 });
const c = { StoppedNotServing: 0, NoCapacity: 0, StartFailed: 0, unservedDrainStops: 0, failedBootReason: 0, violations: 0 };
for (const day of days) {
  const r = await runDay(day, { keepHistory: true });
  c.violations += r.violations.length;
  if (r.violations.length) console.log(JSON.stringify(r.violations));
  for (const e of r.history ?? []) {
    if (e.type === 'StateEntered' && e.state === 'StoppedNotServing') c.StoppedNotServing++;
    if (e.type === 'StateEntered' && e.state === 'NoCapacity') c.NoCapacity++;
    if (e.type === 'StateEntered' && e.state === 'StartFailed') c.StartFailed++;
    if (e.type === 'TaskSucceeded' && e.state === 'BeginDrain' && /stopping it$/.test(e.reason ?? '')) c.unservedDrainStops++;
    if (e.type === 'TaskSucceeded' && e.state === 'Plan' && /boot\(s\) failed lately/.test(e.reason ?? '')) c.failedBootReason++;
  }
}
console.log(JSON.stringify(c));
