// The visualizer page: polls the JSON API of `moscaler ui` and redraws.
// Plain DOM, no framework; data is only ever inserted as text. The diagrams and
// the chart are SVG drawn by the server from the definitions and the simulator.
'use strict';

const params = new URLSearchParams(location.search);
// `?refresh=<ms>`: how often to poll (tests poll fast).
const REFRESH_MS = Math.max(100, Number(params.get('refresh')) || 1000);
// The chart redraws at most this often: it is the heaviest response.
const CHART_MS = Math.max(REFRESH_MS, 2000);

// Light fills for states that hold workers, matching the --state colours in style.css.
const FILL = {
  offline: '#edf2f7', booting: '#bee3f8', startFailed: '#fed7d7', online: '#c6f6d5',
  awaitingBillingWindow: '#fefcbf', maintenance: '#feebc8', draining: '#fbd38d',
  returningToService: '#bee3f8', stopping: '#e9d8fd', stopFailed: '#feb2b2',
};

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';

let selected = null;
let lastVersion = -1;
let chartAt = 0;
let chartVersion = -1;
let workflow = 'drain-worker';
let latest = null;
const openExecutions = new Set();
const closedExecutions = new Set();

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key === 'title' || key === 'datetime') node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

/** The server answered, and refused: not "cannot reach" (a refused worker name once read as an outage). */
class RefusedError extends Error {}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new RefusedError(`${path}: ${res.status} ${(await res.json().catch(() => ({}))).error || ''}`);
  return res.json();
}

function showError(error) {
  const banner = $('error');
  banner.hidden = false;
  banner.textContent = error instanceof RefusedError ? `The mo-scaler server refused a request: ${error.message}` : `Cannot reach the mo-scaler server: ${error.message}`;
}

async function getText(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.text();
}

