/**
 * A {@link Diagram} as a standalone SVG, laid out by ELK (./elk-layout.ts).
 * Edges between the same two states are drawn once, their triggers listed one
 * per line in a label that the layout gave its own room; transitions that keep
 * the state are counted on the state (`↻ n`, explained in a legend) and listed
 * in its tooltip. Every node, edge and label carries `data-*` attributes, so
 * the web page can highlight states and tests can find each transition.
 *
 * Sizes are in CSS pixels and meant to be drawn at 1:1 (the page scrolls a
 * diagram wider than its column rather than shrinking its text).
 */
import { escapeXml } from '../html';
import type { LayoutOptions } from 'elkjs/lib/elk-api.js';
import { layoutGraph, type Box, type LayoutResult, type Point } from './elk-layout';
import { edgeLabel, type Diagram, type DiagramEdge, type DiagramNode } from './graph';
import { textWidth } from './text-width';

export interface SvgOptions {
  direction?: 'TB' | 'LR';
  /** ELK layout options over the defaults (elk-layout.ts). */
  elk?: LayoutOptions;
}

/** Font sizes (px): nothing under 12, so the diagrams read at 1:1 on a 1280-px screen. */
const FONT = { label: 14, detail: 12, edge: 12, legend: 12 };
const EDGE_LINE = 15;
/** Edge label lines longer than this wrap at a space. */
const WRAP = 30;
const LEGEND_HEIGHT = 26;

/** Scoped to `svg.mo-diagram`: the same rules work in a standalone file and inside the page. */
const DIAGRAM_STYLE = `
svg.mo-diagram { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
svg.mo-diagram .node rect { fill: #fff; stroke: #4a5568; stroke-width: 1.4; }
svg.mo-diagram .node .label { font-size: ${FONT.label}px; font-weight: 600; fill: #1a202c; }
svg.mo-diagram .node .detail { font-size: ${FONT.detail}px; fill: #4a5568; }
svg.mo-diagram .node .loops { font-size: ${FONT.detail}px; fill: #4a5568; }
svg.mo-diagram .kind-initial circle, svg.mo-diagram .kind-final .dot { fill: #1a202c; }
svg.mo-diagram .kind-final .ring { fill: #fff; stroke: #1a202c; stroke-width: 1.4; }
svg.mo-diagram .kind-choice rect { fill: #fefcbf; }
svg.mo-diagram .kind-wait rect { stroke-dasharray: 4 3; }
svg.mo-diagram .kind-succeed rect { stroke: #2f855a; stroke-width: 2; }
svg.mo-diagram .kind-fail rect { stroke: #c53030; stroke-width: 2; }
svg.mo-diagram .shared-box rect { fill: #f7fafc; stroke: #a0aec0; stroke-dasharray: 6 4; }
svg.mo-diagram .composite > rect { fill: #f0f7ff; stroke: #90cdf4; stroke-dasharray: 6 3; }
svg.mo-diagram .edge path { fill: none; stroke: #718096; stroke-width: 1.3; }
svg.mo-diagram .edge.kind-catch path { stroke: #c53030; stroke-dasharray: 5 3; }
svg.mo-diagram .edge-label rect { fill: #fff; opacity: 0.92; }
svg.mo-diagram .edge-label text { font-size: ${FONT.edge}px; fill: #2d3748; }
svg.mo-diagram .edge-label.kind-catch text { fill: #9b2c2c; }
svg.mo-diagram .legend text { font-size: ${FONT.legend}px; fill: #4a5568; }
svg.mo-diagram .arrow { fill: #718096; }
`;

interface EdgeGroup {
  id: string;
  from: string;
  to: string;
  edges: DiagramEdge[];
  lines: string[];
  /** For the edge out of {@link SHARED_BOX}: the states it leaves from. */
  members?: string[];
}

/** A long condition wrapped at spaces, so a label stays narrow. */
function wrap(text: string): string[] {
  if (text.length <= WRAP) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > WRAP) {
      out.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...out, line];
}

