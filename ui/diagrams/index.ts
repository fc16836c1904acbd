/**
 * The diagrams `moscaler diagram` exports and the visualizer draws: the worker
 * lifecycle from the XState machine, and each workflow from its ASL file.
 * Generated from the definitions on every call, so they cannot drift.
 */
import { readDefinitionFile, workflowFiles } from '../../engine/definition';
import { workerLifecycleMachine } from '../../machines/worker-lifecycle';
import { aslDiagram } from './asl';
import { toDot } from './dot';
import type { Diagram } from './graph';
import { machineDiagram } from './machine';
import { toMermaid } from './mermaid';
import { toSvg } from './svg';
import { WorkflowDefinitionError } from '../../engine/errors';

export const DIAGRAM_NAMES = ['worker', 'autoscale', 'boot-worker', 'drain-worker'] as const;
export type DiagramName = (typeof DIAGRAM_NAMES)[number];
export const DIAGRAM_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

const TITLES: Record<DiagramName, string> = {
  worker: 'Worker lifecycle (machines/worker-lifecycle.ts)',
  autoscale: 'autoscale workflow (infra/workflows/autoscale.asl.json)',
  'boot-worker': 'boot-worker workflow (infra/workflows/boot-worker.asl.json)',
  'drain-worker': 'drain-worker workflow (infra/workflows/drain-worker.asl.json)',
};

/** `workflowDir` holds the `*.asl.json` files (wiring/local-workflows.ts WORKFLOW_DIR). */
export function diagramFor(name: DiagramName, workflowDir: string): Diagram {
  if (name === 'worker') return machineDiagram(workerLifecycleMachine, name, TITLES.worker);
  const file = workflowFiles(workflowDir)[name];
  if (!file) throw new WorkflowDefinitionError(name, `no ${name}.asl.json in ${workflowDir}`);
  return aslDiagram(name, readDefinitionFile(file), TITLES[name]);
}

export function renderDiagram(diagram: Diagram, format: DiagramFormat): string {
  if (format === 'mermaid') return toMermaid(diagram);
  if (format === 'dot') return toDot(diagram);
  // Top to bottom: each diagram then fits a 1280-px screen at full text size (left to right, the lifecycle is 2500 px wide).
  return toSvg(diagram, { direction: 'TB' });
}
