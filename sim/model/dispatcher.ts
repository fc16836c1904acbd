/**
 * Opencast's job dispatcher, as /work/shared/reference/opencast-api.md §4
 * describes it: RESTART jobs first, then QUEUED by creation time; candidate
 * hosts are online, active, not in maintenance; least loaded first (ties: the
 * bigger max load); a host accepts when its load plus the job's is within its
 * max load, and an idle host of the largest size accepts a job heavier than
 * any host (acceptexceeding). A job no host accepts stays queued and does not
 * block the ones behind it.
 */
import type { SimJob } from './types';

/** Float sums of 0.1-loads drift; a host is full only beyond this. */
const EPSILON = 1e-9;

export interface DispatchCandidate {
  baseUrl: string;
  maxLoad: number;
  /** Sum of the loads of the jobs running there. */
  load: number;
  running: number;
}

/** The host the job goes to, or undefined when every candidate refuses. Pure. */
export function pickHost(jobLoad: number, candidates: readonly DispatchCandidate[]): DispatchCandidate | undefined {
  let largest = 0;
  for (const c of candidates) largest = Math.max(largest, c.maxLoad);
  if (jobLoad > largest + EPSILON) {
    return candidates.find((c) => c.maxLoad === largest && c.running === 0);
  }
  let best: DispatchCandidate | undefined;
  let bestFactor = Infinity;
  for (const c of candidates) {
    if (c.load + jobLoad > c.maxLoad + EPSILON) continue;
    const factor = c.maxLoad > 0 ? c.load / c.maxLoad : Infinity;
    if (factor < bestFactor - EPSILON || (Math.abs(factor - bestFactor) <= EPSILON && best && c.maxLoad > best.maxLoad)) {
      best = c;
      bestFactor = factor;
    }
  }
  return best;
}

function order(a: SimJob, b: SimJob): number {
  return a.createdAt - b.createdAt || a.id - b.id;
}

/** Insert keeping `list` sorted by (createdAt, id); appends are the common case. */
function insertSorted(list: SimJob[], job: SimJob): void {
  const last = list[list.length - 1];
  if (!last || order(last, job) <= 0) {
    list.push(job);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list[mid]!, job) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, job);
}

/** The backlog: jobs in RESTART or QUEUED, in dispatch order. */
export class DispatchQueue {
  private restart: SimJob[] = [];
  private queued: SimJob[] = [];
  private loadSum = 0;

  get size(): number {
    return this.restart.length + this.queued.length;
  }

  /** Sum of the loads waiting. */
  get load(): number {
    return this.size === 0 ? 0 : this.loadSum;
  }

  add(job: SimJob): void {
    insertSorted(job.status === 'RESTART' ? this.restart : this.queued, job);
    this.loadSum += job.load;
  }

  /**
   * One dispatch round: offer each job in order to `dispatch`, which returns
   * true when a host took it. Stops early once `hasRoom` says nothing can fit.
   */
  round(dispatch: (job: SimJob) => boolean, hasRoom: () => boolean): number {
    let taken = 0;
    const pass = (list: SimJob[]): SimJob[] => {
      const kept: SimJob[] = [];
      for (let i = 0; i < list.length; i++) {
        const job = list[i]!;
        if (!hasRoom()) {
          for (let j = i; j < list.length; j++) kept.push(list[j]!);
          break;
        }
        if (dispatch(job)) {
          taken++;
          this.loadSum -= job.load;
        } else {
          kept.push(job);
        }
      }
      return kept;
    };
    this.restart = pass(this.restart);
    this.queued = pass(this.queued);
    if (this.size === 0) this.loadSum = 0;
    return taken;
  }
}
