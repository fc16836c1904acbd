/**
 * Demand against capacity over a simulated run, as one inline SVG: jobs running
 * and queued (stacked areas, left axis) under the workers online and the
 * workers billed (lines, right axis), with the scaler's starts and stops
 * marked along the bottom. Queued jobs piling up before the online line rises
 * is a policy that lags; billed workers far above a flat demand is one that
 * over-provisions. The live page and `sim run --report` draw the same chart.
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
  /** The drawing's own size (its viewBox); on a page it scales down to fit its container. */
  width?: number;
  height?: number;
  markers?: readonly ChartMarker[];
  /** IANA zone of the time axis and tooltips (default UTC); the axis says which. */
  timeZone?: string;
}

interface Column {
  at: number;
  running: number;
  demand: number;
  online: number;
  billed: number;
}

const PAD = { left: 52, right: 52, top: 30, bottom: 36 };
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60_000);

export const CHART_STYLE = `
svg.mo-chart { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 12px; }
svg.mo-chart .axis line, svg.mo-chart .grid line { stroke: #cbd5e0; }
svg.mo-chart .grid line { stroke-dasharray: 2 3; }
svg.mo-chart text { fill: #4a5568; }
svg.mo-chart .running { fill: #90cdf4; }
svg.mo-chart .queued { fill: #f6ad55; opacity: 0.85; }
svg.mo-chart .online { fill: none; stroke: #276749; stroke-width: 2; }
svg.mo-chart .billed { fill: none; stroke: #6b46c1; stroke-width: 1.6; stroke-dasharray: 6 3; }
svg.mo-chart .marker-start { fill: #2f855a; }
svg.mo-chart .marker-stop { fill: #c05621; }
`;

