/**
 * The one graph every diagram format is rendered from. Generators turn a
 * definition (the XState machine, an ASL workflow) into it; renderers
 * (Mermaid, DOT, SVG) only draw it, so no format can know more or less than
 * the definitions say.
 */

export type NodeKind =
  /** Pseudo-state where the diagram (or a composite) starts. */
  | 'initial'
  /** Pseudo-state where the workflow (or one Map item) ends. */
  | 'final'
  | 'state'
  | 'task'
  | 'choice'
  | 'wait'
  | 'pass'
  | 'map'
  | 'succeed'
  | 'fail';

export interface DiagramNode {
  /** Unique in the diagram; nested states are `<parent>/<name>`. */
  id: string;
  label: string;
  kind: NodeKind;
  /** A short second line: what the state does (`Task plan-cycle`, `Wait 60 s`). */
  detail?: string;
  /** The composite (Map) this node belongs to. */
  parent?: string;
}

type EdgeKind =
  /** A machine transition that changes state. */
  | 'event'
  /** A machine transition without a target: the event is handled (noted, or refused) and the state stays. */
  | 'internal'
  | 'next'
  | 'choice'
  | 'default'
  | 'catch'
  /** From a composite to its own initial pseudo-state: each Map item starts here. */
  | 'enter';

export interface DiagramEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The event, condition or error that takes this edge. */
  trigger: string;
  /** Guard of a machine transition, in words (`not isForced and isBusy`). */
  guard?: string;
  /** The reason code the machine records for it, or the errors a Catch matches. */
  outcome?: string;
}

export interface Diagram {
  /** `worker`, `autoscale`, `boot-worker`, `drain-worker`. */
  name: string;
  title: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/** `event [guard] / outcome`: the same words in every format. */
export function edgeLabel(edge: DiagramEdge): string {
  const guard = edge.guard ? ` [${edge.guard}]` : '';
  const outcome = edge.outcome ? ` / ${edge.outcome}` : '';
  return `${edge.trigger}${guard}${outcome}`;
}

export function childrenOf(diagram: Diagram, parent: string | undefined): DiagramNode[] {
  return diagram.nodes.filter((n) => n.parent === parent);
}
