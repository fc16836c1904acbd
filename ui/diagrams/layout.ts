/**
 * A small layered graph layout (the Sugiyama recipe, cut down), so that SVG
 * diagrams need no Graphviz binary: break cycles by reversing the DFS back
 * edges, put each node one layer below its deepest predecessor, route long
 * edges through dummy nodes, order each layer by the barycentre of its
 * neighbours (keeping the ordering with the fewest crossings), then pull
 * nodes towards their neighbours without letting them overlap.
 *
 * Positions are computed with layers running "along" and nodes side by side
 * "across"; `direction` maps those onto y/x (TB) or x/y (LR).
 */

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
}

export interface LayoutOptions {
  direction: 'TB' | 'LR';
  /** Gap between layers. */
  rankSep: number;
  /** Gap between neighbours in a layer. */
  nodeSep: number;
  margin: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Centre and size of a node. */
interface PlacedNode extends LayoutNode, Point {
  layer: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, PlacedNode>;
  /** Same order as the input edges; self-loops get no points. */
  routes: Point[][];
}

interface Slot {
  id: string;
  layer: number;
  along: number;
  across: number;
  dummy: boolean;
}

const DUMMY_SIZE = 8;
const SWEEPS = 8;

export function layered(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions): Layout {
  const tb = options.direction === 'TB';
  const size = new Map(nodes.map((n) => [n.id, n]));
  const alongOf = (n: LayoutNode) => (tb ? n.height : n.width);
  const acrossOf = (n: LayoutNode) => (tb ? n.width : n.height);

  // 1. Cycles: an edge back to a node still on the DFS stack is laid out reversed.
  const outgoing = new Map<string, number[]>(nodes.map((n) => [n.id, []]));
  edges.forEach((e, i) => outgoing.get(e.from)?.push(i));
  const reversed = new Set<number>();
  const mark = new Map<string, 1 | 2>();
  const dfs = (v: string) => {
    mark.set(v, 1);
    for (const i of outgoing.get(v) ?? []) {
      const w = edges[i]!.to;
      if (w === v || !size.has(w)) continue;
      if (mark.get(w) === 1) reversed.add(i);
      else if (!mark.has(w)) dfs(w);
    }
    mark.set(v, 2);
  };
  for (const n of nodes) if (!mark.has(n.id)) dfs(n.id);
  const dag = edges
    .map((e, i) => ({ i, from: reversed.has(i) ? e.to : e.from, to: reversed.has(i) ? e.from : e.to }))
    .filter((e) => e.from !== e.to && size.has(e.from) && size.has(e.to));

  // 2. Layers: longest path from the sources, in topological order.
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of dag) indegree.set(e.to, indegree.get(e.to)! + 1);
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const e of dag.filter((d) => d.from === v)) {
      layer.set(e.to, Math.max(layer.get(e.to)!, layer.get(v)! + 1));
      indegree.set(e.to, indegree.get(e.to)! - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }

  // 3. Long edges pass through one dummy per layer they cross.
  const slots = new Map<string, Slot>(nodes.map((n) => [n.id, { id: n.id, layer: layer.get(n.id)!, along: 0, across: 0, dummy: false }]));
  const chains = new Map<number, string[]>();
  const segments: Array<[string, string]> = [];
  for (const e of dag) {
    const chain = [e.from];
    for (let l = layer.get(e.from)! + 1; l < layer.get(e.to)!; l++) {
      const id = `\u0000${e.i}:${l}`;
      slots.set(id, { id, layer: l, along: 0, across: 0, dummy: true });
      chain.push(id);
    }
    chain.push(e.to);
    for (let k = 1; k < chain.length; k++) segments.push([chain[k - 1]!, chain[k]!]);
    chains.set(e.i, chain);
  }
  const depth = Math.max(0, ...[...slots.values()].map((s) => s.layer)) + 1;
  const layers: string[][] = Array.from({ length: depth }, () => []);
  for (const s of slots.values()) layers[s.layer]!.push(s.id);
  const preds = new Map<string, string[]>([...slots.keys()].map((id) => [id, []]));
  const succs = new Map<string, string[]>([...slots.keys()].map((id) => [id, []]));
  for (const [a, b] of segments) {
    succs.get(a)!.push(b);
    preds.get(b)!.push(a);
  }

  // 4. Order within layers: barycentre sweeps, keeping the best seen.
  const orderIndex = () => new Map(layers.flatMap((ids) => ids.map((id, k) => [id, k] as const)));
  const crossings = () => {
    const at = orderIndex();
    let count = 0;
    for (let i = 0; i < segments.length; i++) {
      for (let j = i + 1; j < segments.length; j++) {
        const [a1, b1] = segments[i]!;
        const [a2, b2] = segments[j]!;
        if (slots.get(a1)!.layer !== slots.get(a2)!.layer) continue;
        if ((at.get(a1)! - at.get(a2)!) * (at.get(b1)! - at.get(b2)!) < 0) count++;
      }
    }
    return count;
  };
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings();
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const range = down ? [...Array(depth).keys()].slice(1) : [...Array(depth).keys()].slice(0, -1).reverse();
    for (const l of range) {
      const at = orderIndex();
      const neighbours = down ? preds : succs;
      const key = (id: string) => {
        const ns = neighbours.get(id)!;
        return ns.length ? ns.reduce((sum, n) => sum + at.get(n)!, 0) / ns.length : at.get(id)!;
      };
      layers[l]!.sort((a, b) => key(a) - key(b));
    }
    const c = crossings();
    if (c < bestCrossings) {
      best = layers.map((l) => [...l]);
      bestCrossings = c;
    }
  }
  best.forEach((ids, l) => (layers[l] = ids));

  // 5. Across: pack each layer, then pull nodes towards their neighbours' mean.
  const acrossSize = (id: string) => (slots.get(id)!.dummy ? DUMMY_SIZE : acrossOf(size.get(id)!));
  const place = (ids: string[], desired: (id: string) => number) => {
    const wanted = ids.map(desired);
    const pos: number[] = [];
    ids.forEach((id, k) => {
      const prev = k === 0 ? -Infinity : pos[k - 1]! + (acrossSize(ids[k - 1]!) + acrossSize(id)) / 2 + options.nodeSep;
      pos.push(Math.max(wanted[k]!, prev));
    });
    // Pushing right drifts the layer; shift it back so its mean is where its nodes wanted to be.
    const shift = (wanted.reduce((a, b) => a + b, 0) - pos.reduce((a, b) => a + b, 0)) / Math.max(1, ids.length);
    ids.forEach((id, k) => (slots.get(id)!.across = pos[k]! + shift));
  };
  for (const ids of layers) place(ids, () => 0);
  for (let round = 0; round < 6; round++) {
    const down = round % 2 === 0;
    const order = down ? layers : [...layers].reverse();
    for (const ids of order) {
      place(ids, (id) => {
        const ns = [...(down ? preds : succs).get(id)!, ...(round > 2 ? (down ? succs : preds).get(id)! : [])];
        return ns.length ? ns.reduce((sum, n) => sum + slots.get(n)!.across, 0) / ns.length : slots.get(id)!.across;
      });
    }
  }
  const minAcross = Math.min(...[...slots.values()].map((s) => s.across - acrossSize(s.id) / 2));
  for (const s of slots.values()) s.across += options.margin - minAcross;

  // 6. Along: each layer as thick as its thickest node.
  const thickness = layers.map((ids) => Math.max(DUMMY_SIZE, ...ids.filter((id) => !slots.get(id)!.dummy).map((id) => alongOf(size.get(id)!))));
  let cursor = options.margin;
  layers.forEach((ids, l) => {
    for (const id of ids) slots.get(id)!.along = cursor + thickness[l]! / 2;
    cursor += thickness[l]! + options.rankSep;
  });
  const alongExtent = cursor - options.rankSep + options.margin;
  const acrossExtent = Math.max(...[...slots.values()].map((s) => s.across + acrossSize(s.id) / 2)) + options.margin;

  const point = (s: Slot): Point => (tb ? { x: s.across, y: s.along } : { x: s.along, y: s.across });
  const placed = new Map<string, PlacedNode>(nodes.map((n) => [n.id, { ...n, ...point(slots.get(n.id)!), layer: slots.get(n.id)!.layer }]));

  // 7. Routes: through the dummies, clipped to the node borders; parallel edges bend apart.
  const pairCount = new Map<string, number>();
  const pairKey = (e: LayoutEdge) => [e.from, e.to].sort().join('\u0000');
  for (const e of edges) pairCount.set(pairKey(e), (pairCount.get(pairKey(e)) ?? 0) + 1);
  const pairSeen = new Map<string, number>();
  const routes = edges.map((e, i) => {
    const chain = chains.get(i);
    if (!chain) return [];
    const ids = reversed.has(i) ? [...chain].reverse() : chain;
    const points = ids.map((id) => point(slots.get(id)!));
    const key = pairKey(e);
    const n = pairCount.get(key)!;
    const k = pairSeen.get(key) ?? 0;
    pairSeen.set(key, k + 1);
    if (n > 1 && points.length === 2) {
      const [a, b] = points as [Point, Point];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const offset = (k - (n - 1) / 2) * 18;
      points.splice(1, 0, { x: (a.x + b.x) / 2 - ((b.y - a.y) / len) * offset, y: (a.y + b.y) / 2 + ((b.x - a.x) / len) * offset });
    }
    points[0] = clip(placed.get(e.from)!, points[1]!);
    points[points.length - 1] = clip(placed.get(e.to)!, points[points.length - 2]!);
    return points;
  });
  return { width: tb ? acrossExtent : alongExtent, height: tb ? alongExtent : acrossExtent, nodes: placed, routes };
}

/** Where the line from the node's centre towards `toward` leaves its box. */
function clip(node: PlacedNode, toward: Point): Point {
  const dx = toward.x - node.x;
  const dy = toward.y - node.y;
  if (dx === 0 && dy === 0) return { x: node.x, y: node.y };
  const scale = Math.min(dx === 0 ? Infinity : node.width / 2 / Math.abs(dx), dy === 0 ? Infinity : node.height / 2 / Math.abs(dy));
  return { x: node.x + dx * Math.min(1, scale), y: node.y + dy * Math.min(1, scale) };
}
