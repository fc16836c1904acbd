/**
 * The fixed time-of-day schedule the original's operators ran at Harvard DCE:
 * 10 workers on weekdays 08-22, 2 otherwise, 1 at weekends (the floor still
 * holds). No load is looked at.
 */
import type { PolicyConfigOf } from './config';
import { fleetOf } from './fleet';
import { steerTo } from './steer';
import type { Policy } from './types';
import { periodAt } from './week-time';

export function schedulePolicy(config: PolicyConfigOf<'schedule'>): Policy {
  return (input) => {
    const period = periodAt(config.periods, input.now, config.time_zone);
    const workers = period?.workers ?? config.otherwise;
    const detail = period ? `${period.days.join(',')} ${period.start}-${period.end} ${config.time_zone}: ${workers}` : `outside every period: ${workers}`;
    return steerTo(input, fleetOf(input), { workers, detail }, 'schedule', { drain: { allowBusy: false } });
  };
}
