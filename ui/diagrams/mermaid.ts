/**
 * A {@link Diagram} as a Mermaid `stateDiagram-v2`. Transitions that keep the
 * state (observations noted, requests refused) are listed in a note on their
 * state instead of drawn as loops, which would bury the real transitions.
 *
 * Mermaid's state grammar takes an id up to a space, `-` or `:`, and a label
 * up to `:`, `;` or a newline, with `#` and `%%` starting comments
 * (packages/mermaid/src/diagrams/state/parser/stateDiagram.jison), so ids and
 * labels are cleaned accordingly; `<br/>` is the line break Mermaid labels accept.
 */
import { childrenOf, edgeLabel, type Diagram, type DiagramEdge, type DiagramNode } from './graph';

function cleanLabel(text: string): string {
  return text
    .replace(/[:;]/g, ',')
    .replace(/#/g, 'no.')
    .replace(/%/g, ' percent')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function toMermaid(diagram: Diagram): string {
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const labelCounts = new Map<string, number>();
  for (const n of diagram.nodes) labelCounts.set(n.label, (labelCounts.get(n.label) ?? 0) + 1);
  // Mermaid state ids are global, also inside composites: a nested name is used as is unless it repeats.
  const idOf = (node: DiagramNode): string => {
    if (node.kind === 'initial' || node.kind === 'final') return '[*]';
    const base = labelCounts.get(node.label) === 1 ? node.label : node.id;
    return base.replace(/[^A-Za-z0-9_]/g, '_');
  };
  const lines = ['stateDiagram-v2'];
  const emit = (parent: string | undefined, depth: number) => {
    const pad = '  '.repeat(depth);
    for (const node of childrenOf(diagram, parent)) {
      if (node.kind === 'initial' || node.kind === 'final') continue;
      const id = idOf(node);
      const inner = childrenOf(diagram, node.id);
      if (inner.length > 0) {
        lines.push(`${pad}state ${id} {`);
        emit(node.id, depth + 1);
        lines.push(`${pad}}`);
      }
      if (node.detail) lines.push(`${pad}${id} : ${cleanLabel(node.detail)}`);
    }
    // One arrow per pair of states, its transitions one per line: parallel arrows would pile up unreadably.
    const arrows = new Map<string, DiagramEdge[]>();
    for (const edge of diagram.edges) {
      if (edge.kind === 'enter' || edge.kind === 'internal' || byId.get(edge.from)?.parent !== parent) continue;
      const key = `${idOf(byId.get(edge.from)!)} --> ${idOf(byId.get(edge.to)!)}`;
      arrows.set(key, [...(arrows.get(key) ?? []), edge]);
    }
    for (const [arrow, edges] of arrows) {
      const label = edges.map((e) => cleanLabel(edgeLabel(e))).filter(Boolean).join('<br/>');
      lines.push(`${pad}${arrow}${label ? ` : ${label}` : ''}`);
    }
    const notes = new Map<string, DiagramEdge[]>();
    for (const edge of diagram.edges) {
      if (edge.kind !== 'internal' || byId.get(edge.from)?.parent !== parent) continue;
      notes.set(edge.from, [...(notes.get(edge.from) ?? []), edge]);
    }
    for (const [from, edges] of notes) {
      lines.push(`${pad}note right of ${idOf(byId.get(from)!)}`);
      lines.push(`${pad}  stays on`);
      for (const edge of edges) lines.push(`${pad}  ${cleanLabel(edgeLabel(edge))}`);
      lines.push(`${pad}end note`);
    }
  };
  emit(undefined, 1);
  return `${lines.join('\n')}\n`;
}
