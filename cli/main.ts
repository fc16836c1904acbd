/**
 * The `moscaler` command: parse, validate, pick the engine, print. `main` is
 * testable in-process (argv, env and streams are passed in) and returns the exit
 * code: 0 success (a decided no-op included), 1 the cluster refused or a rule
 * forbade it, 2 usage or configuration error.
 *
 * This module defines the options and commands only; each command's module is
 * imported when that command runs, so `--version`, `--help` and a usage error
 * load commander and little else (the AWS SDK, the simulator and the engine are
 * loaded by the commands that use them).
 */
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, ConfigError, MoScalerError } from '../core/errors';
import { parseDuration } from '../core/duration';
import type { Context, RuntimeFor } from './context';
import { loadEnv } from './env';
import { processIo, type CliIo } from './io';
import type { GlobalOptions } from './options';
import type { UiCommandOptions } from './ui-command';
import type { ScaleKind } from './workflow-commands';
import { VERSION } from './version';

// The 2026 world, as a default deployment meets it: plain EC2, per-second billing, Lambda cold starts.
const DEMO_SCENARIO = fileURLToPath(new URL('../scenarios/lecture-week-ec2.json', import.meta.url));
const DEFAULT_UI_PORT = 8700;

function positiveInt(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > 10_000) {
      throw new ConfigError(name, `must be a whole number ≥ ${min} (got "${value}")`);
    }
    return Number(value);
  };
}

/**
 * The global options, built afresh for each command they are added to. They are
 * accepted before the command (as in the original) and after it: a command's own
 * option wins a clash of short flags (`scale auto -c` is `--config`, `status -f`
 * is `--format`), the long form (`--cluster`, `--force`) works everywhere.
 */
function globalOptions(): Option[] {
  return [
    new Option('-c, --cluster <name>', 'cluster name: the opencast:cluster tag value (or the OpsWorks stack) [env MOSCALER_CLUSTER, CLUSTER_NAME]'),
    new Option('-p, --profile <name>', 'AWS credentials profile [env AWS_PROFILE, AWS_DEFAULT_PROFILE]'),
    new Option('-d, --debug', 'more detailed logging, decisions with every reason'),
    new Option('-f, --force', 'ignore minimum workers, idleness and the billing window'),
    new Option('-n, --dry-run', 'go through every step but change nothing'),
    new Option('--region <region>', 'AWS region [env AWS_REGION, AWS_DEFAULT_REGION]'),
    new Option('--endpoint-url <url>', 'send AWS API calls to this URL'),
    new Option('--opencast-url <url>', "Opencast URL instead of the admin node's DNS name"),
    new Option('--output <format>', 'output format [default: table]').choices(['table', 'json']),
    new Option('--provider <name>', 'fleet provider: ec2 (default) or the legacy opsworks [env MOSCALER_PROVIDER]').choices(['opsworks', 'ec2']),
    new Option('--billing <mode>', 'EC2 billing: per-second (default) or the legacy hourly [env MOSCALER_BILLING]').choices(['hourly', 'per-second']),
    new Option('--state-dir <dir>', 'where pause cycles and histories are kept [env MOSCALER_STATE_DIR, default .moscaler]'),
    new Option('--sim <scenario.json>', 'run against a simulated cluster started from this scenario (workflows on virtual time)'),
    new Option('--sim-wait', 'with --sim: print the cluster status after the workflows have finished'),
    new Option('--sim-keep', 'with --sim: keep the simulated cluster, its virtual time and its history from one command to the next'),
    new Option('--engine <name>', 'where workflows run: local (in this process), aws (deployed state machines), direct (no workflows, as the original) [default: local]').choices(['local', 'aws', 'direct']),
  ];
}

const GLOBAL_DEFAULTS: GlobalOptions = { output: 'table', engine: 'local' };

