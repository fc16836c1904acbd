/**
 * The `moscaler` command: parse, validate, wire, run, print. `main` is testable
 * in-process (argv, env and streams are passed in) and returns the exit code:
 * 0 success (a decided no-op included), 1 the cluster refused or a rule forbade
 * it, 2 usage or configuration error.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { parse as parseDotenv } from 'dotenv';
import { exitCodeFor, ConfigError, MoScalerError, ScalingError } from '../core/errors';
import { legacyAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import { createActuator } from '../scaler/actuator';
import { observeCluster } from '../scaler/observe';
import { filePauseStore } from '../scaler/pause-store';
import { autoscale, collectVotes, scaleDown, scaleTo, scaleUp, type ScaleResult, type ScalerDeps } from '../scaler/scale';
import type { Observation } from '../scaler/observe';
import { metricGaps } from '../core/strategies';
import type { MetricGap } from '../core/decision';
import { decisionText, metricGapsText, resultText, statusJson, statusTable } from './format';
import { processIo, type CliIo } from './io';
import { createLogger } from './logger';
import { createLogglyShipper } from './loggly';
import { runSimCommand } from './sim-command';
import { openEngine, type EngineName, type OpenedEngine } from '../wiring/engines';
import { defaultConfig } from '../wiring/sim-run';
import type { CommandRuntime } from './runtime-select';
import { runLoop, historyFor } from './run-loop';
import {
  autoscaleViaWorkflow,
  historyText,
  outcomesText,
  scaleViaWorkflows,
  wouldStartText,
  type CycleResult,
  type ExecutionOutcome,
  type ScaleKind,
  type WorkflowScaleResult,
} from './workflow-commands';
import { parseDuration } from '../core/duration';
import { DEFAULT_UI_PORT, runUiCommand, type UiCommandOptions } from './ui-command';
import { runDiagramCommand } from './diagram-command';
import type { Decision } from '../core/decision';
import type { HistoryEvent } from '../engine/types';
import { VERSION } from './version';
import { readAutoscaleConfig } from './autoscale-config-input';
import type { CommandScope, Context } from './context';
import type { GlobalOptions } from './options';

const DEMO_SCENARIO = fileURLToPath(new URL('../scenarios/lecture-week.json', import.meta.url));


/** Reads `.env` from the working directory; variables already set win, as in the original. */
export function loadEnv(env: Record<string, string | undefined>, cwd = process.cwd()): Record<string, string | undefined> {
  const path = env.MOSCALER_ENV_FILE ?? `${cwd}/.env`;
  if (!existsSync(path)) return { ...env };
  return { ...parseDotenv(readFileSync(path)), ...env };
}

function positiveInt(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > 10_000) {
      throw new ConfigError(name, `must be a whole number ≥ ${min} (got "${value}")`);
    }
    return Number(value);
  };
}

/** The given or configured autoscale config, else the shipped example (what a simulated stack deploys by default). */
function configOrExample(value: string | undefined, env: Record<string, string | undefined>): AutoscaleConfig {
  if (value === undefined && (env.AUTOSCALE_CONFIG ?? '').trim() === '' && !legacyAutoscaleConfig(env)) return defaultConfig();
  return readAutoscaleConfig(value, env);
}

/** The configured CloudWatch metrics that have no datapoint in their whole query window right now. */
async function metricGapsNow(deps: ScalerDeps, config: AutoscaleConfig, observation: Observation): Promise<MetricGap[]> {
  const strategies = config.strategies.filter((s) => s.method === 'cloudwatch');
  if (strategies.length === 0) return [];
  const quiet = { ...deps.logger, error: () => undefined };
  return metricGaps(strategies, await collectVotes({ ...deps, logger: quiet }, { ...config, strategies }, observation));
}