// Times in the zone the server names (a simulation: the scenario's), which the header states.
let zoneFormat = null;
function setZone(name) {
  if (zoneFormat && zoneFormat.resolvedOptions().timeZone === name) return;
  zoneFormat = new Intl.DateTimeFormat('en-CA', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
function zoned(iso) {
  const p = Object.fromEntries(zoneFormat.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
const time = (iso) => (!iso ? '' : zoneFormat ? zoned(iso) : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
const shortTime = (iso) => (!iso ? '' : zoneFormat ? zoned(iso).slice(11) : iso.slice(11, 19));
const uptime = (s) => (s > 0 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : '');

function pill(state, fromObservation) {
  const span = el('span', { class: `pill${fromObservation ? ' from-observation' : ''}`, 'data-testid': 'lifecycle-pill', title: fromObservation ? 'replayed from the observation: no execution acts on this worker' : 'recorded by the running execution' }, state);
  span.style.background = `var(--${state}, #718096)`;
  return span;
}

function setText(testid, value) {
  document.querySelector(`[data-testid="${testid}"]`).textContent = String(value);
}

const PROVIDER_LABELS = { ec2: 'EC2', opsworks: 'OpsWorks' };

function renderHeader(state) {
  setZone(state.timeZone.name);
  $('cluster').textContent = state.cluster;
  // Which provider runs the fleet: its states are in its own words (EC2 `running`, OpsWorks `online`).
  $('provider-header').textContent = state.provider ? `${PROVIDER_LABELS[state.provider]} state` : 'provider';
  const mode = $('mode');
  // A simulation on the simulated deployed stack says so: its executions are read through Step Functions.
  mode.textContent = state.mode === 'simulation' ? `simulation${state.engine === 'aws' ? ' · engine aws' : ''}` : `cluster · engine ${state.engine}`;
  mode.className = `badge ${state.mode}`;
  const sim = state.simulation;
  $('clock').textContent = `${sim ? 'virtual time' : 'observed'} ${time(state.observedAt)} ${state.timeZone.statement}`;
  $('sim-controls').hidden = !sim;
  if (sim) {
    $('pause').textContent = sim.paused ? 'Resume' : 'Pause';
    $('pause').dataset.paused = String(sim.paused);
    const speed = $('speed');
    if (![...speed.options].some((o) => Number(o.value) === sim.speed)) speed.append(el('option', { value: String(sim.speed) }, `${sim.speed}×`));
    if (document.activeElement !== speed) speed.value = String(sim.speed);
    $('sim-progress').textContent = sim.finished ? `finished at ${time(sim.until)}` : `${sim.cycles} cycles${sim.failedCycles ? `, ${sim.failedCycles} failed` : ''}${sim.paused ? ' · paused' : ''}`;
    if (document.activeElement !== $('skip-quiet')) $('skip-quiet').checked = sim.skipQuiet;
  }
  renderSimNote(sim);
  $('refreshed').textContent = `refreshed ${new Date().toLocaleTimeString()}`;
  const error = $('error');
  error.hidden = !state.error;
  error.textContent = state.error ? `The last refresh failed: ${state.error}` : '';
}

/** What the simulation is doing with time, and the work coming: so a quiet screen is never a mystery. */
function renderSimNote(sim) {
  const note = $('sim-note');
  if (!sim) {
    note.hidden = true;
    return;
  }
  const parts = [];
  if (sim.skip && sim.skip.active) parts.push(`Fast-forwarding a quiet stretch (no job, no boot or drain): ${time(sim.skip.from)} → ${time(sim.skip.to)}, then ${sim.speed}× again.`);
  else if (sim.skip) parts.push(`Fast-forwarded the quiet stretch ${time(sim.skip.from)} → ${time(sim.skip.to)}.`);
  if (sim.nextArrival) parts.push(`Next recording arrives ${time(sim.nextArrival.at)} (${sim.nextArrival.recordingsInHour} in that hour).`);
  else if (!sim.finished) parts.push('No more recordings are scheduled in this scenario.');
  if (!sim.skipQuiet && !sim.finished) parts.push('Quiet stretches run at the chosen speed.');
  note.hidden = parts.length === 0;
  note.textContent = parts.join(' ');
}

function renderGlance(state) {
  setText('count-workers', state.counts.workers);
  setText('count-online', state.counts.online);
  setText('count-pending', state.counts.pending);
  setText('count-in-service', state.counts.inService);
  setText('count-maintenance', state.counts.maintenance);
  setText('jobs-running', state.jobs ? state.jobs.running : '?');
  setText('jobs-queued', state.jobs ? `${state.jobs.queued}${state.jobs.queuedHighLoad ? ` (${state.jobs.queuedHighLoad} high-load)` : ''}` : '?');
  setText('executions-running', state.engine === 'none' ? 'n/a' : state.executions.running);
  setText('opencast', state.opencast.up ? 'up' : 'down');
  document.querySelector('[data-testid="opencast"]').title = state.opencast.up ? '' : state.opencast.error;
  renderChurn(state.churn);
  renderTarget(state);
}

/** Flaps as a headline: red while a worker flapped within the last hour. */
function renderChurn(churn) {
  setText('churn-flaps', churn.flaps);
  const card = $('churn-flaps-card');
  card.classList.toggle('alert', churn.flapsLastHour > 0);
  $('churn-flaps-label').textContent = churn.flapsLastHour > 0 ? `flaps (started, stopped < 1 h); ${churn.flapsLastHour} in the last hour` : 'flaps (started, stopped < 1 h)';
  card.dataset.workers = churn.byWorker.map((w) => `${w.hostname} ×${w.times}`).join(', ');
  card.title = `A flap: a worker started and stopped again within the hour.${churn.byWorker.length ? ` Flapped: ${card.dataset.workers}` : ''}`;
  setText('churn-drains', `${churn.backInService} / ${churn.abandoned}`);
  $('churn-drains-label').textContent = `of ${churn.drains} drain(s): back in service / abandoned`;
}

/** What the newest finished autoscale cycle wants, and why. */
function renderTarget(state) {
  const t = state.target;
  setText('target-workers', t ? (t.workers !== undefined ? `${t.workers} worker${t.workers === 1 ? '' : 's'} · ${state.counts.inService} in service` : t.decided) : '–');
  const reason = document.querySelector('[data-testid="target-reason"]');
  reason.textContent = t ? `${shortTime(t.at)} ${t.decided}: ${t.reason}` : state.engine === 'none' ? 'no workflows: no autoscale decision to show' : 'no autoscale cycle has finished yet';
  reason.title = t ? `${t.cycle}: ${t.reason}` : '';
}

/** Counts and outlines on a diagram's nodes: `counts` by node id, `outlined` a node id or null. */
function markDiagram(container, counts, outlined, fills) {
  for (const node of container.querySelectorAll('g.node[data-node]')) {
    const id = node.getAttribute('data-node');
    const n = counts[id] || 0;
    const rect = node.querySelector('rect');
    node.classList.toggle('occupied', n > 0);
    node.classList.toggle('selected', id === outlined);
    node.setAttribute('data-count', String(n));
    node.querySelector('g.count')?.remove();
    if (!rect) continue;
    rect.style.fill = n > 0 ? (fills && fills[id]) || '#ebf8ff' : '';
    if (n === 0) continue;
    const x = Number(rect.getAttribute('x'));
    const y = Number(rect.getAttribute('y'));
    const badge = document.createElementNS(SVG_NS, 'g');
    badge.setAttribute('class', 'count');
    const circle = document.createElementNS(SVG_NS, 'circle');
    circle.setAttribute('cx', String(x + 2));
    circle.setAttribute('cy', String(y + 2));
    circle.setAttribute('r', '11');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', String(x + 2));
    text.setAttribute('y', String(y + 6.5));
    text.setAttribute('text-anchor', 'middle');
    text.textContent = String(n);
    badge.append(circle, text);
    node.append(badge);
  }
}

function renderLifecycle(state) {
  const worker = state.workers.find((w) => w.hostname === selected);
  markDiagram($('lifecycle-diagram'), state.counts.byLifecycle, worker ? worker.lifecycle : null, FILL);
}

function renderWorkflowDiagram(state) {
  const counts = {};
  for (const w of state.workers) {
    const e = w.execution;
    if (e && e.status === 'RUNNING' && e.workflow === workflow && e.state) counts[e.state] = (counts[e.state] || 0) + 1;
  }
  const worker = state.workers.find((w) => w.hostname === selected);
  const outlined = worker && worker.execution && worker.execution.status === 'RUNNING' && worker.execution.workflow === workflow ? worker.execution.state : null;
  markDiagram($('workflow-diagram'), counts, outlined);
}

function renderWorkers(state) {
  const flapped = new Map(state.churn.byWorker.map((f) => [f.hostname, f.times]));
  const rows = state.workers.map((w) => {
    const e = w.execution;
    const flaps = flapped.get(w.hostname);
    const row = el(
      'tr',
      { 'data-testid': 'worker-row', 'data-hostname': w.hostname, 'data-lifecycle': w.lifecycle, class: w.hostname === selected ? 'selected' : '' },
      el('td', { class: 'hostname' }, w.hostname, w.protected ? ' 🔒' : '', flaps ? el('span', { class: 'flap-badge', 'data-testid': 'flap-badge', title: `started and stopped again within the hour ${flaps} time(s)` }, `↻${flaps}`) : null),
      el('td', { title: w.reason || '' }, pill(w.lifecycle, w.lifecycleFrom === 'observation')),
      el('td', { title: `instance ${w.instanceId}`, 'data-testid': 'worker-provider' }, w.provider),
      el('td', {}, w.opencast),
      el('td', {}, w.runningJobs === null ? '?' : String(w.runningJobs)),
      el('td', {}, uptime(w.uptimeSeconds)),
      el('td', { title: e ? `${e.name}${e.reason ? `: ${e.reason}` : ''}` : '' }, e ? el('span', { class: `outcome-${e.outcome.kind}`, 'data-testid': 'worker-outcome' }, `${e.workflow}${e.outcome.kind === 'running' ? ' ' : ': '}${e.outcome.text}`) : ''),
    );
    row.addEventListener('click', () => select(w.hostname).catch(showError));
    return row;
  });
  $('worker-rows').replaceChildren(...rows);
}

function renderTimeline(timeline) {
  renderIdle(timeline);
  const items = timeline.items.map((item) =>
    el(
      'li',
      { 'data-kind': item.kind, 'data-hostname': item.hostname || '' },
      el('time', { datetime: item.at }, time(item.at)),
      el('span', { class: 'kind' }, item.kind),
      el('span', { class: item.outcome ? `outcome-${item.outcome}` : '' }, item.title),
      item.reason ? el('span', { class: 'reason' }, item.reason) : null,
    ),
  );
  $('timeline-items').replaceChildren(...items);
}

/** Idle cycles are only counted (they would bury the rest), each reason with how often and its newest wording. */
function renderIdle(timeline) {
  const box = $('idle-cycles');
  if (!timeline.idleCycles) {
    box.replaceChildren(...(timeline.unread ? [el('p', { class: 'muted' }, `${timeline.unread} older execution(s) listed but not read.`)] : []));
    return;
  }
  const unread = timeline.unread ? ` (and ${timeline.unread} older execution(s) not read)` : '';
  const details = el(
    'details',
    { class: 'idle' },
    el('summary', { 'data-testid': 'idle-count' }, `${timeline.idleCycles.toLocaleString('en-US')} autoscale cycle(s) decided to do nothing${unread}: ${timeline.idleReasons.map((r) => `${r.count.toLocaleString('en-US')} ${r.code}`).join(', ')}`),
    el('ul', {}, timeline.idleReasons.map((r) => el('li', { 'data-testid': 'idle-reason' }, el('strong', {}, `${r.count.toLocaleString('en-US')} ${r.code}`), ` newest: ${r.reason}`))),
  );
  const open = box.querySelector('details')?.open;
  if (open) details.open = true;
  box.replaceChildren(details);
}

/**
 * A drain polls (WaitWhileDraining → CheckDrained …) dozens of times: the first pass through a state reads as a
 * step, every later visit of a loop folds into one expandable line, so the history opens on what changed.
 */
function stepItems(steps) {
  const seen = new Set();
  const out = [];
  let folded = [];
  const flush = () => {
    // Two steps or fewer read as well as the line that would hide them.
    if (folded.length <= 2) out.push(...folded.map(stepItem));
    if (folded.length <= 2) return void (folded = []);
    const states = [...new Set(folded.map((s) => s.state).filter(Boolean))];
    out.push(el('li', { class: 'polls' }, el('details', { 'data-testid': 'polls' }, el('summary', {}, `… ${folded.length} polling step(s) (${states.join(', ')})`), el('ol', {}, folded.map(stepItem)))));
    folded = [];
  };
  for (const s of steps) {
    const repeat = s.type === 'StateEntered' ? seen.has(s.state) : folded.length > 0 && !s.error && s.type !== 'ExecutionSucceeded' && s.type !== 'ExecutionFailed';
    if (s.type === 'StateEntered') seen.add(s.state);
    if (repeat) folded.push(s);
    else {
      flush();
      out.push(stepItem(s));
    }
  }
  flush();
  return out;
}

function stepItem(s) {
  return el('li', {}, `${shortTime(s.at)} ${s.type}${s.state ? ` ${s.state}` : ''}${s.reason ? ` — ${s.reason}` : ''}${s.error ? ` — ${s.error}` : ''}`);
}

function renderDetail(history) {
  $('detail').hidden = false;
  $('detail-host').textContent = history.hostname;
  const w = history.worker;
  $('detail-now').textContent = w
    ? `Now ${w.lifecycle} (${w.lifecycleFrom === 'execution' ? 'as its running execution recorded' : 'replayed from the observation'})${w.reason ? `: ${w.reason}` : ''}; instance ${w.instanceId}, ${w.provider}`
    : 'Not in the last observation.';
  const rows = history.transitions.map((t) =>
    el(
      'tr',
      { 'data-testid': 'transition', class: t.refused ? 'transition-refused' : t.catchUp ? 'transition-catch-up' : '', title: t.catchUp ? 'found on observation when the execution began, not a change it made' : t.execution },
      el('td', {}, shortTime(t.at)),
      el('td', {}, t.refused ? `${t.from} (refused)` : `${t.from} → ${t.to}`),
      el('td', {}, t.event),
      el('td', {}, `${t.code}: ${t.reason}`),
    ),
  );
  $('detail-transitions').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: 4, class: 'muted' }, 'No transitions recorded: no boot or drain has run for this worker.'))]));
  // Steps fold away (a drain polls for many); the newest execution and any the reader opened stay open across refreshes.
  const executions = history.executions.map((d, i) => {
    const details = el(
      'details',
      { class: 'execution', 'data-testid': 'detail-execution', open: openExecutions.has(d.name) || (i === 0 && !closedExecutions.has(d.name)) },
      el('summary', {}, el('strong', {}, d.name), ' ', el('span', { class: `outcome-${d.outcome.kind}` }, d.outcome.text)),
      d.requestReason ? el('div', { class: 'muted' }, `requested by ${d.requestedBy || '?'}: ${d.requestReason}`) : null,
      el('ol', {}, stepItems(d.steps)),
    );
    details.addEventListener('toggle', () => {
      (details.open ? openExecutions : closedExecutions).add(d.name);
      (details.open ? closedExecutions : openExecutions).delete(d.name);
    });
    return details;
  });
  $('detail-executions').replaceChildren(...executions);
}

