/**
 * Reconcile: a worker left in maintenance with no drain under way (a crashed
 * drain, the original tool, a stopped worker that came back with its flag) is
 * put back in service. Re-checked here, since the plan may be seconds old. A
 * protected worker's maintenance is an operator's hold and is never released.
 */
import { z } from 'zod';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { findWorker } from '../core/cluster';
import { strandedSharedRows } from '../core/stranded';
import { DRAIN_WORKFLOW } from '../core/execution-names';
import { hostnameSchema } from '../core/workflow-requests';
import { actingOn } from './support/acting-on';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';

const eventSchema = z
  .object({
    hostname: hostnameSchema,
    /** The instance the plan saw stranded (two instances may share a hostname). */
    instanceId: z.string().min(1).max(100).optional(),
    /** Until when the cycle's plan holds: the next cycle plans afresh (activities/plan-cycle.ts). */
    notAfter: z.iso.datetime({ offset: true }).optional(),
    /** A row two instances claim equally (core/stranded.ts): released by its URL once every worker that may be it is re-checked. */
    hostUrl: z.string().min(1).max(2048).optional(),
  })
  .passthrough();

export interface ReleaseResult {
  hostname: string;
  released: boolean;
  reason: string;
}

export function createReleaseMaintenanceHandler(deps: ActivityDeps): ActivityHandler<unknown, ReleaseResult> {
  return async (event) => {
    const { hostname, instanceId, notAfter, hostUrl } = parseEvent(eventSchema, event, 'release-maintenance');
    // Held back (throttling, retries) past the next cycle's start: that cycle decides about this worker now, and a
    // drain it started may not be listed yet (ListExecutions is eventually consistent).
    if (notAfter !== undefined && deps.now().getTime() > Date.parse(notAfter)) {
      return { hostname, released: false, reason: `the cycle's plan expired at ${notAfter}, before the release ran: left for the next cycle to decide` };
    }
    const drains = await deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' });
    if (hostUrl !== undefined) return releaseSharedRow(deps, drains, hostname, hostUrl);
    if ((await actingOn(deps.executions, drains, instanceId ? { hostname, id: instanceId } : hostname)).length > 0) {
      return { hostname, released: false, reason: 'a drain started meanwhile: left in maintenance' };
    }
    const { view, opencast } = await observe(deps);
    const worker = findWorker(view, hostname, instanceId);
    // The plan's condition (online, in maintenance), re-checked: a worker being stopped keeps its flag, or Opencast
    // could dispatch a job to it that starts over elsewhere when the host goes down (reference/opencast-api.md §5).
    if (worker.statusClass !== 'online') {
      return { hostname, released: false, reason: `${hostname} is ${worker.state}: left in maintenance` };
    }
    // Protected since the plan: an operator holds it in maintenance (activities/plan-cycle.ts plans no release for it).
    if (worker.protected) {
      return { hostname, released: false, reason: `${hostname} is protected: its maintenance is the operator's, left as it is` };
    }
    if (!view.opencast.up) {
      return { hostname, released: false, reason: `Opencast unavailable (${view.opencast.error}): maintenance unknown, left as it is` };
    }
    if (!worker.maintenance || !worker.hostUrl || !opencast) {
      return { hostname, released: false, reason: 'no longer in maintenance' };
    }
    await opencast.setMaintenance(worker.hostUrl, false);
    return { hostname, released: true, reason: 'in maintenance with no drain under way: maintenance off, back in service' };
  };
}

/**
 * The plan's shared-row condition (core/stranded.ts), re-checked on a fresh observation: the row is still one no
 * single instance owns, online and in maintenance, and every worker that may be it is online, unprotected and
 * has no drain under way (a drain of either twin, whatever instance its name is keyed by).
 */
async function releaseSharedRow(deps: ActivityDeps, drains: Parameters<typeof actingOn>[1], hostname: string, hostUrl: string): Promise<ReleaseResult> {
  const { view, opencast } = await observe(deps);
  if (!view.opencast.up || !opencast) {
    return { hostname, released: false, reason: `Opencast unavailable (${view.opencast.up ? 'no client' : view.opencast.error}): maintenance unknown, left as it is` };
  }
  const row = strandedSharedRows(view, new Set()).find((r) => r.baseUrl === hostUrl);
  if (!row) return { hostname, released: false, reason: `${hostUrl} is no longer a shared row in maintenance that only free workers may be: left as it is` };
  // By hostname: a drain of either twin counts, whichever instance its name is keyed by (twins share it: asked once).
  for (const name of new Set(row.workers.map((w) => w.hostname))) {
    if ((await actingOn(deps.executions, drains, name)).length > 0) {
      return { hostname, released: false, reason: `a drain of ${name} started meanwhile: ${hostUrl} left in maintenance` };
    }
  }
  await opencast.setMaintenance(hostUrl, false);
  return { hostname, released: true, reason: `${hostUrl} in maintenance with no drain under way on any worker that may be it: maintenance off, back in service` };
}
