/** Runs `moscaler sim run` / `moscaler demo`: options, progress, summary and files. */
import { writeFile } from 'node:fs/promises';
import { loadScenarioFile, scenarioTimeZone } from '../sim/model/scenario';
import { timelineToCsv, timelineToJson } from '../sim/model/stats';
import { simReportHtml } from '../ui/report';
import { slotsPerWorker } from '../ui/slots';
import type { CliIo } from './io';
import { readAutoscaleConfig } from './autoscale-config-input';
import type { GlobalOptions } from './options';
import { defaultConfig, runSimulation } from '../wiring/sim-run';
import { parseDuration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { progressReporter } from './progress';
import { cycleLine, nextStepsText, simSummaryText } from './sim-summary';

export interface SimCommandOptions {
  config?: string;
  duration?: string;
  every: string;
  timeline?: string;
  /** Write the run as a self-contained HTML page (figures, demand chart, decisions). */
  report?: string;
}

export async function runSimCommand(
  ctx: { io: CliIo; env: Record<string, string | undefined> },
  globals: GlobalOptions,
  file: string,
  opts: SimCommandOptions,
): Promise<void> {
  // Every action of a simulation lands on the simulated cluster only; a run in which nothing acts shows nothing.
  if (globals.dryRun) throw new ConfigError('--dry-run', 'not with sim run or demo: a simulation changes only the simulated cluster. To see what one cycle would decide without acting, use `moscaler --sim FILE -n scale auto`');
  const config = opts.config !== undefined ? readAutoscaleConfig(opts.config, ctx.env) : defaultConfig();
  const durationMs = opts.duration !== undefined ? parseDuration(opts.duration, '--duration') : undefined;
  const everyMs = parseDuration(opts.every, '--every');
  const scenario = await loadScenarioFile(file);
  // On stderr whatever the output format: stdout keeps only the result.
  const progress = progressReporter(ctx.io.stderr, { tty: Boolean(ctx.io.stderrIsTty) });
  const result = await runSimulation({
    scenario,
    config,
    everyMs,
    env: ctx.env,
    ...(globals.engine ? { engine: globals.engine } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    onProgress: (fraction, at) => progress.update(fraction, at),
  }).finally(() => progress.done());
  if (opts.timeline) {
    await writeFile(opts.timeline, opts.timeline.endsWith('.json') ? timelineToJson(result.timeline) : timelineToCsv(result.timeline));
  }
  if (opts.report) await writeFile(opts.report, simReportHtml(result, simSummaryText(result), { timeZone: scenarioTimeZone(scenario), slotsPerWorker: slotsPerWorker(scenario) }));
  if (opts.report) ctx.io.stderr.write(`wrote ${opts.report}\n`);
  if (globals.output === 'json') {
    const { timeline: _timeline, data: _data, ...rest } = result;
    ctx.io.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
    return;
  }
  ctx.io.stdout.write(simSummaryText(result));
  const acted = result.cycleLog.filter((c) => c.action !== 'none');
  if (acted.length) {
    ctx.io.stdout.write(`\nFirst decisions (of ${acted.length}; --output json lists all):\n`);
    for (const c of acted.slice(0, 8)) ctx.io.stdout.write(`${cycleLine(c)}\n`);
  }
  ctx.io.stdout.write(nextStepsText(file, opts.report ? { report: opts.report } : undefined));
}
