/**
 * `moscaler ui`: the state visualizer on http://127.0.0.1:<port>/.
 *
 * With `--sim FILE` it runs a live simulation (autoscale cycles through the real
 * workflows on virtual time, paced for a person to watch, pausable). Against a
 * real cluster it only watches: it observes the cluster every `--poll` and
 * follows the executions of the chosen engine (local history on disk, or
 * Step Functions with `--engine aws`), and never starts one itself.
 */
import { timers as realTimers } from '@sinonjs/fake-timers';
import { ConfigError } from '../core/errors';
import { loadScenarioFile, scenarioEnd, scenarioTimeZone } from '../sim/model/scenario';
import { DIAGRAM_NAMES, diagramFor, renderDiagram } from '../ui/diagrams';
import { ExecutionIndex } from '../ui/execution-index';
import { LiveView } from '../ui/live-view';
import { slotsPerWorker } from '../ui/slots';
import { startUiServer } from '../ui/server';
import { SimDriver } from '../ui/sim-driver';
import type { CliIo } from './io';
import { createLocalWorkflows, WORKFLOW_DIR } from '../wiring/local-workflows';
import { readAutoscaleConfig } from './autoscale-config-input';
import type { CommandScope } from './context';
import { defaultConfig } from '../wiring/sim-run';
import { parseDuration } from '../core/duration';

/** Each Step Functions history is an API call (GetExecutionHistory's token bucket): follow fewer executions there. */
const AWS_INDEX = { keepPerWorkflow: 30, perWorker: 10 };

export interface UiCommandOptions {
  port: string;
  speed: string;
  every: string;
  config?: string;
  duration?: string;
  paused?: boolean;
  poll: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new ConfigError('--port', `must be a port number 0-65535, 0 for any free one (got "${value}")`);
  return port;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 1 || speed > 100_000) throw new ConfigError('--speed', `must be a number of virtual seconds per real second, 1-100000 (got "${value}")`);
  return speed;
}

/** Aborts on SIGINT/SIGTERM, or when `outer` does (tests stop the command that way). */
function stopSignal(io: CliIo, outer?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = () => {
    if (!controller.signal.aborted) io.stderr.write('moscaler ui: stopping\n');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  outer?.addEventListener('abort', stop, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export async function runUiCommand(
  ctx: { io: CliIo; env: Record<string, string | undefined> },
  scope: CommandScope,
  opts: UiCommandOptions,
  stop?: AbortSignal,
): Promise<void> {
  const port = parsePort(opts.port);
  const diagrams = Object.fromEntries(DIAGRAM_NAMES.map((name) => [name, renderDiagram(diagramFor(name, WORKFLOW_DIR), 'svg')]));
  const engineName = scope.globals.engine ?? 'local';
  let driver: SimDriver | undefined;
  let view: LiveView;

  if (scope.sim) {
    const vt = scope.sim.vt;
    const scenarioFile = scope.globals.sim;
    // The live simulation starts autoscale cycles itself: `direct` has no workflows to start.
    if (!vt || !scenarioFile || (engineName !== 'local' && engineName !== 'aws')) {
      throw new ConfigError('--engine', `ui --sim runs the workflows on virtual time, on the local engine or (--engine aws) the simulated deployed stack, not ${engineName}`);
    }
    const config = opts.config !== undefined ? readAutoscaleConfig(opts.config, ctx.env) : defaultConfig();
    const start = vt.now().getTime();
    const scenario = await loadScenarioFile(scenarioFile);
    const until = opts.duration !== undefined ? start + parseDuration(opts.duration, '--duration') : scenarioEnd(scenario);
    // Local: in memory, a live simulation makes an execution a virtual minute and only this page reads them.
    // AWS: the simulated deployed stack (Step Functions, Lambda), read through the AWS engine as from an account.
    const engine =
      engineName === 'aws'
        ? scope.openEngine(config, true).engine
        : createLocalWorkflows({ runtime: scope.runtime, settings: scope.settings, autoscaleConfig: config, hooks: vt.hooks });
    const index = new ExecutionIndex(engine, engineName === 'aws' ? AWS_INDEX : {});
    const cluster = scope.sim.cluster;
    view = new LiveView({
      mode: 'simulation',
      engine: engineName,
      timeZone: scenarioTimeZone(scenario),
      observe: scope.deps.observe,
      index,
      simulation: () => driver!.status(),
      samples: () => cluster.timeline(),
      capacity: { slotsPerWorker: slotsPerWorker(scenario), minWorkers: scope.settings.minWorkers },
    });
    driver = new SimDriver({
      vt,
      engine,
      cluster,
      everyMs: parseDuration(opts.every, '--every'),
      speed: parseSpeed(opts.speed),
      until,
      paused: Boolean(opts.paused),
      onStep: () => view.refresh(),
    });
  } else {
    const simOnly = (['config', 'duration', 'paused'] as const).filter((k) => opts[k] !== undefined);
    if (simOnly.length) throw new ConfigError(`--${simOnly[0]}`, 'only with --sim: against a real cluster the visualizer only watches');
    const opened = engineName === 'direct' ? undefined : scope.openEngine(undefined, true);
    const index = opened ? new ExecutionIndex(opened.engine, engineName === 'aws' ? AWS_INDEX : {}) : undefined;
    view = new LiveView({ mode: 'cluster', engine: opened ? (engineName as 'local' | 'aws') : 'none', observe: scope.deps.observe, ...(index ? { index } : {}) });
  }

  // The first look must work (credentials, endpoints); later failures show on the page and polling goes on.
  await view.refresh();
  const server = await startUiServer({ view, port, diagrams, ...(driver ? { controls: driver } : {}) });
  const what = driver
    ? `simulated cluster ${scope.settings.cluster}${engineName === 'aws' ? ' on its simulated deployed stack (engine aws)' : ''} at ${opts.speed}x${opts.paused ? ', paused' : ''}`
    : `cluster ${scope.settings.cluster}, engine ${engineName}`;
  ctx.io.stdout.write(`moscaler ui: ${server.url} (${what}; Ctrl-C to stop)\n`);
  const { signal, dispose } = stopSignal(ctx.io, stop);
  try {
    if (driver) await driver.run(signal);
    else await poll(view, parseDuration(opts.poll, '--poll'), signal);
  } finally {
    dispose();
    await server.close();
  }
}

async function poll(view: LiveView, everyMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = realTimers.setTimeout(() => resolve(), everyMs);
      signal.addEventListener('abort', () => {
        realTimers.clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    if (!signal.aborted) await view.refresh();
  }
}
