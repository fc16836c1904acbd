/**
 * One SVG per week: billed instance-hours against p95 turnaround, each
 * family's sweep over its main setting as a line (tuning seeds, labelled with
 * the setting), its scored point (scoring seeds) as a ringed dot, the floor's
 * hours and the LP bound at the 2 h deadline as lines. Lower-left dominates.
 */
import type { Row } from './aggregate';
import { FAMILIES } from './policies';
import { NEW_DEFAULT, type BenchData } from './report';

const COLORS: Record<string, string> = {
  'original-2min': '#7f7f7f',
  'original-1min': '#bcbd22',
  'target-tracking': '#9467bd',
  'idle-timer': '#ff7f0e',
  schedule: '#17becf',
  headroom: '#1f77b4',
  'schedule-aware': '#2ca02c',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, extra = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(s)}</text>`;

export function tradeOffSvg(data: BenchData, week: string): string {
  const sweep = data.tuning.filter((r) => r.week === week);
  const scored = data.scoring.filter((r) => r.week === week && data.picks.some((p) => p.week === week && p.family === r.family && p.value === r.value));
  const all = [...sweep, ...scored];
  const floor = all[0] ? all[0].billed.mean - all[0].aboveFloor.mean : 0;
  const bounds = data.bounds.filter((b) => b.week === week && b.for === 'deadline');
  const bound = bounds.length ? bounds.reduce((s, b) => s + b.instanceHours, 0) / bounds.length : undefined;
  const width = 900;
  const height = 560;
  const left = 70;
  const top = 50;
  const w = width - left - 230;
  const h = height - top - 60;
  const xs = all.map((r) => r.turnaroundP95.mean);
  // Far-off settings (an idle timer of 40 minutes) would flatten the rest: the axis stops at 1.3 × the reference's cost.
  const reference = scored.find((r) => r.family === 'original-2min') ?? all.find((r) => r.family === 'original-2min');
  const cap = reference ? reference.billed.mean * 1.3 : Infinity;
  const ys = [...all.map((r) => Math.min(cap, r.billed.mean)), floor, ...(bound !== undefined ? [bound] : [])];
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * w;
  const Y = (v: number) => top + h - ((Math.min(v, cap) - y0) / (y1 - y0 || 1)) * h;
  const parts: string[] = [
    `<line x1="${left}" y1="${top + h}" x2="${left + w}" y2="${top + h}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + h}" stroke="#333"/>`,
    text(left + w / 2, height - 15, 'p95 recording turnaround, minutes (mean over seeds)', 'text-anchor="middle"'),
    text(16, top + h / 2, 'billed instance-hours (per-second)', `text-anchor="middle" transform="rotate(-90 16 ${top + h / 2})"`),
  ];
  for (const t of ticks(x0, x1)) parts.push(`<line x1="${X(t)}" y1="${top}" x2="${X(t)}" y2="${top + h}" stroke="#eee"/>`, text(X(t), top + h + 16, String(t), 'text-anchor="middle" font-size="10"'));
  for (const t of ticks(y0, y1)) parts.push(`<line x1="${left}" y1="${Y(t)}" x2="${left + w}" y2="${Y(t)}" stroke="#eee"/>`, text(left - 6, Y(t) + 4, String(t), 'text-anchor="end" font-size="10"'));
  const hline = (v: number, label: string, dash: string, atLeft: boolean) =>
    parts.push(
      `<line x1="${left}" y1="${Y(v)}" x2="${left + w}" y2="${Y(v)}" stroke="#d62728" stroke-dasharray="${dash}"/>`,
      text(atLeft ? left + 4 : left + w - 4, Y(v) + (atLeft ? 12 : -4), `${label}: ${v.toFixed(1)} h`, `text-anchor="${atLeft ? 'start' : 'end'}" font-size="10" fill="#d62728"`),
    );
  hline(floor, 'floor alone', '2 3', true);
  if (bound !== undefined) hline(bound, 'LP optimum, every recording within 2 h', '6 3', false);
  if (all.some((r) => r.billed.mean > cap)) parts.push(text(left + 4, top + 10, `off the chart above ${cap.toFixed(0)} h: ${all.filter((r) => r.billed.mean > cap).map((r) => `${r.family}=${r.value}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')}`, 'font-size="9" fill="#666"'));
  let legend = 0;
  for (const family of FAMILIES) {
    const color = COLORS[family.id] ?? '#000';
    const line = sweep.filter((r) => r.family === family.id).sort((a, b) => a.value - b.value);
    const point = scored.find((r) => r.family === family.id);
    if (!line.length && !point) continue;
    if (line.length) {
      parts.push(`<path d="${line.map((r, i) => `${i ? 'L' : 'M'}${X(r.turnaroundP95.mean).toFixed(1)},${Y(r.billed.mean).toFixed(1)}`).join('')}" fill="none" stroke="${color}" stroke-width="${family.id === NEW_DEFAULT ? 2.5 : 1.2}"/>`);
      for (const r of line) parts.push(dot(r, X, Y, color, 3, false), text(X(r.turnaroundP95.mean) + 5, Y(r.billed.mean) - 4, `${r.value}${flapLabel(r)}`, `font-size="9" fill="${color}"`));
    }
    if (point) parts.push(dot(point, X, Y, color, 6, true));
    const ly = top + legend * 20;
    parts.push(`<rect x="${left + w + 20}" y="${ly}" width="14" height="4" fill="${color}"/>`, text(left + w + 40, ly + 6, family.label, 'font-size="11"'));
    legend += 1;
  }
  parts.push(text(left + w + 20, top + legend * 20 + 14, 'line: sweep on the tuning seeds', 'font-size="10"'), text(left + w + 20, top + legend * 20 + 28, 'ringed: tuned setting, scoring seeds', 'font-size="10"'));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    text(10, 22, `${week} week: cost against p95 turnaround (lower left is better); labels: setting, flaps a week`, 'font-size="15" font-weight="bold"'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** A sweep point's churn: flaps a week (mean over seeds), when the run counted them. */
function flapLabel(r: Row): string {
  return r.flaps ? ` (${r.flaps.mean.toFixed(0)} flaps)` : '';
}

function dot(r: Row, X: (v: number) => number, Y: (v: number) => number, color: string, radius: number, ring: boolean): string {
  const churn = r.flaps ? `, ${r.starts.mean.toFixed(0)} starts, ${r.flaps.mean.toFixed(0)} flaps, ${r.backInService.mean.toFixed(0)} of ${r.drains.mean.toFixed(0)} drains BackInService, ${r.transitions.mean.toFixed(0)} transitions` : '';
  const title = `${r.family}=${r.value}: ${r.billed.mean.toFixed(1)} h, p95 ${r.turnaroundP95.mean.toFixed(1)} min, ${r.deadlineMisses} late${churn} (seeds ${r.seeds.join(', ')})`;
  return `<circle cx="${X(r.turnaroundP95.mean).toFixed(1)}" cy="${Y(r.billed.mean).toFixed(1)}" r="${radius}" fill="${ring ? '#fff' : color}" stroke="${color}" stroke-width="${ring ? 3 : 1}"><title>${esc(title)}</title></circle>`;
}

function pad(a: number, b: number): [number, number] {
  const m = (b - a) * 0.08 || 1;
  return [a - m, b + m];
}

function ticks(a: number, b: number): number[] {
  const span = b - a;
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((s) => span / s <= 8) ?? 1000;
  const out: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b; t += step) out.push(t);
  return out;
}
