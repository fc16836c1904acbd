/**
 * A {@link Diagram} as a standalone SVG, laid out by ./layout.ts. Edges between
 * the same two states are drawn once with their triggers listed; transitions
 * that keep the state are counted on the state (`↻ n`) and listed in its
 * tooltip. Every node and edge carries `data-*` attributes, so the web page
 * can highlight states and tests can find each transition.
 */
import { escapeXml } from '../html';
import { edgeLabel, type Diagram, type DiagramEdge, type DiagramNode } from './graph';
import { layered, type Point } from './layout';

export interface SvgOptions {
  direction?: 'TB' | 'LR';
}

const FONT = 13;
const CHAR = 7.4;
const LABEL_MAX = 34;

/** Scoped to `svg.mo-diagram`: the same rules work in a standalone file and inside the page. */
const DIAGRAM_STYLE = `
svg.mo-diagram { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
svg.mo-diagram .node rect { fill: #fff; stroke: #4a5568; stroke-width: 1.4; }
svg.mo-diagram .node .label { font-size: ${FONT}px; fill: #1a202c; }
svg.mo-diagram .node .detail { font-size: 11px; fill: #4a5568; }
svg.mo-diagram .node .loops { font-size: 10px; fill: #718096; }
svg.mo-diagram .kind-initial circle, svg.mo-diagram .kind-final .dot { fill: #1a202c; }
svg.mo-diagram .kind-final .ring { fill: #fff; stroke: #1a202c; stroke-width: 1.4; }
svg.mo-diagram .kind-choice rect { fill: #fefcbf; }
svg.mo-diagram .kind-wait rect { stroke-dasharray: 4 3; }
svg.mo-diagram .kind-succeed rect { stroke: #2f855a; stroke-width: 2; }
svg.mo-diagram .kind-fail rect { stroke: #c53030; stroke-width: 2; }
svg.mo-diagram .kind-map rect { fill: #ebf8ff; }
svg.mo-diagram .edge path { fill: none; stroke: #718096; stroke-width: 1.2; }
svg.mo-diagram .edge.kind-catch path { stroke: #c53030; stroke-dasharray: 5 3; }
svg.mo-diagram .edge.kind-enter path { stroke-dasharray: 2 3; }
svg.mo-diagram .edge text { font-size: 10px; fill: #2d3748; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.mo-diagram .arrow { fill: #718096; }
`;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

/** Where along its edge a label collides with no node and no label placed before it (or the least bad spot). */
function placeLabel(points: Point[], text: string, taken: Box[]): Point {
  const candidates = [0.5, 0.38, 0.62, 0.26, 0.74, 0.15, 0.85].map((t) => pointAlong(points, t));
  const box = (p: Point): Box => ({ x: p.x, y: p.y - 6, w: text.length * 5.6 + 4, h: 13 });
  const score = (p: Point) => taken.filter((b) => overlaps(b, box(p))).length;
  const best = candidates.reduce((a, b) => (score(b) < score(a) ? b : a));
  taken.push(box(best));
  return best;
}

interface EdgeGroup {
  from: string;
  to: string;
  edges: DiagramEdge[];
}

function boxOf(node: DiagramNode): { width: number; height: number } {
  if (node.kind === 'initial' || node.kind === 'final') return { width: 18, height: 18 };
  const chars = Math.max(node.label.length, (node.detail?.length ?? 0) * 0.85);
  return { width: Math.max(84, Math.round(chars * CHAR + 28)), height: node.detail ? 44 : 32 };
}

/** Triggers of a group of edges, shortened to fit beside the line; the tooltip has them all. */
function groupLabel(group: EdgeGroup): string {
  const triggers = [...new Set(group.edges.map((e) => e.trigger).filter(Boolean))];
  const text = triggers.join(', ');
  return text.length <= LABEL_MAX ? text : `${text.slice(0, LABEL_MAX - 1)}…`;
}

