/**
 * The diagrams are complete: every state and every transition of the worker
 * machine and of each workflow appears in each format. The expected sets are
 * read here from the raw definitions (the machine's config object, the ASL
 * JSON), independently of the generators' own walk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, not } from 'xstate';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_DIR } from '../../wiring/local-workflows';
import { WORKER_STATES, workerLifecycleMachine } from '../../machines/worker-lifecycle';
import { DIAGRAM_NAMES, diagramFor, renderDiagram } from '../../ui/diagrams';
import { guardText } from '../../ui/diagrams/machine';
import { runCli } from '../helpers/cli';

interface Expected {
  from: string;
  to?: string;
  event: string;
  code: string;
}

/** Every transition in the machine's config, root-level ones applied to each state that does not handle the event itself. */
function machineTransitions(): Expected[] {
  type Spec = { target?: string; actions?: { params?: { code?: string } } };
  const config = workerLifecycleMachine.config as unknown as { on?: Record<string, Spec | Spec[]>; states: Record<string, { on?: Record<string, Spec | Spec[]> }> };
  const out: Expected[] = [];
  for (const [state, node] of Object.entries(config.states)) {
    const own = node.on ?? {};
    const inherited = Object.entries(config.on ?? {}).filter(([event]) => !(event in own));
    for (const [event, spec] of [...Object.entries(own), ...inherited]) {
      for (const t of Array.isArray(spec) ? spec : [spec]) {
        out.push({ from: state, ...(t.target ? { to: t.target } : {}), event, code: t.actions?.params?.code ?? '' });
      }
    }
  }
  return out;
}

interface AslEdge {
  from: string;
  to: string;
  scope: string;
}

/** States (with their scope) and every Next, Choice, Default and Catch of an ASL file. */
function aslEdges(name: string): { states: Array<{ name: string; scope: string }>; edges: AslEdge[] } {
  const definition = JSON.parse(readFileSync(`${WORKFLOW_DIR}/${name}.asl.json`, 'utf8'));
  const states: Array<{ name: string; scope: string }> = [];
  const edges: AslEdge[] = [];
  const walk = (machine: { States: Record<string, Record<string, unknown>> }, scope: string) => {
    for (const [state, body] of Object.entries(machine.States)) {
      states.push({ name: state, scope });
      const targets = [
        body.Next,
        body.Default,
        ...((body.Choices as Array<{ Next: string }> | undefined) ?? []).map((c) => c.Next),
        ...((body.Catch as Array<{ Next: string }> | undefined) ?? []).map((c) => c.Next),
      ].filter((t): t is string => typeof t === 'string');
      for (const to of targets) edges.push({ from: state, to, scope });
      const inner = (body.ItemProcessor ?? body.Iterator) as { States: Record<string, Record<string, unknown>> } | undefined;
      if (inner) walk(inner, state);
    }
  };
  walk(definition, '');
  return { states, edges };
}

const dotId = (scope: string, state: string) => `"${scope ? `${scope}/` : ''}${state}"`;

