/**
 * SVG charts without dependencies: billed instance-hours per policy (one panel
 * per trace, hourly and per-second side by side, the bounds as lines), and
 * workers online over a day against the clairvoyant's need.
 */
import type { TraceResult } from './report';
import { BILLING_MODES } from './report';

const COLORS: Record<string, string> = {
  original: '#7f7f7f',
  'static-peak': '#bcbd22',
  schedule: '#17becf',
  'target-tracking': '#9467bd',
  'idle-timer': '#ff7f0e',
  headroom: '#2ca02c',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, extra = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(s)}</text>`;

export function barChartSvg(results: readonly TraceResult[]): string {
  const panelW = 380;
  const panelH = 260;
  const top = 70;
  const left = 50;
  const width = left + results.length * panelW + 20;
  const height = top + panelH + 110;
  const parts: string[] = [];
  const policies = [...new Set(results.flatMap((r) => r.cells.map((c) => c.policy)))];
  results.forEach((r, p) => {
    const x0 = left + p * panelW;
    const max = Math.max(1, ...r.cells.map((c) => c.billedHours), ...Object.values(r.bounds.clairvoyant)) * 1.1;
    const y = (h: number) => top + panelH - (h / max) * panelH;
    parts.push(text(x0 + panelW / 2 - 20, top - 18, `${r.id} (${r.window.hours} h)`, 'font-weight="bold" text-anchor="middle"'));
    parts.push(`<line x1="${x0}" y1="${top + panelH}" x2="${x0 + panelW - 40}" y2="${top + panelH}" stroke="#333"/>`);
    for (const tick of niceTicks(max)) {
      parts.push(`<line x1="${x0 - 4}" y1="${y(tick)}" x2="${x0 + panelW - 40}" y2="${y(tick)}" stroke="#eee"/>`);
      parts.push(text(x0 - 6, y(tick) + 4, String(tick), 'text-anchor="end" font-size="10"'));
    }
    const groupW = (panelW - 60) / BILLING_MODES.length;
    BILLING_MODES.forEach((billing, g) => {
      const gx = x0 + 10 + g * groupW;
      const cells = r.cells.filter((c) => c.billing === billing);
      const barW = (groupW - 20) / Math.max(1, policies.length);
      policies.forEach((policy, i) => {
        const c = cells.find((x) => x.policy === policy);
        if (!c) return;
        const bx = gx + i * barW;
        parts.push(`<rect x="${bx.toFixed(1)}" y="${y(c.billedHours).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + panelH - y(c.billedHours)).toFixed(1)}" fill="${COLORS[policy] ?? '#1f77b4'}"><title>${esc(`${c.label}, ${billing}: ${c.billedHours.toFixed(1)} instance-hours`)}</title></rect>`);
      });
      const line = (h: number, dash: string, label: string) => {
        parts.push(`<line x1="${gx - 3}" y1="${y(h)}" x2="${gx + groupW - 17}" y2="${y(h)}" stroke="#d62728" stroke-dasharray="${dash}"><title>${esc(`${label}: ${h.toFixed(1)}`)}</title></line>`);
      };
      line(r.bounds.clairvoyant[billing], '6 3', 'clairvoyant bound');
      line(r.bounds.fluid, '2 3', 'fluid bound');
      parts.push(text(gx + (groupW - 20) / 2, top + panelH + 16, billing, 'text-anchor="middle" font-size="11"'));
    });
  });
  const ly = top + panelH + 40;
  policies.forEach((policy, i) => {
    const lx = left + (i % 4) * 200;
    const yy = ly + Math.floor(i / 4) * 18;
    parts.push(`<rect x="${lx}" y="${yy - 10}" width="12" height="12" fill="${COLORS[policy] ?? '#1f77b4'}"/>`, text(lx + 18, yy, policy, 'font-size="12"'));
  });
  const by = ly + Math.ceil(policies.length / 4) * 18;
  parts.push(
    `<line x1="${left}" y1="${by - 4}" x2="${left + 24}" y2="${by - 4}" stroke="#d62728" stroke-dasharray="6 3"/>`,
    text(left + 30, by, 'clairvoyant bound', 'font-size="12"'),
    `<line x1="${left + 200}" y1="${by - 4}" x2="${left + 224}" y2="${by - 4}" stroke="#d62728" stroke-dasharray="2 3"/>`,
    text(left + 230, by, 'fluid bound', 'font-size="12"'),
  );
  return svg(width, by + 16, 'Billed worker instance-hours per policy (lower is better)', parts);
}

/** Workers online per minute for each policy on one trace and billing mode, with the clairvoyant's need. */
export function timelineSvg(r: TraceResult, billing: 'hourly' | 'per-second', needed: readonly number[]): string {
  const width = 900;
  const height = 320;
  const left = 50;
  const top = 40;
  const w = width - left - 170;
  const h = height - top - 40;
  const cells = r.cells.filter((c) => c.billing === billing);
  const n = Math.max(needed.length, ...cells.map((c) => c.online.length));
  const max = Math.max(1, ...needed, ...cells.flatMap((c) => c.online)) + 1;
  const x = (m: number) => left + (m / Math.max(1, n - 1)) * w;
  // One point per STEP minutes (the highest value in it), so a two-day line stays a few kilobytes.
  const STEP = 5;
  const coarse = (values: readonly number[]) =>
    Array.from({ length: Math.ceil(values.length / STEP) }, (_, i) => [i * STEP, Math.max(...values.slice(i * STEP, (i + 1) * STEP))] as const);
  const y = (v: number) => top + h - (v / max) * h;
  const path = (values: readonly number[]) => coarse(values).map(([m, v], i) => `${i === 0 ? 'M' : 'L'}${x(m).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const parts = [`<line x1="${left}" y1="${top + h}" x2="${left + w}" y2="${top + h}" stroke="#333"/>`];
  for (const tick of niceTicks(max)) parts.push(text(left - 6, y(tick) + 4, String(tick), 'text-anchor="end" font-size="10"'));
  for (let hour = 0; hour * 60 < n; hour += 2) parts.push(text(x(hour * 60), top + h + 14, `${hour}h`, 'text-anchor="middle" font-size="10"'));
  parts.push(`<path d="${path(needed)}" fill="none" stroke="#d62728" stroke-dasharray="4 2"/>`);
  cells.forEach((c, i) => {
    parts.push(`<path d="${path(c.online)}" fill="none" stroke="${COLORS[c.policy] ?? '#1f77b4'}" stroke-width="1.5"/>`);
    parts.push(`<rect x="${left + w + 15}" y="${top + i * 18}" width="12" height="3" fill="${COLORS[c.policy] ?? '#1f77b4'}"/>`, text(left + w + 32, top + i * 18 + 5, c.policy, 'font-size="11"'));
  });
  parts.push(`<line x1="${left + w + 15}" y1="${top + cells.length * 18 + 2}" x2="${left + w + 27}" y2="${top + cells.length * 18 + 2}" stroke="#d62728" stroke-dasharray="4 2"/>`, text(left + w + 32, top + cells.length * 18 + 6, 'needed (clairvoyant)', 'font-size="11"'));
  return svg(width, height, `${r.id}, ${billing} billing: workers online (highest of each 5 minutes) from the window's start`, parts);
}

function niceTicks(max: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500].find((s) => max / s <= 8) ?? 1000;
  const out: number[] = [];
  for (let t = 0; t <= max; t += step) out.push(t);
  return out;
}

function svg(width: number, height: number, heading: string, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    text(10, 20, heading, 'font-size="14" font-weight="bold"'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
