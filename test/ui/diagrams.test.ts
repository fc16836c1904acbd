/**
 * The diagrams are complete: every state and every transition of the worker
 * machine and of each workflow appears in each format. The expected sets are
 * read here from the raw definitions (the machine's config object, the ASL
 * JSON), independently of the generators' own walk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, not } from 'xstate';
import { install } from '@sinonjs/fake-timers';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_DIR } from '../../wiring/local-workflows';
import { WORKER_STATES, workerLifecycleMachine } from '../../machines/worker-lifecycle';
import { DIAGRAM_NAMES, diagramFor, renderDiagram } from '../../ui/diagrams';
import { countCrossings, overlappingPairs } from '../../ui/diagrams/crossings';
import type { Diagram } from '../../ui/diagrams/graph';
import { guardText } from '../../ui/diagrams/machine';
import { layoutDiagram, SHARED_BOX } from '../../ui/diagrams/svg';
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

/** Every format of one diagram, rendered once per describe. */
function rendered(diagram: Diagram): { mermaid: string; dot: string; svg: string } {
  const out = { mermaid: '', dot: '', svg: '' };
  beforeAll(() => {
    out.mermaid = renderDiagram(diagram, 'mermaid');
    out.dot = renderDiagram(diagram, 'dot');
    out.svg = renderDiagram(diagram, 'svg');
  });
  return out;
}

/** An SVG edge for this transition: its own arrow, or the one arrow out of the box of states sharing it. */
function svgHasTransition(svg: string, from: string, to: string, event: string): boolean {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const own = new RegExp(`<g class="edge[^"]*" data-from="${esc(from)}" data-to="${esc(to)}" data-triggers="[^"]*${esc(event)}`);
  const shared = new RegExp(`<g class="edge[^"]*" data-from="${SHARED_BOX}" data-to="${esc(to)}" data-members="(?:[^"]* )?${esc(from)}(?: [^"]*)?" data-triggers="[^"]*${esc(event)}`);
  return own.test(svg) || shared.test(svg);
}

describe('worker lifecycle diagram', () => {
  const diagram = diagramFor('worker', WORKFLOW_DIR);
  const r = rendered(diagram);
  const expected = machineTransitions();

  it('has every state of the machine in every format', () => {
    for (const state of WORKER_STATES) {
      expect(r.mermaid).toMatch(new RegExp(`^  (${state} -->|.* --> ${state}( |$)|note right of ${state}$)`, 'm'));
      expect(r.dot).toContain(`"${state}" [label="${state}"]`);
      expect(r.svg).toContain(`data-node="${state}"`);
    }
    expect(r.mermaid).toContain('[*] --> offline');
  });

  it('has every transition that changes state in every format', () => {
    const changes = expected.filter((t) => t.to);
    expect(changes.length).toBeGreaterThan(40);
    for (const t of changes) {
      const arrow = r.mermaid.split('\n').find((line) => line.startsWith(`  ${t.from} --> ${t.to} : `));
      expect(arrow, `${t.from} --> ${t.to}`).toBeDefined();
      const labels = arrow!.split(' : ')[1]!.split('<br/>');
      expect(labels.some((l) => l.startsWith(t.event) && l.endsWith(`/ ${t.code}`)), `${t.from} --> ${t.to} on ${t.event} / ${t.code}`).toBe(true);
      expect(r.dot).toMatch(new RegExp(`"${t.from}" -> "${t.to}" \\[label="${t.event.replace('.', '\\.')}[^"]*/ ${t.code}"`));
      expect(svgHasTransition(r.svg, t.from, t.to!, t.event), `svg: ${t.from} --> ${t.to} on ${t.event}`).toBe(true);
    }
    // As many labelled transitions drawn as there are in the machine: none merged away.
    const drawn = r.mermaid.split('\n').filter((l) => / --> /.test(l) && !l.includes('[*]')).flatMap((l) => l.split(' : ')[1]!.split('<br/>'));
    expect(drawn).toHaveLength(changes.length);
  });

  it('lists every transition that keeps the state (noted or refused) on its state', () => {
    const stays = expected.filter((t) => !t.to);
    expect(stays.length).toBeGreaterThan(20);
    for (const t of stays) {
      const note = new RegExp(`note right of ${t.from}\\n([^]*?)end note`).exec(r.mermaid)?.[1] ?? '';
      expect(note.split('\n').some((l) => l.trim().startsWith(t.event) && / \/ (refused )?\w+$/.test(l) && l.trim().endsWith(t.code)), `${t.from}: ${t.event} / ${t.code}`).toBe(true);
      expect(r.dot).toMatch(new RegExp(`"${t.from}" -> "${t.from}" \\[label="${t.event.replace('.', '\\.')}[^"]*${t.code}", style=dashed`));
    }
  });

  it('spells guards out in words', () => {
    expect(guardText('isBusy')).toBe('isBusy');
    expect(guardText(and([not('isForced'), 'isBusy']))).toBe('not isForced and isBusy');
    expect(guardText(and(['isForced', not(and(['isBusy', 'isProtected']))]))).toBe('isForced and not (isBusy and isProtected)');
    expect(r.mermaid).toContain('drain.requested [isForced] / ForcedDrain');
  });
});

