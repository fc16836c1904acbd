/** `moscaler status`: one observation of the cluster, as a table or JSON. */
import { ConfigError } from '../core/errors';
import { statusJson, statusTable } from './format';
import type { Context } from './main';
import { withScaler } from './scope';

export async function statusCommand(ctx: Context, opts: { format?: 'table' | 'json' }): Promise<void> {
  await withScaler(ctx, async ({ deps }) => {
    const { view } = await deps.observe();
    const format = opts.format ?? ctx.globals().output;
    ctx.io.stdout.write(format === 'json' ? `${JSON.stringify(statusJson(view), null, 2)}\n` : statusTable(view));
    // Wrong credentials are ours to fix, not Opencast's outage: exit as a configuration error.
    if (!view.opencast.up && view.opencast.credentialsRefused) {
      throw new ConfigError('MATTERHORN_USER/MATTERHORN_PASS', `Opencast refused our credentials (${view.opencast.error}); check the Opencast system account in the environment or .env`);
    }
  }, { noEngine: true });
}
