/**
 * The deadline-aware clairvoyant bound: the cheapest fleet that knows every
 * recording of the week in advance and finishes each one within a deadline,
 * as a linear program solved by HiGHS (the `highs` package: HiGHS compiled
 * to WebAssembly, no network at run time).
 *
 * Grid: 5-minute slots. Per slot t: n_t = average workers serving (registered,
 * out of maintenance), m_t = average workers billed and registered in Opencast
 * (≥ n_t, ≥ the floor), u_t / d_t = the rise / fall of m_t (starts and stops). A recording's
 * work is split into its workflow's stages; phase p of
 * recording r (a stage, or a few light ones merged) has work W (load ×
 * minutes), peak load L and a window [earliest start, latest finish] from the
 * longest job of every stage before / after it and the deadline; x_{r,p,t} is
 * the work done in slot t, at most L × the slot's minutes inside the window.
 * Capacity: Σ x_{·,t} ≤ slots per worker × n_t × slot minutes.
 * Cost (instance-hours): Σ m_t · slot + Σ u_t · (EC2 running → registered) + Σ d_t · shutdown.
 *
 * Every constraint is one any real run obeys (averages over a slot, work
 * ignoring packing and the order of jobs inside a phase; every start bills
 * its boot and Opencast's registration before it can serve, well past the
 * 60 s minimum), so the optimum is a
 * lower bound on any policy meeting the same deadline: n_t is continuous
 * because slot averages of a whole-worker count need not be whole (a MILP with
 * whole workers per slot would not be a bound).
 */
import loadHighs from 'highs';
import type { RecordingSpec, Trace } from '../sim/model/traces';

export interface DeadlineBoundInput {
  trace: Trace;
  start: number;
  end: number;
  slotsPerWorker: number;
  minWorkers: number;
  /** Workers online at the start. */
  initialOnline: number;
  /** Workers that exist (n_t cannot exceed them). */
  availableWorkers: number;
  /** Every recording processed within this of its arrival. */
  deadlineMs: number;
  /** Billed from EC2 running until Opencast registers the worker, per start (it serves nothing meanwhile). */
  pendingBilledMs: number;
  /** Billed from a stop until billing ends. */
  stopBilledMs: number;
  gridMs?: number;
}

export interface DeadlineBound {
  instanceHours: number;
  floorHours: number;
  aboveFloor: number;
  status: string;
  solveSeconds: number;
  columns: number;
  rows: number;
  /** Workers serving per slot (the optimum's n_t), for charts. */
  serving: number[];
}

interface Phase {
  work: number;
  peak: number;
  from: number;
  to: number;
}

/**
 * The recording's stages as work to place: each stage's work (load × minutes), peak load (its jobs' loads
 * summed) and window: no earlier than the longest job of every earlier stage after arrival, no later than
 * the deadline less the longest job of every later stage. Stages of little work merge into the next one
 * (their window is the union: still a relaxation) so the program stays small.
 */
export function phasesOf(rec: RecordingSpec, deadlineMs: number, minWork = 10): Phase[] {
  const stages = rec.stages.filter((s) => s.jobs.length > 0);
  // A stage's hold (nothing runs) is part of its length: its own window still opens before the hold (a relaxation, still a bound).
  const longest = stages.map((s) => (s.holdMs ?? 0) + Math.max(...s.jobs.map((j) => j.durationMs)));
  const before = (k: number) => longest.slice(0, k).reduce((a, b) => a + b, 0);
  const after = (k: number) => longest.slice(k + 1).reduce((a, b) => a + b, 0);
  const out: Phase[] = [];
  let open: Phase | undefined;
  stages.forEach((s, k) => {
    const work = s.jobs.reduce((w, j) => w + (j.load * j.durationMs) / 60_000, 0);
    const peak = s.jobs.reduce((l, j) => l + j.load, 0);
    const from = rec.arrivalAt + before(k);
    const to = rec.arrivalAt + deadlineMs - after(k);
    open = open ? { work: open.work + work, peak: Math.max(open.peak, peak), from: open.from, to } : { work, peak, from, to };
    if (open.work >= minWork || k === stages.length - 1) {
      out.push(open);
      open = undefined;
    }
  });
  return out;
}

type HighsApi = Awaited<ReturnType<typeof loadHighs>>;
let highs: Promise<HighsApi> | undefined;