/** What takes an edge, in words: the event, the condition, or the errors a Catch matches. */
function triggerText(edge: DiagramEdge): string {
  if (edge.kind === 'catch') return edge.outcome && edge.outcome !== 'States.ALL' ? `on error ${edge.outcome}` : 'on any error';
  return edge.trigger;
}

function linesOf(edges: DiagramEdge[]): string[] {
  return [...new Set(edges.map(triggerText).filter(Boolean))].flatMap(wrap);
}

const TERMINAL = new Set<DiagramNode['kind']>(['succeed', 'fail']);
const isPseudo = (node: DiagramNode) => node.kind === 'initial' || node.kind === 'final';

/** Room for the `↻n` mark on each side of a centred label. */
const LOOP_MARK = 30;

function nodeSize(node: DiagramNode, loops: number): { width: number; height: number } {
  if (isPseudo(node)) return { width: 20, height: 20 };
  const width = Math.max(textWidth(node.label, FONT.label, true), node.detail ? textWidth(node.detail, FONT.detail) : 0);
  return { width: Math.max(90, Math.ceil(width + 24 + (loops ? 2 * LOOP_MARK : 0))), height: node.detail ? 48 : 34 };
}

function compositeHeader(node: DiagramNode): string[] {
  return [node.label, `${node.detail ?? 'Map'}: each item runs`];
}