/** Through the points, with the corners at bends and dummies rounded off. */
function pathData(points: Point[]): string {
  const f = (p: Point) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (points.length < 3) return `M${points.map(f).join(' L')}`;
  let d = `M${f(points[0]!)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const next = points[i + 1]!;
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += ` Q${f(p)} ${f(mid)}`;
  }
  return d;
}

/** The point a fraction `t` of the way along a polyline. */
function pointAlong(points: Point[], t: number): Point {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i]!.x, p.y - points[i]!.y));
  let left = lengths.reduce((a, b) => a + b, 0) * t;
  for (let i = 0; i < lengths.length; i++) {
    if (left <= lengths[i]! && lengths[i]! > 0) {
      const t = left / lengths[i]!;
      return { x: points[i]!.x + (points[i + 1]!.x - points[i]!.x) * t, y: points[i]!.y + (points[i + 1]!.y - points[i]!.y) * t };
    }
    left -= lengths[i]!;
  }
  return points[0] ?? { x: 0, y: 0 };
}

export function toSvg(diagram: Diagram, options: SvgOptions = {}): string {
  const groups: EdgeGroup[] = [];
  for (const edge of diagram.edges) {
    if (edge.kind === 'internal') continue;
    const group = groups.find((g) => g.from === edge.from && g.to === edge.to);
    if (group) group.edges.push(edge);
    else groups.push({ from: edge.from, to: edge.to, edges: [edge] });
  }
  const layout = layered(
    diagram.nodes.map((n) => ({ id: n.id, ...boxOf(n) })),
    groups.map((g) => ({ from: g.from, to: g.to })),
    options.direction === 'LR' ? { direction: 'LR', rankSep: 64, nodeSep: 44, margin: 16 } : { direction: 'TB', rankSep: 50, nodeSep: 36, margin: 16 },
  );
  // Labels keep clear of the states and of each other where the edge leaves room.
  const taken: Box[] = [...layout.nodes.values()].map((n) => ({ x: n.x, y: n.y, w: n.width, h: n.height }));
  const arrow = `${diagram.name.replace(/[^A-Za-z0-9_-]/g, '_')}-arrow`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="mo-diagram" data-diagram="${escapeXml(diagram.name)}" viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}" role="img" aria-label="${escapeXml(diagram.title)}">`,
    `<title>${escapeXml(diagram.title)}</title>`,
    `<style>${DIAGRAM_STYLE}</style>`,
    `<defs><marker id="${arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  ];
  groups.forEach((group, i) => {
    const points = layout.routes[i]!;
    if (points.length < 2) return;
    const kind = group.edges[0]!.kind;
    const label = groupLabel(group);
    const at = label ? placeLabel(points, label, taken) : points[0]!;
    out.push(
      `<g class="edge kind-${kind}" data-from="${escapeXml(group.from)}" data-to="${escapeXml(group.to)}" data-triggers="${escapeXml(group.edges.map((e) => e.trigger).join(' | '))}">`,
      `<title>${escapeXml(group.edges.map(edgeLabel).filter(Boolean).join('\n') || `${group.from} → ${group.to}`)}</title>`,
      `<path d="${pathData(points)}" marker-end="url(#${arrow})"/>`,
      label ? `<text x="${at.x.toFixed(1)}" y="${(at.y - 3).toFixed(1)}" text-anchor="middle">${escapeXml(label)}</text>` : '',
      '</g>',
    );
  });
  for (const node of diagram.nodes) {
    const p = layout.nodes.get(node.id)!;
    const loops = diagram.edges.filter((e) => e.kind === 'internal' && e.from === node.id);
    const tooltip = [node.detail ? `${node.label} (${node.detail})` : node.label, ...(loops.length ? ['stays on:', ...loops.map(edgeLabel)] : [])].join('\n');
    out.push(`<g class="node kind-${node.kind}" data-node="${escapeXml(node.id)}"><title>${escapeXml(tooltip)}</title>`);
    if (node.kind === 'initial') out.push(`<circle cx="${p.x}" cy="${p.y}" r="7"/>`);
    else if (node.kind === 'final') out.push(`<circle class="ring" cx="${p.x}" cy="${p.y}" r="8"/><circle class="dot" cx="${p.x}" cy="${p.y}" r="5"/>`);
    else {
      const left = p.x - p.width / 2;
      const top = p.y - p.height / 2;
      out.push(`<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${p.width}" height="${p.height}" rx="${node.kind === 'choice' ? 16 : 7}"/>`);
      const labelY = node.detail ? p.y - 4 : p.y + 4.5;
      out.push(`<text class="label" x="${p.x.toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="middle">${escapeXml(node.label)}</text>`);
      if (node.detail) out.push(`<text class="detail" x="${p.x.toFixed(1)}" y="${(p.y + 12).toFixed(1)}" text-anchor="middle">${escapeXml(node.detail)}</text>`);
      if (loops.length) out.push(`<text class="loops" x="${(left + p.width - 4).toFixed(1)}" y="${(top + 10).toFixed(1)}" text-anchor="end">↻${loops.length}</text>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