export async function deadlineBound(input: DeadlineBoundInput): Promise<DeadlineBound> {
  const api = await (highs ??= loadHighs());
  const began = performance.now();
  const grid = input.gridMs ?? 300_000;
  const slotMin = grid / 60_000;
  const T = Math.ceil((input.end - input.start) / grid);
  // Columns: n_t, m_t, u_t, d_t per slot, then the x's.
  const N = (t: number) => t;
  const M = (t: number) => T + t;
  const U = (t: number) => 2 * T + t;
  const D = (t: number) => 3 * T + t;
  const cost: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let t = 0; t < T; t++) {
    cost[N(t)] = 0;
    lower[N(t)] = 0;
    upper[N(t)] = input.availableWorkers;
    cost[M(t)] = grid / 3_600_000;
    lower[M(t)] = input.minWorkers;
    upper[M(t)] = input.availableWorkers;
    cost[U(t)] = input.pendingBilledMs / 3_600_000;
    lower[U(t)] = 0;
    upper[U(t)] = Infinity;
    cost[D(t)] = input.stopBilledMs / 3_600_000;
    lower[D(t)] = 0;
    upper[D(t)] = Infinity;
  }
  const capacityRows: Array<Array<[number, number]>> = Array.from({ length: T }, () => []);
  const workRows: Array<{ cols: Array<[number, number]>; rhs: number }> = [];
  let col = 4 * T;
  for (const rec of input.trace.recordings) {
    if (rec.arrivalAt < input.start || rec.arrivalAt >= input.end) continue;
    for (const p of phasesOf(rec, input.deadlineMs)) {
      if (p.work <= 0) continue;
      const cols: Array<[number, number]> = [];
      const first = Math.max(0, Math.floor((p.from - input.start) / grid));
      const last = Math.min(T - 1, Math.ceil((p.to - input.start) / grid) - 1);
      for (let t = first; t <= last; t++) {
        const overlap = Math.min(p.to, input.start + (t + 1) * grid) - Math.max(p.from, input.start + t * grid);
        if (overlap <= 0) continue;
        cost[col] = 0;
        lower[col] = 0;
        upper[col] = (p.peak * overlap) / 60_000;
        cols.push([col, 1]);
        capacityRows[t]!.push([col, 1]);
        col += 1;
      }
      // Work whose window runs past the end is not the window's to pay for: a free overflow column.
      if (p.to > input.end) {
        cost[col] = 0;
        lower[col] = 0;
        upper[col] = Infinity;
        cols.push([col, 1]);
        col += 1;
      }
      workRows.push({ cols, rhs: p.work });
    }
  }
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addRow = (entries: Array<[number, number]>, lo: number, hi: number) => {
    for (const [c, v] of entries) {
      indices.push(c);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lo);
    rowUpper.push(hi);
  };
  for (let t = 0; t < T; t++) {
    // Work done in the slot fits the serving workers' slots.
    addRow([...capacityRows[t]!, [N(t), -input.slotsPerWorker * slotMin]], -Infinity, 0);
    // Billed and registered at least the serving ones (and the floor, by m's bound).
    addRow([[M(t), 1], [N(t), -1]], 0, Infinity);
    // u_t ≥ m_t − m_{t−1}, d_t ≥ m_{t−1} − m_t: more workers registered means starts, fewer means stops
    // (maintenance changes serving, not registered). m_{−1}: the workers online at the start.
    if (t === 0) {
      addRow([[U(0), 1], [M(0), -1]], -input.initialOnline, Infinity);
      addRow([[D(0), 1], [M(0), 1]], input.initialOnline, Infinity);
    } else {
      addRow([[U(t), 1], [M(t), -1], [M(t - 1), 1]], 0, Infinity);
      addRow([[D(t), 1], [M(t), 1], [M(t - 1), -1]], 0, Infinity);
    }
  }
  for (const w of workRows) addRow(w.cols, w.rhs, w.rhs);
  const inf = api.infinity;
  const fix = (xs: number[]) => xs.map((x) => (x === Infinity ? inf : x === -Infinity ? -inf : x));
  const model = api.createModel({
    numCols: col,
    numRows: rowLower.length,
    colCost: cost,
    colLower: fix(lower),
    colUpper: fix(upper),
    rowLower: fix(rowLower),
    rowUpper: fix(rowUpper),
    matrix: { format: 'csr', numRows: rowLower.length, numCols: col, starts, indices, values },
  });
  try {
    model.options.set({ output_flag: false });
    model.run();
    const status = String(model.getModelStatus());
    const optimal = model.getModelStatus() === api.constants.modelStatus.optimal;
    const objective = optimal ? model.getObjectiveValue() : Number.NaN;
    const serving = optimal ? Array.from(model.getSolution().colValue.slice(0, T)) : [];
    const floorHours = (input.minWorkers * T * grid) / 3_600_000;
    return {
      instanceHours: objective,
      floorHours,
      aboveFloor: objective - floorHours,
      status: optimal ? 'optimal' : `not optimal (${status})`,
      solveSeconds: (performance.now() - began) / 1000,
      columns: col,
      rows: rowLower.length,
      serving,
    };
  } finally {
    model.dispose();
  }
}
