/**
 * The autoscale cycle's schedules. Without windows it is one `rate(N minutes)`.
 * With minimum-workers windows (e.g. lectures, weekdays 08:00-18:00, at least 4
 * workers) the week is partitioned: every tick belongs to exactly one schedule,
 * and a window's schedules pass `{"minWorkers": N}` as the execution input while
 * the rest leave it out (the floor in MOSCALER_MIN_WORKERS). A partition rather
 * than an extra schedule on top, because two cycles in the same minute with
 * different floors would undo each other's decisions.
 *
 * Cron syntax: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
import { minutesOf, WEEKDAYS, type ScheduleConfig } from './props';

export interface CycleSchedule {
  /** `base` or the window's name. */
  window: string;
  /** A Scheduler expression: `rate(...)` or `cron(minutes hours day-of-month month day-of-week year)`. */
  expression: string;
  /** The autoscale execution's input: the cycle's interval (pause_cycles count in cycles) and its floor. */
  input: { everySeconds: number; minWorkers?: number };
}

const BASE = 'base';

export function cycleSchedules(schedule: ScheduleConfig): CycleSchedule[] {
  const every = schedule.everyMinutes;
  if (schedule.minWorkersWindows.length === 0) {
    return [{ window: BASE, expression: every === 1 ? 'rate(1 minute)' : `rate(${every} minutes)`, input: { everySeconds: every * 60 } }];
  }

  // label → day → hour → minutes of that hour on which the label's floor applies.
  const cells = new Map<string, Map<number, Map<number, number[]>>>();
  const inputs = new Map<string, CycleSchedule['input']>([[BASE, { everySeconds: every * 60 }]]);
  for (let day = 0; day < 7; day++) {
    for (let t = 0; t < 24 * 60; t += every) {
      const w = schedule.minWorkersWindows.find(
        (x) => x.days.includes(WEEKDAYS[day]!) && minutesOf(x.start) <= t && t < minutesOf(x.end),
      );
      const label = w?.name ?? BASE;
      if (w) inputs.set(label, { everySeconds: every * 60, minWorkers: w.minWorkers });
      const byDay = getOr(cells, label, () => new Map<number, Map<number, number[]>>());
      getOr(getOr(byDay, day, () => new Map<number, number[]>()), Math.floor(t / 60), () => []).push(t % 60);
    }
  }

  const out: CycleSchedule[] = [];
  for (const [label, byDay] of cells) {
    // (minutes, hours) pattern → days sharing it, so e.g. MON-FRI collapse into one expression.
    const days = new Map<string, number[]>();
    for (const [day, byHour] of byDay) {
      const hoursByMinutes = new Map<string, number[]>();
      for (const [hour, minutes] of byHour) getOr(hoursByMinutes, minuteField(minutes, every), () => []).push(hour);
      for (const [minutes, hours] of hoursByMinutes) getOr(days, `${minutes} ${rangeField(hours, 24, String)}`, () => []).push(day);
    }
    for (const [minutesAndHours, ds] of days) {
      const dayField = rangeField(ds, 7, (d) => WEEKDAYS[d]!);
      out.push({ window: label, expression: `cron(${minutesAndHours} ? * ${dayField} *)`, input: inputs.get(label)! });
    }
  }
  return out;
}

/** The minutes of one hour on the schedule's ticks: `*`, `0/5`, `30/5`, `0-29` or a list. */
function minuteField(minutes: number[], every: number): string {
  const first = minutes[0]!;
  const steady = minutes.every((m, i) => m === first + i * every);
  const toEndOfHour = steady && minutes[minutes.length - 1]! + every >= 60;
  if (toEndOfHour && first === 0) return every === 1 ? '*' : `0/${every}`;
  if (toEndOfHour) return every === 1 ? `${first}-59` : `${first}/${every}`;
  return every === 1 ? rangeField(minutes, 60, String) : minutes.join(',');
}

/** Sorted values as runs: `0-7,18-23`, `MON-FRI`; `*` when all `size` values are present. */
function rangeField(values: number[], size: number, name: (v: number) => string): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === size) return '*';
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j === i ? name(sorted[i]!) : `${name(sorted[i]!)}-${name(sorted[j]!)}`);
    i = j + 1;
  }
  return runs.join(',');
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}