describe.each(DIAGRAM_NAMES.filter((n) => n !== 'worker'))('%s workflow diagram', (name) => {
  const diagram = diagramFor(name, WORKFLOW_DIR);
  const r = rendered(diagram);
  const { states, edges } = aslEdges(name);

  it('has every state in every format', () => {
    for (const s of states) {
      expect(r.mermaid).toMatch(new RegExp(`^\\s*${s.name} : `, 'm'));
      expect(r.dot).toContain(`${dotId(s.scope, s.name)} [label="${s.name}\\n`);
      expect(r.svg).toContain(`data-node="${s.scope ? `${s.scope}/` : ''}${s.name}"`);
    }
  });

  it('has every Next, Choice, Default and Catch in every format', () => {
    expect(edges.length).toBeGreaterThan(3);
    for (const e of edges) {
      expect(r.mermaid).toMatch(new RegExp(`^\\s*${e.from} --> ${e.to}( :|$)`, 'm'));
      expect(r.dot).toContain(`${dotId(e.scope, e.from)} -> ${dotId(e.scope, e.to)}`);
      const prefix = e.scope ? `${e.scope}/` : '';
      expect(r.svg).toContain(`data-from="${prefix}${e.from}" data-to="${prefix}${e.to}"`);
    }
  });

  it('writes Mermaid that its state grammar accepts: ids without spaces, dashes or colons, labels without colons', () => {
    for (const line of r.mermaid.split('\n').filter((l) => l.includes('-->'))) {
      expect(line).toMatch(/^\s*(\[\*\]|[A-Za-z0-9_]+) --> (\[\*\]|[A-Za-z0-9_]+)( : [^:;#\n]+)?$/);
    }
    expect(r.mermaid).not.toContain('%%');
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

  it('is what docs/diagrams.md embeds, so the docs cannot drift from the definitions', async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/diagrams.md', import.meta.url)), 'utf8');
    for (const name of DIAGRAM_NAMES) {
      expect(doc, `${name} diagram in docs/diagrams.md`).toContain(`\`\`\`mermaid\n${renderDiagram(diagramFor(name, WORKFLOW_DIR), 'mermaid')}\`\`\``);
    }
  });
});

describe.each(DIAGRAM_NAMES)('%s diagram as SVG', (name) => {
  const diagram = diagramFor(name, WORKFLOW_DIR);
  // Measured with ELK's layered layout as configured (ui/diagrams/elk-layout.ts); the old hand-made layout crossed more.
  const MAX_CROSSINGS: Record<string, number> = { worker: 2, autoscale: 0, 'boot-worker': 0, 'drain-worker': 1 };

  it('gives every edge label its own room: no label over another label or over a state', async () => {
    const { layout, groups, nodes } = layoutDiagram(diagram, { direction: 'TB' });
    const labels = groups.filter((g) => g.lines.length).map((g) => ({ ...layout.edges.get(g.id)!.label!, id: `label ${g.from} → ${g.to}` }));
    expect(labels.length).toBeGreaterThan(3);
    const states = nodes.filter((n) => !nodes.some((c) => c.parent === n.id)).map((n) => ({ ...layout.nodes.get(n.id)!, id: n.id }));
    expect(overlappingPairs([...labels, ...states]).map(([a, b]) => `${a.id} / ${b.id}`)).toEqual([]);
  });

  it('routes edges with no more crossings than the layout reached when it was tuned', async () => {
    const { layout } = layoutDiagram(diagram, { direction: 'TB' });
    expect(countCrossings([...layout.edges.values()].map((e) => e.points))).toBeLessThanOrEqual(MAX_CROSSINGS[name]!);
  });

  it('cuts no label short and draws no text under 12 px', async () => {
    const svg = renderDiagram(diagram, 'svg');
    expect(svg).not.toContain('…');
    const sizes = [...svg.matchAll(/font-size: (\d+(?:\.\d+)?)px/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    // Every edge trigger is written out in full on the drawing.
    for (const edge of diagram.edges.filter((e) => e.kind === 'event' || e.kind === 'choice')) expect(svg).toContain(`>${edge.trigger.split(' ').slice(0, 2).join(' ')}`);
  });

  it('lays out while the simulator has replaced the timers with a virtual clock', async () => {
    const clock = install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      expect(renderDiagram(diagram, 'svg')).toContain('<svg');
    } finally {
      clock.uninstall();
    }
  });
});

describe('worker lifecycle SVG', () => {
  it('draws instance.stopped once, out of a box around the states it leaves, and explains the ↻ counts', async () => {
    const svg = renderDiagram(diagramFor('worker', WORKFLOW_DIR), 'svg');
    const shared = /<g class="edge kind-event" data-from="__shared" data-to="offline" data-members="([^"]+)" data-triggers="([^"]+)"/.exec(svg);
    expect(shared?.[1]?.split(' ')).toEqual(expect.arrayContaining(['booting', 'online', 'draining', 'returningToService']));
    expect(shared?.[2]).toMatch(/^instance\.stopped( \| instance\.stopped)+$/);
    expect(svg).toContain('from any state in the box');
    expect(svg).toMatch(/↻\d/);
    expect(svg).toContain('↻n: the state handles n more events without leaving it');
  });
});
