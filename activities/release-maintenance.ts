/**
 * Reconcile: a worker left in maintenance with no drain under way (a crashed
 * drain, the original tool, a stopped worker that came back with its flag) is
 * put back in service. Re-checked here, since the plan may be seconds old.
 */
import { z } from 'zod';
import type { ActivityDeps, ActivityHandler } from './deps';
import { DRAIN_WORKFLOW } from './begin-drain';
import { lambdaHandler } from './lambda-runtime';
import { findWorker, hostnameSchema, observe, parseEvent } from './worker-facts';

const eventSchema = z.object({ hostname: hostnameSchema }).passthrough();

export interface ReleaseResult {
  hostname: string;
  released: boolean;
  reason: string;
}

export function createReleaseMaintenanceHandler(deps: ActivityDeps): ActivityHandler<unknown, ReleaseResult> {
  return async (event) => {
    const { hostname } = parseEvent(eventSchema, event, 'release-maintenance');
    const drains = await deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' });
    if (drains.some((e) => e.ref.name.startsWith(`drain-${hostname}-`))) {
      return { hostname, released: false, reason: 'a drain started meanwhile: left in maintenance' };
    }
    const { view, opencast } = await observe(deps);
    const worker = findWorker(view, hostname);
    if (!worker.maintenance || !worker.hostUrl || !opencast) {
      return { hostname, released: false, reason: 'no longer in maintenance' };
    }
    await opencast.setMaintenance(worker.hostUrl, false);
    return { hostname, released: true, reason: 'in maintenance with no drain under way: maintenance off, back in service' };
  };
}

export const handler = lambdaHandler(createReleaseMaintenanceHandler);
