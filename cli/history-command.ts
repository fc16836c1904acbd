/** `moscaler history`: what the workflows did, for a worker, an execution or everything (cli/history-view.ts). */
import type { HistoryEvent, WorkflowEngine } from '../engine/types';
import type { Context } from './context';
import { digestAll, eventListing, executionListing, orderedEvents, selectExecutions } from './history-view';
import { withScaler } from './scope';

export interface HistoryOptions {
  limit: number;
  /** The raw events instead of one line per execution. */
  events: boolean;
}

async function eventsOf(engine: WorkflowEngine, executions: ReturnType<typeof selectExecutions>['executions']): Promise<Map<string, HistoryEvent[]>> {
  const out = new Map<string, HistoryEvent[]>();
  for (const e of executions) out.set(e.ref.name, await engine.history(e.ref));
  return out;
}

export async function historyCommand(ctx: Context, target: string | undefined, options: HistoryOptions): Promise<void> {
  await withScaler(ctx, async (scope) => {
    const { engine } = scope.openEngine(undefined, true);
    const selected = selectExecutions(await engine.list({}), target);
    // The default listing reads only the executions it prints (on Step Functions each read is a GetExecutionHistory
    // call); a worker's newest transitions are made by its newest executions.
    const read = options.events ? selected.executions : selected.executions.slice(-options.limit);
    const events = await eventsOf(engine, read);
    const json = scope.globals.output === 'json';
    if (options.events) {
      const ordered = orderedEvents(read, events);
      if (json) return void ctx.io.stdout.write(`${JSON.stringify(ordered.slice(-options.limit), null, 2)}\n`);
      const listing = eventListing(ordered, options.limit);
      return print(ctx, listing.lines, listing.cut, target);
    }
    const digests = digestAll(read, events);
    if (json) {
      const listing = digests.slice(-options.limit).map(({ steps: _steps, ...d }) => d);
      return void ctx.io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    }
    const listing = executionListing(selected.target, digests, options.limit, selected.executions.length);
    print(ctx, listing.lines, listing.cut, target);
  });
}

function print(ctx: Context, lines: string[], cut: string[], target: string | undefined): void {
  if (lines.length === 0) {
    ctx.io.stdout.write(target === undefined ? 'no history\n' : `no history for "${target}": no execution of that name, and no boot or drain of a worker of that name\n`);
    return;
  }
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  for (const note of cut) ctx.io.stderr.write(`${note}\n`);
}
