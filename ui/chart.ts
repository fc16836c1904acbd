/**
 * Demand against capacity over a simulated run, in one unit, as one inline SVG:
 * Opencast job load running and queued (stacked areas) under the slots of the
 * workers in service and of the workers billed (steps), with the floor drawn
 * in slots and the scaler's starts and stops counted in a strip under the plot.
 * A slot is one unit of a worker's Opencast max load, so a worker in service
 * adds its max load to capacity and one job adds its load to demand: load above
 * the in-service line is work waiting, billed slots far above the load is money
 * spent on nothing. The live page and `sim run --report` draw the same chart.
 *
 * The drawing follows its container's width with no script: the plot is a
 * nested SVG stretched to 100% (strokes keep their width), and every text is
 * placed at a percentage, so nothing is scaled or clipped in a wide or a narrow
 * window.
 */
import type { TimelineSample } from '../sim/model/cluster';
import { textWidth } from './diagrams/text-width';
import { escapeXml } from './html';
import { zonedTime, zoneOffsetMs, zoneStatement } from './zoned-time';

export interface ChartMarker {
  at: number;
  kind: 'start' | 'stop';
  label: string;
}

export interface ChartOptions {
  /**
   * The width it is drawn for, px: how many columns the samples are folded into and where the legend wraps.
   * The SVG itself is as wide as its container.
   */
  width?: number;
  height?: number;
  markers?: readonly ChartMarker[];
  /** IANA zone of the time axis and tooltips (default UTC); the axis says which. */
  timeZone?: string;
  /** Slots (Opencast max load) of one worker: capacity is workers × this. Default 36 (a c5.9xlarge's vCPUs). */
  slotsPerWorker?: number;
  /** The floor (MOSCALER_MIN_WORKERS), drawn as that many workers' slots. */
  minWorkers?: number;
}

interface Column {
  at: number;
  running: number;
  demand: number;
  inService: number;
  billed: number;
}

const TOP = 62;
/** Under the plot: the start and stop strip, then the time labels, then the axis title. */
const STRIP = 34;
const BOTTOM = STRIP + 40;
/** The plot's own x range in its viewBox (it is stretched to the container). */
const VIEW_W = 1000;
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60_000);
/** A marker group per this many px of the drawn width at most: markers closer than that are counted together. */
const MARKER_PX = 18;

export const CHART_STYLE = `
svg.mo-chart { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 12px; overflow: visible; }
svg.mo-chart .axis line, svg.mo-chart .grid line { stroke: #cbd5e0; }
svg.mo-chart .grid line { stroke-dasharray: 2 3; }
svg.mo-chart text { fill: #4a5568; }
svg.mo-chart text.tick-y { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.mo-chart .load-running { fill: #90cdf4; }
svg.mo-chart .load-queued { fill: #f6ad55; opacity: 0.85; }
svg.mo-chart .slots { fill: none; stroke: #276749; stroke-width: 2; }
svg.mo-chart .billed { fill: none; stroke: #6b46c1; stroke-width: 1.6; stroke-dasharray: 6 3; }
svg.mo-chart .floor { stroke: #c53030; stroke-width: 1.4; stroke-dasharray: 2 4; }
svg.mo-chart text.floor-label { fill: #c53030; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.mo-chart text.marker-start { fill: #2f855a; }
svg.mo-chart text.marker-stop { fill: #c05621; }
`;

/** One column per pixel at most, each the maximum of its samples: a short spike still shows. */
function columns(samples: readonly TimelineSample[], count: number, slots: number): Column[] {
  const per = Math.max(1, Math.ceil(samples.length / count));
  const out: Column[] = [];
  for (let i = 0; i < samples.length; i += per) {
    const bucket = samples.slice(i, i + per);
    out.push({
      at: bucket[0]!.at,
      running: Math.max(...bucket.map((s) => s.runningLoad)),
      demand: Math.max(...bucket.map((s) => s.runningLoad + s.queuedLoad)),
      inService: Math.max(...bucket.map((s) => s.inServiceWorkers)) * slots,
      billed: Math.max(...bucket.map((s) => s.billedWorkers)) * slots,
    });
  }
  return out;
}

/** A round upper bound and tick step with about five ticks. */
function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const whole = Math.max(1, Math.round(step));
  return { top: Math.ceil(max / whole) * whole, step: whole };
}

function timeLabel(at: number, span: number, step: number, timeZone: string): string {
  const local = zonedTime(at, timeZone);
  if (span <= 86_400_000) return local.slice(11, 16);
  return step >= 86_400_000 ? local.slice(5, 10) : `${local.slice(5, 10)} ${local.slice(11, 16)}`;
}

