import fc from 'fast-check';
import { dayArbitrary } from './reliability/day';
import { runDay } from './reliability/run-day';
const days = fc.sample(dayArbitrary(), { numRuns: 300, seed: 7 }).filter((d) => d.provider === 'ec2' && d.faults.some((f) => f.kind === 'insufficient-capacity')).slice(0, 8);
for (const day of days) {
  const r = await runDay(day, { keepHistory: true });
  const f = day.faults.filter((x) => x.kind === 'insufficient-capacity').map((x) => `${x.atMinute}+${x.forMinutes}:${x.target ?? '*'}`);
  const starts = (r.history ?? []).filter((e) => e.type === 'StateEntered' && e.state === 'StartInstance').map((e) => `${Math.round((Date.parse(e.at) - Date.parse('2025-10-13T08:00:00Z')) / 60000)}:${e.execution.split('-')[1]}`);
  const nocap = (r.history ?? []).filter((e) => e.type === 'StateEntered' && e.state === 'NoCapacity').length;
  console.log(f.join(' '), '| starts', starts.join(' '), '| types', day.workers.map((w) => w.instanceType.slice(3)).join(','), '| nocap', nocap, 'viol', r.violations.length);
}
