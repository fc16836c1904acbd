/**
 * Billing math. Pure: the current time is always passed in.
 * Hourly billing charges each started instance-hour, so an idle worker is best
 * stopped late in its hour; per-second billing (60 s minimum) has no such window.
 */
import type { BillingMode } from './types';

/** Seconds since launch; 0 when not running or never launched. Correct past 24 h (the original's wrapped). */
export function uptimeSeconds(launchTime: string | undefined, now: Date): number {
  if (!launchTime) return 0;
  const launched = Date.parse(launchTime);
  if (Number.isNaN(launched)) return 0;
  return Math.max(0, Math.floor((now.getTime() - launched) / 1000));
}

/** Minutes into the current billing hour. */
export function billedMinutes(uptime: number): number {
  return Math.floor(uptime / 60) % 60;
}

/**
 * May an idle worker be stopped now without wasting paid time?
 * Hourly: only once `threshold` minutes of its current hour are used.
 * Per-second: always, once the 60 s minimum charge is used.
 */
export function hasReachedBillingWindow(uptime: number, mode: BillingMode, thresholdMinutes: number): boolean {
  if (mode === 'per-second') return uptime >= 60;
  return billedMinutes(uptime) >= thresholdMinutes;
}

/** Seconds to wait until the billing window opens (0 when already open). */
export function secondsUntilBillingWindow(uptime: number, mode: BillingMode, thresholdMinutes: number): number {
  if (mode === 'per-second') return Math.max(0, 60 - uptime);
  const intoHour = uptime % 3600;
  const windowStart = thresholdMinutes * 60;
  if (intoHour >= windowStart) return 0;
  return windowStart - intoHour;
}

/** Charged seconds for one run of `seconds` (hourly: whole hours rounded up; per-second: 60 s minimum). */
export function chargedSeconds(seconds: number, mode: BillingMode): number {
  if (seconds <= 0) return 0;
  if (mode === 'per-second') return Math.max(60, Math.ceil(seconds));
  return Math.ceil(seconds / 3600) * 3600;
}
