/**
 * Diagram layout by ELK's layered algorithm (elkjs, the Eclipse Layout
 * Kernel compiled to JavaScript): layers, crossing minimisation, orthogonal
 * edge routing, and edge labels placed as part of the layout, so a label has
 * its own room and lies on its own edge. https://eclipse.dev/elk/reference/algorithms/org-eclipse-elk-layered.html
 *
 * elkjs's promise API (`new ELK().layout(graph)`) runs the layout in a
 * "worker"; in Node that is a fake one, and both it and the API hand every
 * message on with `setTimeout(…, 0)`. The live view draws its diagrams while
 * the simulator has replaced the global timers with a virtual clock, on which
 * those timeouts never fire. So the layout is asked of the fake worker's own
 * dispatcher, which computes it synchronously: no timer, no promise.
 */
import type { ElkExtendedEdge, ElkLabel, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import elkWorker from 'elkjs/lib/elk-worker.min.js';
import { MoScalerError } from '../../core/errors';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  /** Top-left corner (x, y), width and height. */
  width: number;
  height: number;
}

export interface LayoutInput {
  direction: 'DOWN' | 'RIGHT';
  nodes: Array<{ id: string; width: number; height: number; parent?: string; padding?: { top: number; side: number } }>;
  edges: Array<{ id: string; from: string; to: string; label?: { width: number; height: number } }>;
  /** ELK options over the defaults below. */
  options?: LayoutOptions;
}

export interface LayoutResult {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  /** By edge id: the route from source to target, and where its label goes. */
  edges: Map<string, { points: Point[]; label?: Box }>;
}

/** The layout could not be computed (a bug in the graph we built, or an elkjs that changed inside). */
class DiagramLayoutError extends MoScalerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'internal', options);
    this.name = 'DiagramLayoutError';
  }
}

interface FakeWorker {
  onmessage?: (message: { data: { data?: ElkNode; error?: unknown } }) => void;
  dispatcher?: { saveDispatch(event: { data: unknown }): void };
}

let worker: FakeWorker | undefined;
let answer: { data?: ElkNode; error?: unknown } | undefined;

/** Sends one command to the fake worker and returns its answer, all synchronously. */
function ask(command: Record<string, unknown>): { data?: ElkNode; error?: unknown } {
  if (!worker) {
    const created = new (elkWorker.Worker as new () => FakeWorker)();
    if (typeof created.dispatcher?.saveDispatch !== 'function') throw new DiagramLayoutError('elkjs: its fake worker has no dispatcher any more; check the elkjs version (package.json pins ^0.12)');
    created.onmessage = (message) => {
      answer = message.data;
    };
    worker = created;
    // What `new ELK()` does first: make the layered algorithm known.
    ask({ cmd: 'register', algorithms: ['layered'] });
  }
  answer = undefined;
  worker.dispatcher!.saveDispatch({ data: { id: 0, ...command } });
  const got = answer as { data?: ElkNode; error?: unknown } | undefined;
  if (!got) throw new DiagramLayoutError(`elkjs answered nothing to ${String(command.cmd)}`);
  if (got.error !== undefined) {
    const error = got.error as { message?: string; g?: string };
    throw new DiagramLayoutError(`elkjs could not lay the diagram out: ${error.g ?? error.message ?? String(error)}`, { cause: got.error });
  }
  return got;
}

/** ELK's layered layout of `graph`, computed now. */
function elkLayout(graph: ElkNode): ElkNode {
  const { data } = ask({ cmd: 'layout', graph, layoutOptions: {}, options: {} });
  if (!data) throw new DiagramLayoutError('elkjs returned no graph');
  return data;
}

const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  // Every position in the answer relative to the root, also inside a composite.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  // Definition order first: the diagram reads in the order the machine or the ASL is written.
  'elk.layered.considerModelOrder.strategy': 'NONE',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  // Narrower than NETWORK_SIMPLEX or BRANDES_KOEPF here (the drain workflow 1300 px wide instead of 1700-2200), at no more crossings.
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.layered.thoroughness': '40',
  'elk.spacing.nodeNode': '20',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.edgeNode': '10',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.labelLabel': '6',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

export function layoutGraph(input: LayoutInput): LayoutResult {
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: '__root', layoutOptions: { ...ROOT_OPTIONS, 'elk.direction': input.direction, ...input.options }, children: [], edges: [] };
  for (const n of input.nodes) {
    elkNodes.set(n.id, {
      id: n.id,
      width: n.width,
      height: n.height,
      ...(n.padding ? { layoutOptions: { 'elk.padding': `[top=${n.padding.top},left=${n.padding.side},bottom=${n.padding.side},right=${n.padding.side}]` } } : {}),
    });
  }
  const parentOf = new Map(input.nodes.map((n) => [n.id, n.parent]));
  for (const n of input.nodes) {
    const container = n.parent ? elkNodes.get(n.parent) : root;
    if (!container) throw new TypeError(`diagram node ${n.id} names an unknown parent ${n.parent}`);
    (container.children ??= []).push(elkNodes.get(n.id)!);
  }
  // An edge belongs to the innermost composite holding both its ends.
  const ancestors = (id: string | undefined): Array<string | undefined> => (id === undefined ? [undefined] : [id, ...ancestors(parentOf.get(id))]);
  for (const e of input.edges) {
    const fromChain = ancestors(parentOf.get(e.from));
    const toChain = new Set(ancestors(parentOf.get(e.to)));
    const owner = fromChain.find((a) => toChain.has(a));
    const container = owner ? elkNodes.get(owner)! : root;
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.from], targets: [e.to] };
    if (e.label) edge.labels = [{ id: `${e.id}/label`, width: e.label.width, height: e.label.height, text: e.id }];
    (container.edges ??= []).push(edge);
  }

  const laid = elkLayout(root);

  const nodes = new Map<string, Box>();
  const edges = new Map<string, { points: Point[]; label?: Box }>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      nodes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
    for (const edge of node.edges ?? []) {
      const section = edge.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label: ElkLabel | undefined = edge.labels?.[0];
      edges.set(edge.id, {
        points: points.map((p) => ({ x: p.x, y: p.y })),
        ...(label ? { label: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
      });
    }
  };
  visit(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, edges };
}
