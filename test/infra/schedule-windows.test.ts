/**
 * The cycle's schedules partition the week: at every tick exactly one schedule
 * fires, and it carries the floor of the window that tick is in. Checked tick
 * by tick with a small matcher for the cron subset the generator writes.
 */
import { describe, expect, it } from 'vitest';
import { WEEKDAYS, type ScheduleConfig } from '../../infra/props';
import { cycleSchedules, type CycleSchedule } from '../../infra/schedule-windows';

const schedule = (overrides: Partial<ScheduleConfig>): ScheduleConfig => ({
  everyMinutes: 1,
  timeZone: 'UTC',
  enabled: true,
  minWorkersWindows: [],
  ...overrides,
});

/** Does `cron(m h ? * d *)` fire at (day, minute of day)? */
function fires(expression: string, day: number, minuteOfDay: number): boolean {
  const m = /^cron\((\S+) (\S+) \? \* (\S+) \*\)$/.exec(expression);
  if (!m) throw new Error(`not the generated cron form: ${expression}`);
  const [, minutes, hours, days] = m as unknown as [string, string, string, string];
  return field(minutes, minuteOfDay % 60, 60) && field(hours, Math.floor(minuteOfDay / 60), 24) && field(days, day, 7, WEEKDAYS);
}

function field(expr: string, value: number, size: number, names: readonly string[] = []): boolean {
  const num = (s: string) => (names.includes(s) ? names.indexOf(s) : Number(s));
  return expr.split(',').some((part) => {
    if (part === '*') return true;
    const step = /^(\w+)\/(\d+)$/.exec(part);
    if (step) return value >= num(step[1]!) && (value - num(step[1]!)) % Number(step[2]) === 0 && value < size;
    const range = /^(\w+)-(\w+)$/.exec(part);
    if (range) return value >= num(range[1]!) && value <= num(range[2]!);
    return value === num(part);
  });
}

/** The one schedule firing at each tick of the week, as `window:floor`. */
function weekOf(pieces: CycleSchedule[], every: number): string[][] {
  const week: string[][] = [];
  for (let day = 0; day < 7; day++) {
    for (let t = 0; t < 1440; t += every) {
      week.push(pieces.filter((p) => fires(p.expression, day, t)).map((p) => `${p.window}:${p.input.minWorkers ?? '-'}`));
    }
  }
  return week;
}

describe('cycleSchedules', () => {
  it('is one rate schedule without windows', () => {
    expect(cycleSchedules(schedule({}))).toEqual([{ window: 'base', expression: 'rate(1 minute)', input: { everySeconds: 60 } }]);
    expect(cycleSchedules(schedule({ everyMinutes: 5 }))).toEqual([{ window: 'base', expression: 'rate(5 minutes)', input: { everySeconds: 300 } }]);
  });

  it('covers weekday lectures 08:00-18:00 with three cron schedules and no gap or overlap', () => {
    const pieces = cycleSchedules(
      schedule({ minWorkersWindows: [{ name: 'lectures', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '08:00', end: '18:00', minWorkers: 4 }] }),
    );
    expect(pieces).toHaveLength(3);
    const week = weekOf(pieces, 1);
    expect(week.every((fired) => fired.length === 1)).toBe(true);
    const at = (day: number, hh: number, mm: number) => week[day * 1440 + hh * 60 + mm]![0];
    expect(at(1, 8, 0)).toBe('lectures:4');
    expect(at(5, 17, 59)).toBe('lectures:4');
    expect(at(5, 18, 0)).toBe('base:-');
    expect(at(1, 7, 59)).toBe('base:-');
    expect(at(0, 12, 0)).toBe('base:-');
  });

  it('handles half-hour edges, several windows and a 5-minute cycle', () => {
    const pieces = cycleSchedules(
      schedule({
        everyMinutes: 5,
        minWorkersWindows: [
          { name: 'morning', days: ['MON', 'WED'], start: '08:30', end: '12:15', minWorkers: 6 },
          { name: 'evening', days: ['MON', 'SUN'], start: '19:00', end: '24:00', minWorkers: 0 },
        ],
      }),
    );
    const week = weekOf(pieces, 5);
    expect(week.every((fired) => fired.length === 1)).toBe(true);
    const at = (day: number, hh: number, mm: number) => week[(day * 1440 + hh * 60 + mm) / 5]![0];
    expect([at(1, 8, 25), at(1, 8, 30), at(3, 12, 10), at(3, 12, 15), at(2, 9, 0)]).toEqual(['base:-', 'morning:6', 'morning:6', 'base:-', 'base:-']);
    expect([at(0, 23, 55), at(1, 19, 0), at(1, 18, 55), at(6, 20, 0)]).toEqual(['evening:0', 'evening:0', 'base:-', 'base:-']);
    for (const p of pieces) expect(p.input.everySeconds).toBe(300);
  });

  it('writes expressions Scheduler accepts: six fields, day-of-month "?"', () => {
    const pieces = cycleSchedules(
      schedule({ minWorkersWindows: [{ name: 'all-week', days: [...WEEKDAYS], start: '00:00', end: '24:00', minWorkers: 2 }] }),
    );
    expect(pieces).toEqual([{ window: 'all-week', expression: 'cron(* * ? * * *)', input: { everySeconds: 60, minWorkers: 2 } }]);
  });
});