async function withScaler<T>(ctx: Context, fn: (scope: CommandScope) => Promise<T>): Promise<T> {
  const globals = ctx.globals();
  const command = await ctx.runtimeFor(globals, ctx.env);
  const { runtime, settings } = command;
  const loggly = settings.logglyToken
    ? createLogglyShipper({
        token: settings.logglyToken,
        cluster: settings.cluster,
        ...(ctx.env.MOSCALER_LOGGLY_URL ? { baseUrl: ctx.env.MOSCALER_LOGGLY_URL } : {}),
        onError: (message) => ctx.io.stderr.write(`${message}\n`),
      })
    : undefined;
  const logger = createLogger(ctx.io, {
    debug: Boolean(globals.debug),
    jsonOutput: globals.output === 'json',
    now: runtime.now,
    ...(loggly ? { extra: loggly } : {}),
  });
  try {
    const deps: ScalerDeps = {
      observe: () => observeCluster({ fleet: runtime.fleet, opencastAt: runtime.opencastAt, now: runtime.now, settings }),
      actuatorFor: (observation) =>
        createActuator({
          fleet: runtime.fleet,
          ...(observation.opencast ? { opencast: observation.opencast } : {}),
          now: runtime.now,
          dryRun: Boolean(globals.dryRun),
        }),
      metrics: runtime.metrics,
      pauseStore: filePauseStore(settings.stateDir, settings.cluster, (m) => logger.warn({ event: 'state-file' }, m)),
      now: runtime.now,
      settings,
      logger,
      force: Boolean(globals.force),
      dryRun: Boolean(globals.dryRun),
    };
    if (globals.force) logger.warn({ event: 'force' }, '--force: minimum workers, idleness and billing window are ignored');
    if (globals.dryRun) logger.info({ event: 'dry-run' }, '--dry-run: nothing will be started, stopped or put in maintenance');
    const onEvent = (e: HistoryEvent) => {
      if (globals.output !== 'json' && e.type === 'TaskSucceeded' && e.reason) ctx.io.stderr.write(`  ${e.at}  ${e.execution}  ${e.state}: ${e.reason}\n`);
    };
    return await fn({
      ...command,
      deps,
      globals,
      openEngine: (autoscaleConfig, reading) =>
        openEngine({
          freshSimulation: !reading,
          engine: globals.engine ?? 'local',
          runtime,
          settings,
          env: ctx.env,
          ...(autoscaleConfig ? { autoscaleConfig } : {}),
          ...(command.sim?.vt ? { vt: command.sim.vt } : {}),
          ...(command.sim ? { simulated: settings.cluster, sim: { cluster: command.sim.cluster, scenario: command.sim.scenario } } : {}),
          onEvent,
        }),
    });
  } finally {
    await runtime.close();
    await loggly?.flush();
  }
}

/** The decision in the log, with whether it was a dry run (nothing started). */
function logDecision(scope: CommandScope, decision: Decision, dryRun: boolean): void {
  scope.deps.logger.info({ event: 'decision', command: decision.command, action: decision.action, chosen: decision.chosen.map((c) => c.hostname), dryRun }, decision.reasons.join('; '));
}

