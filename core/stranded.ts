/**
 * Workers left in maintenance with nothing acting on them (a crashed drain, the original tool): the autoscale cycle
 * puts them back in service (activities/plan-cycle.ts), and release-maintenance re-checks the same condition.
 *
 * An Opencast host row two instances claim equally (two instances with one `Name` tag, core/host-match.ts) belongs
 * to no single worker, so no worker's own maintenance check sees it. When such a row is online and in maintenance
 * and every worker that may be it is online, unprotected and has no boot or drain acting on it, the maintenance is
 * nobody's (a crashed drain, the original tool): putting the row back in service is safe whichever twin it is.
 * Soak seed 20261221 (test/reliability/registry-regressions.test.ts): a twin still booting kept the other's
 * maintenance, left by a crash, from being released until the twin registered a row of its own.
 */
import type { ClusterView, Worker } from './types';

/**
 * Online workers in maintenance on a row of their own, with no boot or drain under way (`busy`, by hostname).
 * A protected worker's maintenance is an operator's hold (put on by hand), not a crashed drain's: it is left alone.
 */
export function strandedWorkers(view: ClusterView, busy: ReadonlySet<string>): Worker[] {
  return view.workers.filter((w) => w.statusClass === 'online' && w.registered && w.maintenance && !w.protected && !busy.has(w.hostname));
}

export interface StrandedSharedRow {
  baseUrl: string;
  /** The workers that may be it (each has it in `unsureHosts`): the first is named in the release. */
  workers: Worker[];
}

/** `busy`: hostnames a boot or drain is under way for (by hostname, so a twin's workflow holds both). */
export function strandedSharedRows(view: ClusterView, busy: ReadonlySet<string>): StrandedSharedRow[] {
  if (!view.opencast.up) return [];
  const hosts = view.opencast.hosts;
  return (view.hostMatch?.ambiguous ?? []).flatMap((baseUrl) => {
    const host = hosts.find((h) => h.baseUrl === baseUrl);
    if (!host?.online || !host.maintenance) return [];
    const workers = view.workers.filter((w) => w.unsureHosts?.includes(baseUrl));
    const free = workers.length > 0 && workers.every((w) => w.statusClass === 'online' && !w.protected && !busy.has(w.hostname));
    return free ? [{ baseUrl, workers }] : [];
  });
}