/** Through the points, corners rounded. */
function pathData(points: Point[]): string {
  const f = (p: Point) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (points.length < 3) return `M${points.map(f).join(' L')}`;
  let d = `M${f(points[0]!)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, p, next] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(6, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const towards = (q: Point) => {
      const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) / len) * r, y: p.y + ((q.y - p.y) / len) * r };
    };
    d += ` L${f(towards(prev))} Q${f(p)} ${f(towards(next))}`;
  }
  return `${d} L${f(points[points.length - 1]!)}`;
}

export interface DiagramLayout {
  /** The nodes drawn: an end mark that only terminal states lead to is left out. */
  nodes: DiagramNode[];
  groups: EdgeGroup[];
  composites: Set<string>;
  layout: LayoutResult;
}

/** The box drawn around the states that share one transition, which leaves the box as one arrow. */
export const SHARED_BOX = '__shared';
/** A transition shared by fewer states is drawn from each of them. */
const SHARED_MIN = 4;

/**
 * The machine transition taken the same way (event, guard, target) from the
 * most states, when that is at least {@link SHARED_MIN}: a statechart draws it
 * once, from a box around those states. Only for a flat diagram (a workflow's
 * Map already has its own box).
 */
function sharedTransition(nodes: DiagramNode[], edges: DiagramEdge[]): DiagramEdge[] {
  if (nodes.some((n) => n.parent !== undefined)) return [];
  const byKey = new Map<string, DiagramEdge[]>();
  for (const e of edges) {
    if (e.kind !== 'event') continue;
    const key = [e.trigger, e.to, e.guard ?? '', e.outcome ?? ''].join('|');
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const candidates = [...byKey.values()].filter((list) => new Set(list.map((e) => e.from)).size >= SHARED_MIN && !list.some((e) => e.from === e.to || e.from === list[0]!.to));
  return candidates.sort((a, b) => b.length - a.length)[0] ?? [];
}

/** Where every state, edge and edge label of a diagram goes (what {@link toSvg} draws; tests measure it). */
export function layoutDiagram(diagram: Diagram, options: SvgOptions = {}): DiagramLayout {
  const kindOf = new Map(diagram.nodes.map((n) => [n.id, n.kind]));
  // A Succeed or Fail state is an end by itself (drawn green or red): an arrow on to the end mark adds only lines.
  const drawn = diagram.edges.filter((e) => !(e.kind === 'next' && kindOf.get(e.to) === 'final' && TERMINAL.has(kindOf.get(e.from)!)));
  const nodes = diagram.nodes.filter((n) => n.kind !== 'final' || drawn.some((e) => e.to === n.id));
  const shared = sharedTransition(nodes, drawn);
  const members = new Set(shared.map((e) => e.from));
  const groups: EdgeGroup[] = [];
  if (shared.length) {
    groups.push({ id: 'e-shared', from: SHARED_BOX, to: shared[0]!.to, edges: shared, lines: [shared[0]!.trigger, 'from any state in the box'], members: [...members] });
  }
  for (const edge of drawn) {
    // Transitions that keep the state are counted on it; a Map's entry into its own items is its header.
    if (edge.kind === 'internal' || edge.kind === 'enter' || shared.includes(edge)) continue;
    const group = groups.find((g) => g.from === edge.from && g.to === edge.to);
    if (group) group.edges.push(edge);
    else groups.push({ id: `e${groups.length}`, from: edge.from, to: edge.to, edges: [edge], lines: linesOf([edge]) });
  }
  for (const g of groups) if (!g.members) g.lines = linesOf(g.edges);
  const composites = new Set(diagram.nodes.map((n) => n.parent).filter((p): p is string => p !== undefined));

  const layout = layoutGraph({
    direction: options.direction === 'LR' ? 'RIGHT' : 'DOWN',
    ...(options.elk ? { options: options.elk } : {}),
    // The box goes where its first state is, so the layout keeps the definition's order.
    nodes: nodes.flatMap((n) => [
      ...(n.id === shared[0]?.from ? [{ id: SHARED_BOX, width: 0, height: 0, padding: { top: 16, side: 16 } }] : []),
      {
        id: n.id,
        ...nodeSize(n, drawn.filter((e) => e.kind === 'internal' && e.from === n.id).length),
        ...(n.parent ? { parent: n.parent } : members.has(n.id) ? { parent: SHARED_BOX } : {}),
        ...(composites.has(n.id) ? { padding: { top: 2 * 20 + 14, side: 14 } } : {}),
      },
    ]),
    edges: groups.map((g) => ({
      id: g.id,
      from: g.from,
      to: g.to,
      ...(g.lines.length ? { label: { width: Math.ceil(Math.max(...g.lines.map((l) => textWidth(l, FONT.edge))) + 8), height: g.lines.length * EDGE_LINE + 4 } } : {}),
    })),
  });
  return { nodes, groups, composites, layout };
}

export function toSvg(diagram: Diagram, options: SvgOptions = {}): string {
  const { nodes, groups, composites, layout } = layoutDiagram(diagram, options);
  const loopsOf = (node: DiagramNode) => diagram.edges.filter((e) => e.kind === 'internal' && e.from === node.id);
  const hasLoops = nodes.some((n) => loopsOf(n).length > 0);
  const legend = '↻n: the state handles n more events without leaving it (noted, or a request refused); hover a state to list them.';
  const width = Math.ceil(Math.max(layout.width, hasLoops ? textWidth(legend, FONT.legend) + 24 : 0));
  const height = Math.ceil(layout.height + (hasLoops ? LEGEND_HEIGHT : 0));
  const arrow = `${diagram.name.replace(/[^A-Za-z0-9_-]/g, '_')}-arrow`;
  const f = (n: number) => n.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="mo-diagram" data-diagram="${escapeXml(diagram.name)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(diagram.title)}">`,
    `<title>${escapeXml(diagram.title)}</title>`,
    `<style>${DIAGRAM_STYLE}</style>`,
    `<defs><marker id="${arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  ];

  // Boxes first (under their states), then edges, then states, then labels on top.
  const box = layout.nodes.get(SHARED_BOX);
  if (box) {
    out.push(
      `<g class="shared-box" data-node="${SHARED_BOX}"><title>${escapeXml(`${groups[0]!.edges[0]!.trigger} leaves every state in this box`)}</title>`,
      `<rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.width)}" height="${f(box.height)}" rx="12"/></g>`,
    );
  }
  for (const node of nodes.filter((n) => composites.has(n.id))) {
    const box = layout.nodes.get(node.id)!;
    const [title, sub] = compositeHeader(node);
    out.push(
      `<g class="node composite kind-${node.kind}" data-node="${escapeXml(node.id)}"><title>${escapeXml(`${node.label} (${node.detail ?? 'Map'})`)}</title>`,
      `<rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.width)}" height="${f(box.height)}" rx="10"/>`,
      `<text class="label" x="${f(box.x + 14)}" y="${f(box.y + 20)}">${escapeXml(title!)}</text>`,
      `<text class="detail" x="${f(box.x + 14)}" y="${f(box.y + 38)}">${escapeXml(sub!)}</text>`,
      '</g>',
    );
  }
  const labels: string[] = [];
  for (const group of groups) {
    const route = layout.edges.get(group.id);
    if (!route || route.points.length < 2) continue;
    const kind = group.edges[0]!.kind;
    const attrs = `data-from="${escapeXml(group.from)}" data-to="${escapeXml(group.to)}"${group.members ? ` data-members="${escapeXml(group.members.join(' '))}"` : ''}`;
    out.push(
      `<g class="edge kind-${kind}" ${attrs} data-triggers="${escapeXml(group.edges.map((e) => e.trigger).join(' | '))}">`,
      `<title>${escapeXml(group.edges.map(edgeLabel).filter(Boolean).join('\n') || `${group.from} → ${group.to}`)}</title>`,
      `<path d="${pathData(route.points)}" marker-end="url(#${arrow})"/>`,
      '</g>',
    );
    if (route.label && group.lines.length) labels.push(labelSvg(route.label, group.lines, kind, attrs));
  }
  for (const node of nodes.filter((n) => !composites.has(n.id))) {
    const box = layout.nodes.get(node.id)!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const loops = loopsOf(node);
    const tooltip = [node.detail ? `${node.label} (${node.detail})` : node.label, ...(loops.length ? ['handled here without leaving the state:', ...loops.map(edgeLabel)] : [])].join('\n');
    out.push(`<g class="node kind-${node.kind}" data-node="${escapeXml(node.id)}"><title>${escapeXml(tooltip)}</title>`);
    if (node.kind === 'initial') out.push(`<circle cx="${f(cx)}" cy="${f(cy)}" r="7"/>`);
    else if (node.kind === 'final') out.push(`<circle class="ring" cx="${f(cx)}" cy="${f(cy)}" r="8"/><circle class="dot" cx="${f(cx)}" cy="${f(cy)}" r="5"/>`);
    else {
      out.push(`<rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.width)}" height="${f(box.height)}" rx="${node.kind === 'choice' ? 17 : 7}"/>`);
      out.push(`<text class="label" x="${f(cx)}" y="${f(node.detail ? cy - 4 : cy + 5)}" text-anchor="middle">${escapeXml(node.label)}</text>`);
      if (node.detail) out.push(`<text class="detail" x="${f(cx)}" y="${f(cy + 14)}" text-anchor="middle">${escapeXml(node.detail)}</text>`);
      if (loops.length) out.push(`<text class="loops" x="${f(box.x + box.width - 6)}" y="${f(cy + 4)}" text-anchor="end">↻${loops.length}</text>`);
    }
    out.push('</g>');
  }
  out.push(...labels);
  if (hasLoops) {
    out.push(
      `<g class="legend"><text x="12" y="${f(layout.height + 16)}">${escapeXml(legend)}</text></g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function labelSvg(box: Box, lines: string[], kind: string, attrs: string): string {
  const f = (n: number) => n.toFixed(1);
  const tspans = lines.map((line, i) => `<tspan x="${f(box.x + 4)}" y="${f(box.y + 2 + EDGE_LINE * (i + 1) - 3.5)}">${escapeXml(line)}</tspan>`).join('');
  return `<g class="edge-label kind-${kind}" ${attrs}><rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.width)}" height="${f(box.height)}" rx="3"/><text xml:space="preserve">${tspans}</text></g>`;
}
