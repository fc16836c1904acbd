/**
 * Weekly periods in a time zone: which period (if any) holds at an instant.
 * Pure: the instant is passed in; Intl supplies the zone rules (daylight saving included).
 */
import { WEEKDAYS, type Period } from './config';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local weekday and minutes after local midnight of `now` in `timeZone`. */
function localWeekTime(now: Date, timeZone: string): { day: (typeof WEEKDAYS)[number]; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const day = (parts.weekday ?? 'Sun').slice(0, 3).toUpperCase() as (typeof WEEKDAYS)[number];
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The first period holding at `now`, or undefined. */
export function periodAt(periods: readonly Period[], now: Date, timeZone: string): Period | undefined {
  const { day, minutes } = localWeekTime(now, timeZone);
  return periods.find((p) => p.days.includes(day) && minutesOf(p.start) <= minutes && minutes < minutesOf(p.end));
}

/** The largest `workers` of the periods holding at any instant in [now, now + aheadMinutes]: pre-warming looks ahead. */
export function periodWorkersAhead(periods: readonly Period[], now: Date, timeZone: string, aheadMinutes: number): number | undefined {
  // No periods: nothing to look up (the zone's rules cost a formatter call per minute looked ahead).
  if (periods.length === 0) return undefined;
  let best: number | undefined;
  for (let m = 0; m <= aheadMinutes; m += 1) {
    const p = periodAt(periods, new Date(now.getTime() + m * 60_000), timeZone);
    if (p && (best === undefined || p.workers > best)) best = p.workers;
  }
  return best;
}
