/**
 * Executions as the visualizer follows them: one `list()` per refresh, and a
 * history read only for executions still running or not yet read. A finished
 * execution's history never changes, so its digest is kept; older digests are
 * dropped beyond a per-workflow budget. On Step Functions every history read
 * is an API call (GetExecutionHistory has a small token bucket), hence the
 * budget and the cache. What the page counts over the whole run (idle cycles,
 * flaps, how drains ended) is kept per execution as a small fact
 * (execution-facts.ts) after its digest is dropped: counting digests stopped
 * at the budget (200 of 2,352 idle cycles).
 */
import { AUTOSCALE_WORKFLOW, workerOfExecution } from '../core/execution-names';
import type { ExecutionSummary, WorkflowEngine } from '../engine/types';
import { digestExecution, type ExecutionDigest } from './digest';
import { factOf, type ExecutionFact } from './execution-facts';

export interface ExecutionIndexOptions {
  /** Newest executions per workflow whose history is read and kept. Default 200. */
  keepPerWorkflow?: number;
  /** Executions a worker's own history shows. Default 25. */
  perWorker?: number;
}

export class ExecutionIndex {
  private readonly digests = new Map<string, ExecutionDigest>();
  private readonly facts = new Map<string, ExecutionFact>();
  private summaries: ExecutionSummary[] = [];
  private readonly keep: number;
  private readonly perWorker: number;

  constructor(
    private readonly engine: WorkflowEngine,
    options: ExecutionIndexOptions = {},
  ) {
    this.keep = options.keepPerWorkflow ?? 200;
    this.perWorker = options.perWorker ?? 25;
  }

  async refresh(): Promise<void> {
    const listed = await this.engine.list({});
    const rank = new Map<string, number>();
    const wanted = new Set<string>();
    for (const summary of listed) {
      const n = rank.get(summary.ref.workflow) ?? 0;
      rank.set(summary.ref.workflow, n + 1);
      if (n < this.keep || summary.status === 'RUNNING') wanted.add(summary.ref.executionArn);
    }
    for (const summary of listed) {
      if (!wanted.has(summary.ref.executionArn)) continue;
      await this.read(summary);
    }
    for (const arn of this.digests.keys()) if (!wanted.has(arn)) this.digests.delete(arn);
    const listedArns = new Set(listed.map((s) => s.ref.executionArn));
    for (const arn of this.facts.keys()) if (!listedArns.has(arn)) this.facts.delete(arn);
    this.summaries = listed;
  }

  /** Digests read so far, newest first. */
  all(): ExecutionDigest[] {
    return this.summaries.map((s) => this.digests.get(s.ref.executionArn)).filter((d): d is ExecutionDigest => d !== undefined);
  }

  /**
   * The facts of every listed execution read since the page started (all of a simulation's), newest first;
   * `unread`: listed executions never read (older than the budget when the page started).
   */
  allFacts(): { facts: ExecutionFact[]; unread: number } {
    const facts = this.summaries.map((s) => this.facts.get(s.ref.executionArn)).filter((f): f is ExecutionFact => f !== undefined);
    return { facts, unread: this.summaries.length - facts.length };
  }

  /** How many executions of a workflow were listed (digested or not). */
  count(workflow: string): number {
    return this.summaries.filter((s) => s.ref.workflow === workflow).length;
  }

  /**
   * The newest boot and drain executions of one worker, newest first, read now if need be. `instanceIds` are the
   * instances of that name: when two share it, their executions are keyed by instance (core/execution-names.ts).
   */
  async forWorker(hostname: string, instanceIds: readonly string[] = []): Promise<ExecutionDigest[]> {
    // An exact parse of the name: `worker-1` never matches `worker-1-b`.
    const identities = [hostname, ...instanceIds.map((id) => ({ hostname, id }))];
    const mine = this.summaries.filter((s) => s.ref.workflow !== AUTOSCALE_WORKFLOW && workerOfExecution(s.ref.name, identities) === hostname).slice(0, this.perWorker);
    const out: ExecutionDigest[] = [];
    for (const summary of mine) out.push(await this.read(summary));
    return out;
  }

  private async read(summary: ExecutionSummary): Promise<ExecutionDigest> {
    const cached = this.digests.get(summary.ref.executionArn);
    // A digest is final once the execution was seen finished both in the list and in the history read.
    if (cached && cached.status !== 'RUNNING' && cached.status === summary.status) return cached;
    const digest = digestExecution(summary, await this.engine.history(summary.ref));
    this.digests.set(summary.ref.executionArn, digest);
    this.facts.set(summary.ref.executionArn, factOf(digest));
    return digest;
  }
}