/** One column per pixel at most, each the maximum of its samples: a short spike still shows. */
function columns(samples: readonly TimelineSample[], count: number): Column[] {
  const per = Math.max(1, Math.ceil(samples.length / count));
  const out: Column[] = [];
  for (let i = 0; i < samples.length; i += per) {
    const bucket = samples.slice(i, i + per);
    out.push({
      at: bucket[0]!.at,
      running: Math.max(...bucket.map((s) => s.runningJobs)),
      demand: Math.max(...bucket.map((s) => s.runningJobs + s.queuedJobs)),
      online: Math.max(...bucket.map((s) => s.onlineWorkers)),
      billed: Math.max(...bucket.map((s) => s.billedWorkers)),
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

export function demandChartSvg(samples: readonly TimelineSample[], options: ChartOptions = {}): string {
  const width = options.width ?? 1000;
  const height = options.height ?? 320;
  const timeZone = options.timeZone ?? 'UTC';
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  // Scales down with its container (never wider than it), keeping its proportions.
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="mo-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="display:block;width:100%;max-width:${width}px;height:auto" role="img" aria-label="Demand against online and billed workers"><style>${CHART_STYLE}</style>`;
  if (samples.length === 0) return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no samples yet</text></svg>\n`;

  const cols = columns(samples, plotW);
  const from = samples[0]!.at;
  const to = Math.max(samples[samples.length - 1]!.at, from + 60_000);
  const jobs = niceScale(Math.max(...cols.map((c) => c.demand)));
  const workers = niceScale(Math.max(...cols.map((c) => Math.max(c.online, c.billed))));
  const x = (at: number) => PAD.left + ((at - from) / (to - from)) * plotW;
  const yJobs = (v: number) => PAD.top + plotH - (v / jobs.top) * plotH;
  const yWorkers = (v: number) => PAD.top + plotH - (v / workers.top) * plotH;
  const f = (n: number) => n.toFixed(1);

  const area = (top: (c: Column) => number, bottom: (c: Column) => number) => {
    const upper = cols.map((c) => `${f(x(c.at))},${f(yJobs(top(c)))}`);
    const lower = [...cols].reverse().map((c) => `${f(x(c.at))},${f(yJobs(bottom(c)))}`);
    return `M${upper.join(' L')} L${lower.join(' L')} Z`;
  };
  // Worker counts change in steps: draw them as steps, not slopes.
  const steps = (value: (c: Column) => number) =>
    cols.map((c, i) => `${i === 0 ? 'M' : 'H'}${f(x(c.at))}${i === 0 ? `,${f(yWorkers(value(c)))}` : ` V${f(yWorkers(value(c)))}`}`).join(' ') + ` H${f(x(to))}`;

  const out = [head];
  out.push('<g class="grid">');
  for (let v = 0; v <= jobs.top; v += jobs.step) out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f(yJobs(v))}" y2="${f(yJobs(v))}"/>`);
  out.push('</g>');
  out.push(`<path class="running" d="${area((c) => c.running, () => 0)}"><title>jobs running</title></path>`);
  out.push(`<path class="queued" d="${area((c) => c.demand, (c) => c.running)}"><title>jobs queued</title></path>`);
  out.push(`<path class="billed" d="${steps((c) => c.billed)}"><title>workers billed (EC2 instance running)</title></path>`);
  out.push(`<path class="online" d="${steps((c) => c.online)}"><title>workers online</title></path>`);

  out.push('<g class="axis">');
  out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`);
  for (let v = 0; v <= jobs.top; v += jobs.step) out.push(`<text x="${PAD.left - 6}" y="${f(yJobs(v) + 4)}" text-anchor="end">${v}</text>`);
  for (let v = 0; v <= workers.top; v += workers.step) out.push(`<text x="${PAD.left + plotW + 6}" y="${f(yWorkers(v) + 4)}">${v}</text>`);
  const span = to - from;
  const step = TIME_STEPS.find((s) => span / s <= 8) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  // Ticks on round local times (midnight, whole hours) of the zone shown.
  for (let local = Math.ceil((from + zoneOffsetMs(from, timeZone)) / step) * step; ; local += step) {
    const t = local - zoneOffsetMs(local - zoneOffsetMs(from, timeZone), timeZone);
    if (t > to) break;
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH + 4}"/>`);
    out.push(`<text x="${f(x(t))}" y="${PAD.top + plotH + 16}" text-anchor="middle">${timeLabel(t, span, step, timeZone)}</text>`);
  }
  out.push(`<text x="${PAD.left + plotW / 2}" y="${height - 4}" text-anchor="middle">time (${escapeXml(zoneStatement(timeZone, from))})</text>`);
  out.push(`<text x="12" y="${PAD.top + plotH / 2}" transform="rotate(-90 12 ${PAD.top + plotH / 2})" text-anchor="middle">jobs</text>`);
  out.push(`<text x="${width - 8}" y="${PAD.top + plotH / 2}" transform="rotate(90 ${width - 8} ${PAD.top + plotH / 2})" text-anchor="middle">workers</text>`);
  out.push('</g>');

  const bottom = PAD.top + plotH;
  for (const m of options.markers ?? []) {
    if (m.at < from || m.at > to) continue;
    const mx = x(m.at);
    const shape = m.kind === 'start' ? `${f(mx - 4)},${bottom} ${f(mx + 4)},${bottom} ${f(mx)},${bottom - 7}` : `${f(mx - 4)},${bottom - 7} ${f(mx + 4)},${bottom - 7} ${f(mx)},${bottom}`;
    out.push(`<polygon class="marker-${m.kind}" points="${shape}"><title>${escapeXml(`${zonedTime(m.at, timeZone)} ${m.label}`)}</title></polygon>`);
  }

  const legend: Array<[string, string]> = [
    ['running', 'jobs running'],
    ['queued', 'jobs queued'],
    ['online', 'workers online'],
    ['billed', 'workers billed'],
    ['marker-start', '▲ start'],
    ['marker-stop', '▼ stop'],
  ];
  let lx = PAD.left;
  for (const [cls, text] of legend) {
    const swatch = cls === 'online' || cls === 'billed' ? `<path class="${cls}" d="M${lx},14 h18"/>` : cls.startsWith('marker') ? '' : `<rect class="${cls}" x="${lx}" y="8" width="18" height="10"/>`;
    const tx = swatch ? lx + 22 : lx;
    out.push(`<g class="legend legend-${cls}">${swatch}<text class="${cls.startsWith('marker') ? cls : ''}" x="${tx}" y="18">${escapeXml(text)}</text></g>`);
    lx = tx + textWidth(text, 12) + 18;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
