/** `moscaler history`: the audit trail of a worker, an execution or everything. */
import type { Context } from './context';
import { historyFor } from './run-loop';
import { withScaler } from './scope';
import { historyText } from './workflow-commands';

export async function historyCommand(ctx: Context, target: string | undefined, limit: number): Promise<void> {
  await withScaler(ctx, async (scope) => {
    const { engine } = scope.openEngine(undefined, true);
    const events = await historyFor(engine, target);
    const shown = events.slice(-limit);
    if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else ctx.io.stdout.write(historyText(shown));
  });
}