describe('worker lifecycle diagram', () => {
  const diagram = diagramFor('worker', WORKFLOW_DIR);
  const mermaid = renderDiagram(diagram, 'mermaid');
  const dot = renderDiagram(diagram, 'dot');
  const svg = renderDiagram(diagram, 'svg');
  const expected = machineTransitions();

  it('has every state of the machine in every format', () => {
    for (const state of WORKER_STATES) {
      expect(mermaid).toMatch(new RegExp(`^  (${state} -->|.* --> ${state}( |$)|note right of ${state}$)`, 'm'));
      expect(dot).toContain(`"${state}" [label="${state}"]`);
      expect(svg).toContain(`data-node="${state}"`);
    }
    expect(mermaid).toContain('[*] --> offline');
  });

  it('has every transition that changes state in every format', () => {
    const changes = expected.filter((t) => t.to);
    expect(changes.length).toBeGreaterThan(40);
    for (const t of changes) {
      const arrow = mermaid.split('\n').find((line) => line.startsWith(`  ${t.from} --> ${t.to} : `));
      expect(arrow, `${t.from} --> ${t.to}`).toBeDefined();
      const labels = arrow!.split(' : ')[1]!.split('<br/>');
      expect(labels.some((l) => l.startsWith(t.event) && l.endsWith(`/ ${t.code}`)), `${t.from} --> ${t.to} on ${t.event} / ${t.code}`).toBe(true);
      expect(dot).toMatch(new RegExp(`"${t.from}" -> "${t.to}" \\[label="${t.event.replace('.', '\\.')}[^"]*/ ${t.code}"`));
      expect(svg).toMatch(new RegExp(`data-from="${t.from}" data-to="${t.to}" data-triggers="[^"]*${t.event.replace('.', '\\.')}`));
    }
    // As many labelled transitions drawn as there are in the machine: none merged away.
    const drawn = mermaid.split('\n').filter((l) => / --> /.test(l) && !l.includes('[*]')).flatMap((l) => l.split(' : ')[1]!.split('<br/>'));
    expect(drawn).toHaveLength(changes.length);
  });

  it('lists every transition that keeps the state (noted or refused) on its state', () => {
    const stays = expected.filter((t) => !t.to);
    expect(stays.length).toBeGreaterThan(20);
    for (const t of stays) {
      const note = new RegExp(`note right of ${t.from}\\n([^]*?)end note`).exec(mermaid)?.[1] ?? '';
      expect(note.split('\n').some((l) => l.trim().startsWith(t.event) && / \/ (refused )?\w+$/.test(l) && l.trim().endsWith(t.code)), `${t.from}: ${t.event} / ${t.code}`).toBe(true);
      expect(dot).toMatch(new RegExp(`"${t.from}" -> "${t.from}" \\[label="${t.event.replace('.', '\\.')}[^"]*${t.code}", style=dashed`));
    }
  });

  it('spells guards out in words', () => {
    expect(guardText('isBusy')).toBe('isBusy');
    expect(guardText(and([not('isForced'), 'isBusy']))).toBe('not isForced and isBusy');
    expect(guardText(and(['isForced', not(and(['isBusy', 'isProtected']))]))).toBe('isForced and not (isBusy and isProtected)');
    expect(mermaid).toContain('drain.requested [isForced] / ForcedDrain');
  });
});

describe.each(DIAGRAM_NAMES.filter((n) => n !== 'worker'))('%s workflow diagram', (name) => {
  const diagram = diagramFor(name, WORKFLOW_DIR);
  const mermaid = renderDiagram(diagram, 'mermaid');
  const dot = renderDiagram(diagram, 'dot');
  const svg = renderDiagram(diagram, 'svg');
  const { states, edges } = aslEdges(name);

  it('has every state in every format', () => {
    for (const s of states) {
      expect(mermaid).toMatch(new RegExp(`^\\s*${s.name} : `, 'm'));
      expect(dot).toContain(`${dotId(s.scope, s.name)} [label="${s.name}\\n`);
      expect(svg).toContain(`data-node="${s.scope ? `${s.scope}/` : ''}${s.name}"`);
    }
  });

  it('has every Next, Choice, Default and Catch in every format', () => {
    expect(edges.length).toBeGreaterThan(3);
    for (const e of edges) {
      expect(mermaid).toMatch(new RegExp(`^\\s*${e.from} --> ${e.to}( :|$)`, 'm'));
      expect(dot).toContain(`${dotId(e.scope, e.from)} -> ${dotId(e.scope, e.to)}`);
      const prefix = e.scope ? `${e.scope}/` : '';
      expect(svg).toContain(`data-from="${prefix}${e.from}" data-to="${prefix}${e.to}"`);
    }
  });

  it('writes Mermaid that its state grammar accepts: ids without spaces, dashes or colons, labels without colons', () => {
    for (const line of mermaid.split('\n').filter((l) => l.includes('-->'))) {
      expect(line).toMatch(/^\s*(\[\*\]|[A-Za-z0-9_]+) --> (\[\*\]|[A-Za-z0-9_]+)( : [^:;#\n]+)?$/);
    }
    expect(mermaid).not.toContain('%%');
  });
});

describe('moscaler diagram', () => {
  it('prints the chosen diagram in the chosen format', async () => {
    const run = await runCli(['diagram', 'drain-worker', '--format', 'dot'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^digraph "drain-worker" \{/);
    const svg = await runCli(['diagram', '--format', 'svg'], {});
    expect(svg.stdout).toMatch(/^<svg [^>]*data-diagram="worker"/);
  });

  it('refuses an unknown diagram or format with exit 2', async () => {
    expect((await runCli(['diagram', 'scale-worker'], {})).code).toBe(2);
    expect((await runCli(['diagram', 'worker', '--format', 'png'], {})).code).toBe(2);
  });

  it('is what README.md embeds, so the README cannot drift from the definitions', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    for (const name of DIAGRAM_NAMES) {
      expect(readme, `${name} diagram in README.md`).toContain(`\`\`\`mermaid\n${renderDiagram(diagramFor(name, WORKFLOW_DIR), 'mermaid')}\`\`\``);
    }
  });
});