/** Starts and stops close together, counted as one group each: they piled up unreadably when drawn one by one. */
function markerGroups(markers: readonly ChartMarker[], from: number, to: number, groups: number): Array<{ at: number; kind: ChartMarker['kind']; labels: string[] }> {
  const size = (to - from) / groups;
  const byKey = new Map<string, { at: number; kind: ChartMarker['kind']; labels: string[] }>();
  for (const m of [...markers].sort((a, b) => a.at - b.at)) {
    if (m.at < from || m.at > to) continue;
    const slot = Math.min(groups - 1, Math.floor((m.at - from) / size));
    const key = `${m.kind}:${slot}`;
    const group = byKey.get(key) ?? { at: m.at, kind: m.kind, labels: [] };
    group.labels.push(m.label);
    byKey.set(key, group);
  }
  return [...byKey.values()];
}

export function demandChartSvg(samples: readonly TimelineSample[], options: ChartOptions = {}): string {
  const width = options.width ?? 1000;
  const height = options.height ?? 340;
  const timeZone = options.timeZone ?? 'UTC';
  const slots = options.slotsPerWorker ?? 36;
  const floor = options.minWorkers !== undefined && options.minWorkers > 0 ? options.minWorkers * slots : undefined;
  const plotH = height - TOP - BOTTOM;
  const bottom = TOP + plotH;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="mo-chart" width="100%" height="${height}" style="display:block;width:100%;height:${height}px" role="img" aria-label="Job load against the slots of the workers in service and billed"><style>${CHART_STYLE}</style>`;
  if (samples.length === 0) return `${head}<text x="50%" y="${height / 2}" text-anchor="middle">no samples yet</text></svg>\n`;

  const cols = columns(samples, width, slots);
  const from = samples[0]!.at;
  const to = Math.max(samples[samples.length - 1]!.at, from + 60_000);
  const scale = niceScale(Math.max(...cols.map((c) => Math.max(c.demand, c.inService, c.billed)), floor ?? 0));
  const pct = (at: number) => ((at - from) / (to - from)) * 100;
  const vx = (at: number) => (pct(at) / 100) * VIEW_W;
  const y = (v: number) => plotH - (v / scale.top) * plotH;
  const f = (n: number) => n.toFixed(1);
  const p = (n: number) => `${n.toFixed(2)}%`;

  const area = (top: (c: Column) => number, low: (c: Column) => number) => {
    const upper = cols.map((c) => `${f(vx(c.at))},${f(y(top(c)))}`);
    const lower = [...cols].reverse().map((c) => `${f(vx(c.at))},${f(y(low(c)))}`);
    return `M${upper.join(' L')} L${lower.join(' L')} Z`;
  };
  // Capacity changes in steps: drawn as steps, not slopes.
  const steps = (value: (c: Column) => number) =>
    cols.map((c, i) => `${i === 0 ? 'M' : 'H'}${f(vx(c.at))}${i === 0 ? `,${f(y(value(c)))}` : ` V${f(y(value(c)))}`}`).join(' ') + ` H${VIEW_W}`;
  const ns = 'vector-effect="non-scaling-stroke"';

  const out = [head];
  // Legend, wrapped at the drawn width.
  const legend: Array<[string, string, 'area' | 'line' | 'text']> = [
    ['load-running', 'job load running', 'area'],
    ['load-queued', 'job load queued', 'area'],
    ['slots', 'slots in service', 'line'],
    ['billed', 'slots billed', 'line'],
    ...(floor !== undefined ? ([['floor', `floor: ${options.minWorkers} workers = ${floor} slots`, 'line']] as Array<[string, string, 'line']>) : []),
    ['marker-start', '▲ starts', 'text'],
    ['marker-stop', '▼ stops', 'text'],
  ];
  let lx = 0;
  let ly = 14;
  for (const [cls, text, kind] of legend) {
    const itemW = (kind === 'text' ? 0 : 24) + textWidth(text, 12) + 16;
    if (lx > 0 && lx + itemW > width) {
      lx = 0;
      ly += 18;
    }
    const swatch = kind === 'area' ? `<rect class="${cls}" x="${lx}" y="${ly - 10}" width="18" height="10"/>` : kind === 'line' ? `<line class="${cls}" x1="${lx}" x2="${lx + 18}" y1="${ly - 5}" y2="${ly - 5}"/>` : '';
    out.push(`<g class="legend legend-${cls}">${swatch}<text class="${kind === 'text' ? cls : ''}" x="${kind === 'text' ? lx : lx + 24}" y="${ly}">${escapeXml(text)}</text></g>`);
    lx += itemW;
  }
  out.push(`<text class="axis-title" x="4" y="${TOP - 16}">job load and worker slots (a worker in service adds its Opencast max load, ${slots} slots)</text>`);

  // The plot, stretched to the width; its strokes keep their width.
  out.push(`<svg class="plot" x="0" y="${TOP}" width="100%" height="${plotH}" viewBox="0 0 ${VIEW_W} ${plotH}" preserveAspectRatio="none" overflow="visible">`);
  out.push('<g class="grid">');
  for (let v = 0; v <= scale.top; v += scale.step) out.push(`<line x1="0" x2="${VIEW_W}" y1="${f(y(v))}" y2="${f(y(v))}" ${ns}/>`);
  out.push('</g>');
  out.push(`<path class="load-running" d="${area((c) => c.running, () => 0)}"><title>job load running</title></path>`);
  out.push(`<path class="load-queued" d="${area((c) => c.demand, (c) => c.running)}"><title>job load queued</title></path>`);
  out.push(`<path class="billed" d="${steps((c) => c.billed)}" ${ns}><title>slots of the workers billed (EC2 instance running)</title></path>`);
  out.push(`<path class="slots" d="${steps((c) => c.inService)}" ${ns}><title>slots of the workers in service (registered, online, not in maintenance)</title></path>`);
  if (floor !== undefined) out.push(`<line class="floor" x1="0" x2="${VIEW_W}" y1="${f(y(floor))}" y2="${f(y(floor))}" ${ns}><title>the floor: ${options.minWorkers} workers in service = ${floor} slots</title></line>`);
  out.push(`<line class="baseline" x1="0" x2="${VIEW_W}" y1="${plotH}" y2="${plotH}" stroke="#a0aec0" ${ns}/>`);
  out.push('</svg>');

  // Load values inside the plot's left edge, over a halo: no margin to clip them.
  out.push('<g class="axis">');
  for (let v = scale.step; v <= scale.top; v += scale.step) out.push(`<text class="tick-y" x="3" y="${f(TOP + y(v) - 3)}">${v}</text>`);
  if (floor !== undefined) out.push(`<text class="floor-label" x="99.5%" y="${f(TOP + y(floor) - 4)}" text-anchor="end">floor ${floor}</text>`);
  const span = to - from;
  const step = TIME_STEPS.find((s) => span / s <= Math.max(3, Math.floor(width / 130))) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  // Ticks on round local times (midnight, whole hours) of the zone shown.
  for (let local = Math.ceil((from + zoneOffsetMs(from, timeZone)) / step) * step; ; local += step) {
    const t = local - zoneOffsetMs(local - zoneOffsetMs(from, timeZone), timeZone);
    if (t > to) break;
    const at = pct(t);
    // The first and last labels are kept inside the drawing.
    const anchor = at < 4 ? 'start' : at > 96 ? 'end' : 'middle';
    out.push(`<line x1="${p(at)}" x2="${p(at)}" y1="${bottom}" y2="${bottom + 4}"/>`);
    out.push(`<text x="${p(at)}" y="${bottom + STRIP + 14}" text-anchor="${anchor}">${timeLabel(t, span, step, timeZone)}</text>`);
  }
  out.push(`<text x="50%" y="${height - 4}" text-anchor="middle">time (${escapeXml(zoneStatement(timeZone, from))})</text>`);
  out.push('</g>');

  // Starts above stops, each group with its count; the tooltip names them.
  for (const g of markerGroups(options.markers ?? [], from, to, Math.max(10, Math.floor(width / MARKER_PX)))) {
    const at = pct(g.at);
    const anchor = at < 2 ? 'start' : at > 98 ? 'end' : 'middle';
    const shown = g.labels.slice(0, 12).map((l) => `${zonedTime(g.at, timeZone)} ${l}`);
    const title = `${shown.join('\n')}${g.labels.length > shown.length ? `\n… ${g.labels.length - shown.length} more` : ''}`;
    const glyph = g.kind === 'start' ? '▲' : '▼';
    const count = g.labels.length > 1 ? `<tspan font-size="10">${g.labels.length}</tspan>` : '';
    out.push(`<text class="marker-${g.kind}" data-count="${g.labels.length}" x="${p(at)}" y="${bottom + (g.kind === 'start' ? 15 : 29)}" text-anchor="${anchor}">${glyph}${count}<title>${escapeXml(title)}</title></text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
