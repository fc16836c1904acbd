/**
 * The visualizer's model of a cluster that moves: `refresh()` observes it once
 * and catches up with the executions, then keeps the result, so every request
 * the server answers reads one consistent snapshot and costs no API call.
 * Refreshes come from the simulation driver (between its steps) or from the
 * poller (real clusters); a failed refresh keeps the last good state and says why.
 */
import type { ClusterView } from '../core/types';
import type { TimelineSample } from '../sim/model/cluster';
import { demandChartSvg, type ChartMarker } from './chart';
import type { ExecutionIndex } from './execution-index';
import { buildTimeline, buildUiState, buildWorkerHistory, type SimulationStatus, type Timeline, type UiState, type WorkerHistory } from './state';
import { InternalError } from '../core/errors';

export interface LiveViewOptions {
  mode: UiState['mode'];
  engine: UiState['engine'];
  observe: () => Promise<{ view: ClusterView }>;
  /** Absent with `--engine direct`: no workflows, so no executions to show. */
  index?: ExecutionIndex;
  simulation?: () => SimulationStatus;
  /** The simulator's per-minute samples, for the demand chart. */
  samples?: () => readonly TimelineSample[];
  /** IANA zone the page shows times in (a simulation: the scenario's); default UTC. */
  timeZone?: string;
  /** What the demand chart draws capacity and the floor in (ui/slots.ts; MOSCALER_MIN_WORKERS). */
  capacity?: { slotsPerWorker: number; minWorkers: number };
}

export class LiveView {
  private current: UiState | undefined;
  private version = 0;
  private pending: Promise<void> | undefined;

  constructor(private readonly options: LiveViewOptions) {}

  /** One refresh at a time: a caller arriving during one waits for it instead of starting another. */
  refresh(): Promise<void> {
    this.pending ??= this.doRefresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async doRefresh(): Promise<void> {
    try {
      const { view } = await this.options.observe();
      await this.options.index?.refresh();
      this.version += 1;
      this.current = buildUiState({
        version: this.version,
        mode: this.options.mode,
        engine: this.options.engine,
        view,
        digests: this.options.index?.all() ?? [],
        ...(this.options.index ? { facts: this.options.index.allFacts().facts } : {}),
        timeZone: this.options.timeZone ?? 'UTC',
        ...(this.options.simulation ? { simulation: this.options.simulation() } : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.current) throw error;
      this.version += 1;
      this.current = { ...this.current, version: this.version, error: message };
    }
  }

  /** The last refreshed state; the simulation status is always current (pausing shows at once). */
  state(): UiState {
    if (!this.current) throw new InternalError('LiveView.state() before the first refresh');
    return this.options.simulation ? { ...this.current, simulation: this.options.simulation() } : this.current;
  }

  timeline(): Timeline {
    const index = this.options.index;
    return index ? buildTimeline(index.all(), index.allFacts()) : buildTimeline([]);
  }

  async workerHistory(hostname: string): Promise<WorkerHistory> {
    const worker = this.current?.workers.find((w) => w.hostname === hostname);
    const instances = (this.current?.workers ?? []).filter((w) => w.hostname === hostname).map((w) => w.instanceId);
    const digests = (await this.options.index?.forWorker(hostname, instances)) ?? [];
    return buildWorkerHistory(hostname, worker, digests);
  }

  /** The demand chart of a simulation; undefined for a real cluster (no per-minute samples there). */
  chartSvg(width?: number): string | undefined {
    if (!this.options.samples) return undefined;
    // Starts and stops as the lifecycle recorded them (a drain that was skipped stopped nothing), over the whole run.
    const markers: ChartMarker[] = (this.options.index?.allFacts().facts ?? []).flatMap((f) => [
      ...f.runStarts.map((at): ChartMarker => ({ at: Date.parse(at), kind: 'start', label: `start ${f.hostname ?? '?'}` })),
      ...f.runEnds.map((at): ChartMarker => ({ at: Date.parse(at), kind: 'stop', label: `stop ${f.hostname ?? '?'}` })),
    ]);
    const capacity = this.options.capacity;
    return demandChartSvg(this.options.samples(), {
      markers,
      timeZone: this.options.timeZone ?? 'UTC',
      ...(width ? { width } : {}),
      ...(capacity ? { slotsPerWorker: capacity.slotsPerWorker, minWorkers: capacity.minWorkers } : {}),
    });
  }
}
