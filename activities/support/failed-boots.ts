/**
 * Workers whose boot failed lately (no EC2 capacity for the type, a start or setup that failed), newest first:
 * a start request tries them last and their instance types after the others (core/ranking.ts), as the autoscale
 * cycle's plan does, so a second `scale up` after a capacity error does not pick the same type again.
 */
import { BOOT_WORKFLOW } from '../../core/execution-names';
import { workersActedOn } from './acting-on';
import type { ActivityDeps } from './deps';

/** How long a failed boot counts against its worker and instance type. */
const FAILED_BOOT_MEMORY_MS = 60 * 60_000;
/** Failed boots read (newest first): enough for several requests' starts to have failed. */
const FAILED_BOOTS_LOOKED_AT = 20;

export async function recentlyFailedBoots(deps: Pick<ActivityDeps, 'executions'>, now: Date, hostnames: readonly string[]): Promise<string[]> {
  const failed = await deps.executions.list({ workflow: BOOT_WORKFLOW, status: 'FAILED', maxResults: FAILED_BOOTS_LOOKED_AT });
  const recent = failed.filter((e) => now.getTime() - Date.parse(e.stoppedAt ?? e.startedAt) < FAILED_BOOT_MEMORY_MS);
  return (await workersActedOn(deps.executions, recent, hostnames)).filter((h): h is string => h !== undefined);
}
