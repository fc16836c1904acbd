/**
 * Times as an operator reads them: in the scenario's (or the operator's) time
 * zone, with the zone stated, not as UTC ISO strings. Pure (Intl only).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Parts {
  date: string;
  hm: string;
  seconds: string;
  /** `UTC-04:00`, `UTC` */
  offset: string;
}

function parts(at: number | string, timeZone: string): Parts {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const offset = (p.timeZoneName ?? 'GMT').replace(/^GMT/, 'UTC').replace('−', '-');
  return { date: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, seconds: p.second ?? '00', offset };
}

/** `2025-09-08 10:30` (with `:ss` when asked) in `timeZone`. */
export function zonedTime(at: number | string, timeZone: string, options: { seconds?: boolean; date?: boolean } = {}): string {
  const p = parts(at, timeZone);
  const clock = options.seconds ? `${p.hm}:${p.seconds}` : p.hm;
  return options.date === false ? clock : `${p.date} ${clock}`;
}

/** The zone's offset from UTC at that instant, in ms (UTC-4 gives -14 400 000). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const m = /^UTC([+-])(\d{2}):(\d{2})$/.exec(parts(at, timeZone).offset);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** `America/New_York (UTC-04:00)`, or just `UTC`: the zone named, with its offset at that instant. */
export function zoneStatement(timeZone: string, at: number | string): string {
  const offset = parts(at, timeZone).offset;
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : `${timeZone} (${offset})`;
}
