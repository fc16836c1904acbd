/**
 * `moscaler run`: the local stand-in for the scheduled trigger. One autoscale
 * cycle every interval, with its boots and drains running alongside, until a
 * signal. On SIGINT/SIGTERM no new cycle starts; executions still running are
 * stopped after their current step, and the next cycle (from any process)
 * reconciles whatever they left, e.g. a worker in maintenance. With the local
 * engine it forgets executions closed more than MOSCALER_HISTORY_DAYS ago, at
 * the start and once a day, as Step Functions does after 90 days: a year of
 * one-minute cycles would otherwise leave a million files in the state directory.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import { autoscaleExecutionName } from '../core/execution-names';
import { failureText } from '../engine/failure-text';
import { autoscaleConfigFor } from './autoscale-config-input';
import { warnAboutConfig } from './config-warnings';
import type { CommandScope, Context } from './context';
import { autoscaleViaWorkflow } from './workflow-commands';
import { withScaler } from './scope';

const DAY_MS = 86_400_000;

/** `moscaler run`: the options are checked before anything is built. */
export async function runCommand(ctx: Context, opts: { config?: string }, everyMs: number, cycles: number | undefined): Promise<void> {
  const config = await autoscaleConfigFor(opts.config, ctx.env, Boolean(ctx.globals().sim));
  await withScaler(ctx, (scope) => runLoop(ctx, scope, config, everyMs, cycles));
}

export async function runLoop(ctx: Pick<Context, 'io'>, scope: CommandScope, config: AutoscaleConfig, everyMs: number, cycles?: number): Promise<void> {
  warnAboutConfig(scope.deps.logger, config);
  const opened = scope.openEngine(config);
  const { engine } = opened;
  let stopping = false;
  const onSignal = () => {
    stopping = true;
    ctx.io.stderr.write('stopping: no new cycle; executions in flight are stopped after their current step\n');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const retainMs = scope.settings.historyDays * DAY_MS;
  let expiredAt: number | undefined;
  const expire = async (now: Date) => {
    if (retainMs === 0 || !engine.expireClosed || (expiredAt !== undefined && now.getTime() - expiredAt < DAY_MS)) return;
    expiredAt = now.getTime();
    try {
      const gone = await engine.expireClosed(retainMs);
      if (gone > 0) ctx.io.stderr.write(`${now.toISOString()}  forgot ${gone} execution(s) closed more than ${scope.settings.historyDays} day(s) ago (MOSCALER_HISTORY_DAYS)\n`);
    } catch (error) {
      // Old history left in place costs disk, not scaling: say so and go on.
      ctx.io.stderr.write(`${now.toISOString()}  could not forget old executions: ${(error as Error).message}\n`);
    }
  };
  try {
    for (let i = 0; !stopping && (cycles === undefined || i < cycles); i++) {
      const started = scope.runtime.now();
      await expire(started);
      try {
        if (scope.globals.dryRun) {
          // -n: each cycle decides (a dry-run scale auto execution, in the history) and starts nothing.
          const dry = await autoscaleViaWorkflow(opened, { everySeconds: Math.round(everyMs / 1000), dryRun: true }, started);
          const would = (dry.wouldStart ?? []).map((w) => w.name).join(', ');
          ctx.io.stdout.write(`${started.toISOString()}  ${dry.cycle.name}: ${dry.cycle.status}${dry.cycle.reason ? ` (${dry.cycle.reason})` : ''}; would start: ${would || 'nothing'}\n`);
          if (cycles !== undefined && i + 1 >= cycles) break;
          await opened.drive(sleep(Math.max(0, everyMs - (scope.runtime.now().getTime() - started.getTime()))));
          continue;
        }
        const ref = await engine.start('autoscale', { everySeconds: Math.round(everyMs / 1000) }, { name: autoscaleExecutionName(started) });
        const result = await opened.drive(engine.wait(ref));
        const plan = (await engine.history(ref)).find((e) => e.type === 'TaskSucceeded' && e.state === 'Plan');
        const outcome = result.status === 'SUCCEEDED' ? (plan?.reason ? ` (${plan.reason})` : '') : `: ${failureText(result.error, result.cause)}`;
        ctx.io.stdout.write(`${started.toISOString()}  ${ref.name}: ${result.status}${outcome}\n`);
      } catch (error) {
        // A failed cycle is reported; the next one tries again (and reconciles).
        ctx.io.stderr.write(`${started.toISOString()}  cycle failed: ${(error as Error).message}\n`);
      }
      if (cycles !== undefined && i + 1 >= cycles) break;
      const wait = Math.max(0, everyMs - (scope.runtime.now().getTime() - started.getTime()));
      await opened.drive(sleep(wait));
    }
    if (cycles !== undefined && !stopping) await opened.settle();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const running of await engine.list({ status: 'RUNNING' })) {
      await engine.stop(running.ref, { error: 'Stopped', cause: 'moscaler run stopped; the next cycle reconciles this worker' }).catch(() => undefined);
    }
  }
}