async function select(hostname) {
  selected = hostname;
  if (latest) {
    renderWorkers(latest);
    renderLifecycle(latest);
    renderWorkflowDiagram(latest);
  }
  await refreshDetail();
  // Stacked (narrow windows), the history is under the workers: bring it into view.
  const detail = $('detail');
  if (detail.getBoundingClientRect().top > window.innerHeight - 80) detail.scrollIntoView({ block: 'start' });
}

async function refreshDetail() {
  if (!selected) return;
  const history = await getJson(`/api/history?worker=${encodeURIComponent(selected)}`);
  if (history.hostname === selected) renderDetail(history);
}

// Diagrams are drawn for 1:1 (their smallest text is 12 px). One wider than its column is shrunk at most to
// 11/12, so no text drops under 11 px; past that the column scrolls sideways instead.
const MIN_SCALE = 11 / 12;

function fitDiagram(container) {
  const svg = container.querySelector('svg');
  if (!svg) return;
  const natural = Number(svg.getAttribute('width'));
  const room = container.clientWidth;
  // Rounded up: the browser lays out in fractions of a pixel, and a hair under 11/12 would draw text under 11 px.
  svg.style.width = `${Math.max(Math.ceil(natural * MIN_SCALE), Math.min(natural, room))}px`;
  svg.style.height = 'auto';
}

