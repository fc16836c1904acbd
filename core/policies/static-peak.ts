/**
 * Static peak provisioning: always the same number of workers (sized for the
 * peak), started once and never drained below it. The baseline autoscaling is
 * meant to beat.
 */
import type { PolicyConfigOf } from './config';
import { fleetOf } from './fleet';
import { steerTo } from './steer';
import type { Policy } from './types';

export function staticPeakPolicy(config: PolicyConfigOf<'static-peak'>): Policy {
  return (input) =>
    steerTo(input, fleetOf(input), { workers: config.workers, detail: `always ${config.workers}` }, 'static-peak', {
      drain: { allowBusy: false },
    });
}