async function printWorkflowResult(
  ctx: Context,
  scope: CommandScope,
  decision: Decision,
  executions: ExecutionOutcome[],
  json: unknown,
  wouldStart?: WorkflowScaleResult['wouldStart'],
): Promise<void> {
  if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else ctx.io.stdout.write(decisionText(decision, Boolean(scope.globals.debug)) + (wouldStart ? wouldStartText(wouldStart) : outcomesText(executions)));
  await printStatusAfter(ctx, scope);
  if (executions.some((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT' || e.status === 'ABORTED')) {
    throw new ScalingError('an execution did not succeed; see `moscaler history` for every step');
  }
}

async function printCycleResult(ctx: Context, scope: CommandScope, result: CycleResult): Promise<void> {
  if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    ctx.io.stdout.write(`cycle ${result.cycle.name}: ${result.cycle.status}${result.cycle.reason ? ` (${result.cycle.reason})` : ''}\n`);
    ctx.io.stdout.write(result.wouldStart ? wouldStartText(result.wouldStart) : outcomesText(result.executions));
  }
  await printStatusAfter(ctx, scope);
  if (result.cycle.status !== 'SUCCEEDED') throw new ScalingError(`autoscale cycle ${result.cycle.status}: ${result.cycle.error ?? ''}`);
}

/** `--sim-wait`: the simulated cluster after the workflows ran. */
async function printStatusAfter(ctx: Context, scope: CommandScope): Promise<void> {
  if (!scope.globals.simWait || !scope.sim) return;
  const { view } = await scope.deps.observe();
  ctx.io.stdout.write(`\nAfter the workflows (virtual time ${view.observedAt}):\n`);
  ctx.io.stdout.write(scope.globals.output === 'json' ? `${JSON.stringify(statusJson(view), null, 2)}\n` : statusTable(view));
}

function printResult(ctx: Context, result: ScaleResult): void {
  const globals = ctx.globals();
  if (globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.io.stdout.write(resultText(result, Boolean(globals.debug)));
}

export function buildProgram(ctx: Omit<Context, 'globals'>): Command {
  const program = new Command('moscaler');
  const context: Context = { ...ctx, globals: () => program.opts<GlobalOptions>() };
  // Set before subcommands are added: commander copies these settings to them at creation.
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s) });
  program
    .description('Scale the worker nodes of an Opencast cluster on AWS')
    .version(VERSION, '--version', 'show the version and exit')
    .helpOption('--help', 'show this message and exit')
    .enablePositionalOptions()
    .option('-c, --cluster <name>', 'cluster name: the opencast:cluster tag value (or the OpsWorks stack) [env MOSCALER_CLUSTER, CLUSTER_NAME]')
    .option('-p, --profile <name>', 'AWS credentials profile [env AWS_PROFILE, AWS_DEFAULT_PROFILE]')
    .option('-d, --debug', 'more detailed logging, decisions with every reason')
    .option('-f, --force', 'ignore minimum workers, idleness and the billing window')
    .option('-n, --dry-run', 'go through every step but change nothing')
    .option('--region <region>', 'AWS region [env AWS_REGION, AWS_DEFAULT_REGION]')
    .option('--endpoint-url <url>', 'send AWS API calls to this URL')
    .option('--opencast-url <url>', "Opencast URL instead of the admin node's DNS name")
    .addOption(new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(new Option('--provider <name>', 'fleet provider: ec2 (default) or the legacy opsworks [env MOSCALER_PROVIDER]').choices(['opsworks', 'ec2']))
    .addOption(new Option('--billing <mode>', 'EC2 billing: per-second (default) or the legacy hourly [env MOSCALER_BILLING]').choices(['hourly', 'per-second']))
    .option('--state-dir <dir>', 'where pause cycles and histories are kept [env MOSCALER_STATE_DIR, default .moscaler]')
    .option('--sim <scenario.json>', 'run against a simulated cluster started from this scenario (workflows on virtual time)')
    .option('--sim-wait', 'with --sim: print the cluster status after the workflows have finished')
    .addOption(new Option('--engine <name>', 'where workflows run: local (in this process), aws (deployed state machines), direct (no workflows, as the original)').choices(['local', 'aws', 'direct']).default('local'));

  program
    .command('status')
    .description("print the cluster's status")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']))
    .option('-c, --config <json-or-file>', "autoscale config whose CloudWatch metrics to check for gaps [env AUTOSCALE_CONFIG]")
    .action(async (opts: { format?: 'table' | 'json'; config?: string }) => {
      const config = opts.config !== undefined || ctx.env.AUTOSCALE_CONFIG || ctx.env.AUTOSCALE_TYPE ? readAutoscaleConfig(opts.config, ctx.env) : undefined;
      await withScaler(context, async ({ deps }) => {
        const observation = await deps.observe();
        const { view } = observation;
        const gaps = config ? await metricGapsNow(deps, config, observation) : undefined;
        const format = opts.format ?? context.globals().output;
        ctx.io.stdout.write(
          format === 'json' ? `${JSON.stringify({ ...statusJson(view), ...(gaps ? { metricGaps: gaps } : {}) }, null, 2)}\n` : statusTable(view) + (gaps ? metricGapsText(gaps) : ''),
        );
      });
    });

  const scale = program.command('scale').description('start or stop workers (through the workflows; --engine direct for the original synchronous way)');
  const available = () => new Option('--scale-available', 'do what is possible instead of failing when too few workers are available');
  const scaleAction = (request: (n: number) => ScaleKind) => async (n: number, opts: { scaleAvailable?: boolean }) => {
    await withScaler(context, async (scope) => {
      const available = Boolean(opts.scaleAvailable);
      if ((scope.globals.engine ?? 'local') === 'direct') {
        const r = request(n);
        const result =
          r.kind === 'up' ? await scaleUp(scope.deps, r.n, available) : r.kind === 'down' ? await scaleDown(scope.deps, r.n, available) : await scaleTo(scope.deps, r.target, available);
        printResult(context, result);
        return;
      }
      const options = { scaleAvailable: available, force: Boolean(scope.globals.force), dryRun: Boolean(scope.globals.dryRun) };
      const result = await scaleViaWorkflows(scope.openEngine(), request(n), options, scope.runtime.now());
      logDecision(scope, result.decision, result.dryRun);
      await printWorkflowResult(context, scope, result.decision, result.executions, result, result.wouldStart);
    });
  };
  scale
    .command('up')
    .description('start n workers (default 1), each through a boot-worker execution')
    .argument('[n]', 'how many', positiveInt('n', 1), 1)
    .addOption(available())
    .action(scaleAction((n) => ({ kind: 'up', n })));
  scale
    .command('down')
    .description('stop n idle workers (default 1), each through a drain-worker execution')
    .argument('[n]', 'how many', positiveInt('n', 1), 1)
    .addOption(available())
    .action(scaleAction((n) => ({ kind: 'down', n })));
  scale
    .command('to')
    .description('start or stop workers until n are online or pending')
    .argument('<n>', 'target number of workers', positiveInt('n', 0))
    .addOption(available())
    .action(scaleAction((n) => ({ kind: 'to', target: n })));
  scale
    .command('auto')
    .description('run one autoscale cycle: the configured strategies decide')
    .option('-c, --config <json-or-file>', 'autoscale config: JSON text or a file [env AUTOSCALE_CONFIG]')
    .option('--min-workers <n>', 'the floor for this cycle (as a lecture-hours schedule sets it)')
    .action(async (opts: { config?: string; minWorkers?: string }) => {
      const globals = context.globals();
      // The deployed functions decide with the stack's config; a simulated stack takes this command's (or the example).
      const deployed = globals.engine === 'aws';
      if (deployed && !globals.sim && opts.config !== undefined) {
        throw new ConfigError('--config', "with --engine aws the deployed functions use the stack's autoscale config: change it in the stack config");
      }
      const config = deployed && !globals.sim ? undefined : globals.sim ? configOrExample(opts.config, ctx.env) : readAutoscaleConfig(opts.config, ctx.env);
      const minWorkers = opts.minWorkers === undefined ? undefined : positiveInt('--min-workers', 0)(opts.minWorkers);
      await withScaler(context, async (scope) => {
        if ((scope.globals.engine ?? 'local') === 'direct') {
          printResult(context, await autoscale(scope.deps, config!));
          return;
        }
        const dryRun = Boolean(scope.globals.dryRun);
        const result = await autoscaleViaWorkflow(scope.openEngine(config), { ...(minWorkers === undefined ? {} : { minWorkers }), dryRun }, scope.runtime.now());
        scope.deps.logger.info({ event: 'decision', command: 'auto', cycle: result.cycle.name, dryRun }, result.cycle.reason ?? '');
        await printCycleResult(context, scope, result);
      });
    });

  program
    .command('history')
    .description('the audit trail: every state entered, with time and reason')
    .argument('[target]', 'a worker hostname or an execution name (default: everything)')
    .option('--limit <n>', 'show the last n events', '200')
    .action(async (target: string | undefined, opts: { limit: string }) => {
      const limit = positiveInt('--limit', 1)(opts.limit);
      await withScaler(context, async (scope) => {
        const { engine } = scope.openEngine(undefined, true);
        const events = await historyFor(engine, target);
        const shown = events.slice(-limit);
        if (scope.globals.output === 'json') ctx.io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        else ctx.io.stdout.write(historyText(shown));
      });
    });

  program
    .command('run')
    .description('run autoscale cycles on a schedule with the local engine (for clusters without the AWS stack)')
    .option('-c, --config <json-or-file>', 'autoscale config: JSON text or a file [env AUTOSCALE_CONFIG]')
    .option('--every <span>', 'time between cycles', '60s')
    .option('--cycles <n>', 'stop after this many cycles (default: until SIGINT/SIGTERM)')
    .action(async (opts: { config?: string; every: string; cycles?: string }) => {
      const config = readAutoscaleConfig(opts.config, ctx.env);
      const everyMs = parseDuration(opts.every, '--every');
      const cycles = opts.cycles === undefined ? undefined : positiveInt('--cycles', 1)(opts.cycles);
      await withScaler(context, (scope) => runLoop(context, scope, config, everyMs, cycles));
    });

  const sim = program.command('sim').description('the simulated cluster');
  sim
    .command('run')
    .description("run autoscale cycles over a scenario's workload on virtual time and summarise what happened")
    .argument('<scenario>', 'scenario file (see scenarios/)')
    .option('-c, --config <json-or-file>', 'autoscale config [default: config/autoscale.example.json, the default policy on Opencast\'s queue]')
    .option('--duration <span>', "how long to simulate, e.g. 36h or 7d [default: the scenario's end]")
    .option('--every <span>', 'autoscale schedule', '60s')
    .option('--timeline <file>', 'write the per-minute timeline (.csv or .json)')
    .option('--report <file>', 'write a self-contained HTML report: figures, demand chart, decisions')
    .action(async (file: string, opts: { config?: string; duration?: string; every: string; timeline?: string; report?: string }) => {
      await runSimCommand(ctx, context.globals(), file, opts);
    });

  program
    .command('ui')
    .description('the state visualizer on http://127.0.0.1:<port>/: a live simulation with --sim, else watch the cluster')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free one)', String(DEFAULT_UI_PORT))
    .option('--poll <span>', 'cluster: time between observations', '15s')
    .option('--speed <x>', 'simulation: virtual seconds per real second', '60')
    .option('--every <span>', 'simulation: autoscale schedule', '60s')
    .option('-c, --config <json-or-file>', 'simulation: autoscale config [default: config/autoscale.example.json]')
    .option('--duration <span>', "simulation: stop advancing after this long [default: the scenario's end]")
    .option('--paused', 'simulation: start paused (resume on the page)')
    .action(async (opts: UiCommandOptions) => {
      await withScaler(context, (scope) => runUiCommand(ctx, scope, opts));
    });

  program
    .command('diagram')
    .description('the worker lifecycle machine or a workflow as a diagram, generated from its definition')
    .argument('[name]', 'worker, autoscale, boot-worker or drain-worker', 'worker')
    .addOption(new Option('--format <format>', 'diagram format').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .action((name: string, opts: { format: string }) => {
      runDiagramCommand(ctx.io, name, opts.format);
    });

  program
    .command('demo')
    .description('simulate a lecture week on a 50-worker cluster with the default autoscale config and show what happened')
    .action(async () => {
      await runSimCommand(ctx, context.globals(), DEMO_SCENARIO, { every: '60s' });
    });
  return program;
}

/** Runs the command line; never throws, returns the exit code. */
export async function main(
  argv: string[],
  rawEnv: Record<string, string | undefined>,
  io: CliIo = processIo,
  overrides: { runtimeFor?: Context['runtimeFor'] } = {},
): Promise<number> {
  const env = loadEnv(rawEnv);
  const runtimeFor = overrides.runtimeFor ?? (await import('./runtime-select')).runtimeForGlobals;
  const program = buildProgram({ io, env, runtimeFor });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      return 2;
    }
    const code = exitCodeFor(error);
    const message = error instanceof MoScalerError ? error.message : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    io.stderr.write(`error: ${message}\n`);
    return code;
  }
}