async function loadWorkflow(name) {
  workflow = name;
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.workflow === name);
  $('workflow-diagram').innerHTML = await getText(`/api/diagram/${name}.svg`);
  fitDiagram($('workflow-diagram'));
  if (latest) renderWorkflowDiagram(latest);
}

async function refresh() {
  const state = await getJson('/api/state');
  const changed = state.version !== lastVersion;
  latest = state;
  renderHeader(state);
  // Drawn for the newest state, but not more often than CHART_MS; catches up once the simulation pauses.
  if (state.simulation && chartVersion !== state.version && Date.now() - chartAt >= CHART_MS) {
    chartAt = Date.now();
    chartVersion = state.version;
    $('chart-section').hidden = false;
    // Drawn for the width it has (its legend wraps there); the SVG follows the window by itself after.
    const width = Math.max(400, Math.min(4000, $('chart').clientWidth || 1000));
    $('chart').innerHTML = await getText(`/api/chart.svg?width=${width}`);
  }
  if (!changed) return;
  lastVersion = state.version;
  renderGlance(state);
  renderWorkers(state);
  renderLifecycle(state);
  renderWorkflowDiagram(state);
  renderTimeline(await getJson('/api/timeline'));
  await refreshDetail();
}

async function loop() {
  try {
    await refresh();
  } catch (error) {
    showError(error);
  }
  setTimeout(loop, REFRESH_MS);
}