/** Copies the global options onto every subcommand (hidden in its help, which lists them as global options). */
function acceptGlobalsEverywhere(command: Command): void {
  for (const sub of command.commands) {
    const taken = new Set(sub.options.flatMap((o) => [o.short, o.long]).filter(Boolean));
    for (const option of globalOptions()) {
      if (taken.has(option.long)) continue;
      let copy = option;
      if (option.short && taken.has(option.short)) {
        copy = new Option(option.flags.replace(/^-\w, /, ''), option.description);
        if (option.argChoices) copy.choices(option.argChoices);
      }
      sub.addOption(copy.hideHelp());
    }
    acceptGlobalsEverywhere(sub);
  }
}

/** The global options given on the command line, the innermost command's winning, over the defaults. */
function mergedGlobals(program: Command, action: Command): GlobalOptions {
  const merged: Record<string, unknown> = { ...GLOBAL_DEFAULTS };
  const keys = globalOptions().map((o) => o.attributeName());
  const chain: Command[] = [];
  for (let c: Command | null = action; c; c = c.parent) chain.unshift(c);
  for (const command of chain.length ? chain : [program]) {
    for (const key of keys) {
      if (command.getOptionValueSource(key) === 'cli') merged[key] = command.getOptionValue(key);
    }
  }
  return merged as GlobalOptions;
}

const lazy = {
  scope: () => import('./scope'),
  config: () => import('./autoscale-config-input'),
};

