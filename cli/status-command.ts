/** `moscaler status`: one observation of the cluster, as a table or JSON. */
import { statusJson, statusTable } from './format';
import type { Context } from './main';
import { withScaler } from './scope';

export async function statusCommand(ctx: Context, opts: { format?: 'table' | 'json' }): Promise<void> {
  await withScaler(ctx, async ({ deps }) => {
    const { view } = await deps.observe();
    const format = opts.format ?? ctx.globals().output;
    ctx.io.stdout.write(format === 'json' ? `${JSON.stringify(statusJson(view), null, 2)}\n` : statusTable(view));
  });
}