async function control(body) {
  const res = await fetch('/api/simulation', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.ok && latest) {
    latest.simulation = await res.json();
    renderHeader(latest);
  }
}

async function start() {
  $('pause').addEventListener('click', () => control({ action: $('pause').dataset.paused === 'true' ? 'resume' : 'pause' }));
  $('speed').addEventListener('change', () => control({ action: 'speed', speed: Number($('speed').value) }));
  $('skip-quiet').addEventListener('change', () => control({ action: 'skipQuiet', on: $('skip-quiet').checked }));
  window.addEventListener('resize', () => {
    chartVersion = -1;
    chartAt = 0;
    fitDiagram($('lifecycle-diagram'));
    fitDiagram($('workflow-diagram'));
  });
  $('detail-close').addEventListener('click', () => {
    selected = null;
    $('detail').hidden = true;
    if (latest) {
      renderWorkers(latest);
      renderLifecycle(latest);
      renderWorkflowDiagram(latest);
    }
  });
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => loadWorkflow(b.dataset.workflow));
  $('lifecycle-diagram').innerHTML = await getText('/api/diagram/worker.svg');
  fitDiagram($('lifecycle-diagram'));
  await loadWorkflow(workflow);
  await loop();
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  const banner = $('error');
  banner.hidden = false;
  banner.textContent = `The page could not start: ${error.message}`;
});