export function buildProgram(ctx: Omit<Context, 'globals'>): Command {
  const program = new Command('moscaler');
  let globals: GlobalOptions = { ...GLOBAL_DEFAULTS };
  const context: Context = { ...ctx, globals: () => globals };
  // Set before subcommands are added: commander copies these settings to them at creation.
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s) });
  program.configureHelp({ showGlobalOptions: true });
  program
    .description('Scale the worker nodes of an Opencast cluster on AWS')
    .version(VERSION, '--version', 'show the version and exit')
    .helpOption('--help', 'show this message and exit')
    // Each command parses its own options, so a short flag can mean one thing before the command and another after it.
    .enablePositionalOptions();
  for (const option of globalOptions()) program.addOption(option);
  program.addHelpText(
    'after',
    "\nOptions go before or after the command. After it, a command's own short flag wins\n(`status -f` is --format, `scale auto -c` is --config); the long form works everywhere.\n",
  );
  program.hook('preAction', (_program, action) => {
    globals = mergedGlobals(program, action);
  });

  program
    .command('status')
    .description("print the cluster's status")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']))
    .option('-c, --config <json-or-file>', 'autoscale config whose CloudWatch metrics to check for gaps [env AUTOSCALE_CONFIG]')
    .action(async (opts: { format?: 'table' | 'json'; config?: string }) => {
      await (await import('./status-command')).statusCommand(context, opts);
    });

  const scale = program.command('scale').description('start or stop workers (through the workflows; --engine direct for the original synchronous way)');
  const available = () => new Option('--scale-available', 'do what is possible instead of failing when too few workers are available');
  const scaleAction = (request: (n: number) => ScaleKind) => async (n: number, opts: { scaleAvailable?: boolean }) => {
    await (await import('./scale-command')).scaleCommand(context, request(n), opts);
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
      const deployed = globals.engine === 'aws' && !globals.sim;
      if (deployed && opts.config !== undefined) {
        throw new ConfigError('--config', "with --engine aws the deployed functions use the stack's autoscale config: change it in the stack config");
      }
      const config = deployed ? undefined : await (await lazy.config()).autoscaleConfigFor(opts.config, ctx.env, Boolean(globals.sim));
      const minWorkers = opts.minWorkers === undefined ? undefined : positiveInt('--min-workers', 0)(opts.minWorkers);
      await (await import('./scale-command')).scaleAutoCommand(context, config, minWorkers);
    });

  program
    .command('history')
    .description('what the workflows did: one line per execution (worker, start, outcome, duration, why) and a worker\'s lifecycle transitions')
    .argument('[target]', 'a worker (its exact name) or an execution name (default: everything)')
    .option('--events', 'every event of the executions instead, in time order, parents first')
    .option('--limit <n>', 'print the last n lines of each list', '200')
    .action(async (target: string | undefined, opts: { limit: string; events?: boolean }) => {
      const limit = positiveInt('--limit', 1)(opts.limit);
      await (await import('./history-command')).historyCommand(context, target, { limit, events: Boolean(opts.events) });
    });

  program
    .command('run')
    .description('run autoscale cycles on a schedule with the local engine (for clusters without the AWS stack)')
    .option('-c, --config <json-or-file>', 'autoscale config: JSON text or a file [env AUTOSCALE_CONFIG]')
    .option('--every <span>', 'time between cycles', '60s')
    .option('--cycles <n>', 'stop after this many cycles (default: until SIGINT/SIGTERM)')
    .action(async (opts: { config?: string; every: string; cycles?: string }) => {
      const everyMs = parseDuration(opts.every, '--every');
      const cycles = opts.cycles === undefined ? undefined : positiveInt('--cycles', 1)(opts.cycles);
      await (await import('./run-loop')).runCommand(context, opts, everyMs, cycles);
    });

  const sim = program.command('sim').description('the simulated cluster');
  sim
    .command('run')
    .description("run autoscale cycles over a scenario's workload on virtual time and summarise what happened")
    .argument('<scenario>', 'scenario file (see scenarios/)')
    .option('-c, --config <json-or-file>', "autoscale config [default: config/autoscale.example.json, the default policy on Opencast's queue]")
    .option('--duration <span>', "how long to simulate, e.g. 36h or 7d [default: the scenario's end]")
    .option('--every <span>', 'autoscale schedule', '60s')
    .option('--timeline <file>', 'write the per-minute timeline (.csv or .json)')
    .option('--report <file>', 'write a self-contained HTML report: figures, demand chart, decisions')
    .action(async (file: string, opts: { config?: string; duration?: string; every: string; timeline?: string; report?: string }) => {
      await (await import('./sim-command')).runSimCommand(ctx, context.globals(), file, opts);
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
      if (context.globals().simKeep) throw new ConfigError('--sim-keep', 'not with ui: the live view runs a simulation of its own, from the scenario\'s start');
      if (context.globals().dryRun && context.globals().sim) throw new ConfigError('--dry-run', 'not with ui --sim: the live view acts on its own simulated cluster only (without --sim it only watches)');
      const [{ withScaler }, { runUiCommand }] = await Promise.all([lazy.scope(), import('./ui-command')]);
      // The live view shows its simulation's time itself.
      await withScaler(context, (scope) => runUiCommand(ctx, scope, opts), { simulationNote: false });
    });

  program
    .command('diagram')
    .description('the worker lifecycle machine or a workflow as a diagram, generated from its definition')
    .argument('[name]', 'worker, autoscale, boot-worker or drain-worker', 'worker')
    .addOption(new Option('--format <format>', 'diagram format').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .action(async (name: string, opts: { format: string }) => {
      (await import('./diagram-command')).runDiagramCommand(ctx.io, name, opts.format);
    });

  program
    .command('demo')
    .description('simulate a lecture week on a 50-worker EC2 cluster with the default autoscale config and show what happened')
    .action(async () => {
      await (await import('./sim-command')).runSimCommand(ctx, context.globals(), DEMO_SCENARIO, { every: '60s' });
    });

  acceptGlobalsEverywhere(program);
  return program;
}

/** Runs the command line; never throws, returns the exit code. */
export async function main(
  argv: string[],
  rawEnv: Record<string, string | undefined>,
  io: CliIo = processIo,
  overrides: { runtimeFor?: RuntimeFor } = {},
): Promise<number> {
  const env = loadEnv(rawEnv);
  const runtimeFor: RuntimeFor = overrides.runtimeFor ?? (async (globals, e) => (await import('./runtime-select')).runtimeForGlobals(globals, e));
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
