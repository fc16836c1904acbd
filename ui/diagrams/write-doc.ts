/**
 * Regenerates the Mermaid blocks of docs/diagrams.md from the definitions, in
 * the order of DIAGRAM_NAMES: `npm run docs:diagrams`. test/ui/diagrams.test.ts
 * fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../core/errors';
import { WORKFLOW_DIR } from '../../wiring/local-workflows';
import { DIAGRAM_NAMES, diagramFor, renderDiagram } from './index';

const target = fileURLToPath(new URL('../../docs/diagrams.md', import.meta.url));
const blocks = [...DIAGRAM_NAMES];
const text = readFileSync(target, 'utf8').replace(/```mermaid\n[\s\S]*?```/g, () => {
  const name = blocks.shift();
  if (!name) throw new InternalError('docs/diagrams.md has more Mermaid blocks than there are diagrams');
  return `\`\`\`mermaid\n${renderDiagram(diagramFor(name, WORKFLOW_DIR), 'mermaid')}\`\`\``;
});
if (blocks.length > 0) throw new InternalError(`docs/diagrams.md lacks a Mermaid block for ${blocks.join(', ')}`);
writeFileSync(target, text);
process.stdout.write(`wrote ${target}\n`);
