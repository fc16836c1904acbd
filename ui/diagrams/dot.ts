/**
 * A {@link Diagram} as Graphviz DOT: composites as clusters, transitions that
 * keep the state as dashed loops, every label quoted.
 */
import { childrenOf, edgeLabel, type Diagram, type DiagramNode } from './graph';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const SHAPES: Partial<Record<DiagramNode['kind'], string>> = {
  initial: 'shape=circle, style=filled, fillcolor=black, width=0.2',
  final: 'shape=doublecircle, style=filled, fillcolor=black, width=0.15',
  choice: 'shape=diamond',
  succeed: 'shape=box, style="rounded,bold"',
  fail: 'shape=box, style="rounded,bold", color=firebrick',
  wait: 'shape=box, style="rounded,dashed"',
};

export function toDot(diagram: Diagram): string {
  const lines = [`digraph ${quote(diagram.name)} {`, `  label=${quote(diagram.title)};`, '  labelloc=t;', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const emit = (parent: string | undefined, depth: number) => {
    const pad = '  '.repeat(depth);
    for (const node of childrenOf(diagram, parent)) {
      const inner = childrenOf(diagram, node.id);
      const label = node.detail ? `${node.label}\n${node.detail}` : node.label;
      const pseudo = node.kind === 'initial' || node.kind === 'final';
      const attrs = [pseudo ? 'label=""' : `label=${quote(label)}`, SHAPES[node.kind]].filter(Boolean);
      lines.push(`${pad}${quote(node.id)} [${attrs.join(', ')}];`);
      if (inner.length > 0) {
        lines.push(`${pad}subgraph ${quote(`cluster_${node.id}`)} {`, `${pad}  label=${quote(`${node.label}: each item`)};`, `${pad}  style=dashed;`);
        emit(node.id, depth + 1);
        lines.push(`${pad}}`);
      }
    }
  };
  emit(undefined, 1);
  for (const edge of diagram.edges) {
    const attrs = [`label=${quote(edgeLabel(edge))}`];
    if (edge.kind === 'internal') attrs.push('style=dashed', 'color=gray40');
    if (edge.kind === 'catch') attrs.push('color=firebrick');
    if (edge.kind === 'enter') attrs.push('style=dotted');
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
