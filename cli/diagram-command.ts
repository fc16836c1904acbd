/**
 * `moscaler diagram [worker|autoscale|boot-worker|drain-worker] [--format mermaid|dot|svg]`:
 * the worker lifecycle machine or a workflow as a diagram, generated from the
 * definition this build runs, on stdout.
 */
import { ConfigError } from '../core/errors';
import { DIAGRAM_FORMATS, DIAGRAM_NAMES, diagramFor, renderDiagram, type DiagramFormat, type DiagramName } from '../ui/diagrams';
import type { CliIo } from './io';
import { WORKFLOW_DIR } from '../wiring/local-workflows';

export function runDiagramCommand(io: CliIo, name: string, format: string): void {
  if (!(DIAGRAM_NAMES as readonly string[]).includes(name)) throw new ConfigError('diagram', `must be one of ${DIAGRAM_NAMES.join(', ')} (got "${name}")`);
  if (!(DIAGRAM_FORMATS as readonly string[]).includes(format)) throw new ConfigError('--format', `must be one of ${DIAGRAM_FORMATS.join(', ')} (got "${format}")`);
  io.stdout.write(renderDiagram(diagramFor(name as DiagramName, WORKFLOW_DIR), format as DiagramFormat));
}
