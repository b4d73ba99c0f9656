/**
 * The dashboard's page: one HTML document with its own script, no framework and no CDN (uPlot is
 * served from the package's own node_modules), so it works on a machine with no network. Every
 * text from the run goes in through textContent, never as HTML.
 */
export function dashboardPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · beamulator</title>
<link rel="stylesheet" href="assets/uplot.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; }
  header h1 { font-size: 16px; margin: 0; font-weight: 600; }
  header .summary { opacity: .8; margin-top: 4px; }
  main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; padding: 16px 20px; }
  section { background: #fff; border-radius: 6px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; margin: 0 0 8px; color: #5a6275; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: 2px 6px; } th:first-child, td:first-child { text-align: left; }
  th { color: #5a6275; font-weight: 500; }
  #grid { display: flex; flex-wrap: wrap; gap: 2px; max-height: 240px; overflow: auto; }
  #grid .actor { width: 10px; height: 10px; border-radius: 2px; cursor: pointer; }
  #grid .actor.complained { outline: 2px solid #d62728; outline-offset: -1px; }
  #legend span { margin-right: 12px; } #legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
  #card { white-space: pre-wrap; font: 12px/1.4 ui-monospace, monospace; background: #f6f7f9; padding: 8px; border-radius: 4px; margin-top: 8px; max-height: 260px; overflow: auto; }
  #complaints { list-style: none; margin: 0; padding: 0; max-height: 420px; overflow: auto; }
  #complaints li { padding: 3px 0; border-bottom: 1px solid #eef0f3; } .sev { font-weight: 600; margin-right: 6px; }
  .urgent { color: #d62728; } .annoying { color: #b8860b; } .justsayin { color: #5a6275; }
  .muted { color: #8a91a3; }
  #grid .actor.stopped { opacity: .25; }
  #grid .actor.flash { box-shadow: 0 0 0 2px #ffd54f; }
  #progress { height: 4px; background: #3a4256; margin-top: 8px; border-radius: 2px; } #progress div { height: 4px; width: 0; background: #4fc3f7; border-radius: 2px; }
  [hidden] { display: none !important; }
  .controls { display: none; } body.live .controls { display: block; }
  .controls form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
  .controls input, .controls select, .controls button, .controls textarea { font: inherit; font-size: 13px; }
  .controls input[type=number] { width: 70px; } .controls textarea { width: 100%; height: 48px; font-family: ui-monospace, monospace; font-size: 12px; }
  #control-log li { overflow-wrap: anywhere; }
  #control-result { min-height: 1.4em; font-size: 12px; } #control-result.error { color: #d62728; }
  body.done .controls button { opacity: .5; pointer-events: none; }
</style>
</head>
<body>
<header><h1 id="title"></h1><div class="summary" id="summary">loading…</div><div id="progress" hidden><div></div></div></header>
<main>
  <div>
    <section><h2 id="rate-title">Actions over sim time</h2><div id="rate-chart"></div></section>
    <section style="margin-top:16px"><h2>Latency (ms)</h2><div id="latency-chart"></div></section>
    <section style="margin-top:16px"><h2>Actions</h2><table id="actions"></table></section>
    <section style="margin-top:16px"><h2>Behaviors</h2><table id="behaviors"></table></section>
  </div>
  <div>
    <section class="controls" id="controls"><h2>Controls</h2>
      <form id="pace-form"><button type="button" id="pause">Pause</button><button type="button" id="resume">Resume</button>
        <label>speed <input id="speed" type="number" min="0" step="any" value="1"></label><button type="submit">Set speed</button></form>
      <form id="spawn-form" novalidate><label>spawn <input id="spawn-count" type="number" min="1" value="1"></label> <select id="spawn-behavior"></select><button type="submit">Spawn</button></form>
      <div id="control-result" class="muted"></div>
    </section>
    <section><h2>Actors</h2><div id="legend"></div><div id="grid"></div><div id="card" class="muted">Click an actor for its card.</div>
      <div class="controls" id="actor-controls" hidden>
        <form id="action-form"><select id="action-name"></select><input id="action-args" placeholder='args as JSON, e.g. {"title":"x"}' size="24"><button type="submit">Run action</button></form>
        <form id="replace-form"><select id="replace-behavior"></select><button type="submit">Replace behavior</button><button type="button" id="remove">Remove</button></form>
        <form id="state-form"><textarea id="state-json" placeholder='state changes as JSON, e.g. {"mood":"grumpy"}'></textarea><button type="submit">Set state</button></form>
        <form id="tag-form"><input id="tag-name" placeholder="tag" size="12"><button type="submit">Tag</button><button type="button" id="untag">Untag</button></form>
      </div>
    </section>
    <section style="margin-top:16px"><h2>Complaints</h2><ul id="complaints"></ul></section>
    <section style="margin-top:16px" class="controls" id="control-calls"><h2>Control calls</h2><ul id="control-log" class="muted"></ul></section>
  </div>
</main>
<script src="assets/uplot.js"></script>
<script>
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const clock = (ms) => { const s = Math.floor(ms / 1000); return Math.floor(s / 3600) + ':' + String(Math.floor(s % 3600 / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0'); };
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
const row = (table, cells, header) => { const tr = el('tr'); for (const c of cells) tr.append(el(header ? 'th' : 'td', c)); table.append(tr); };
const num = (v, d = 1) => v === null || v === undefined ? '-' : Number(v).toFixed(d);

async function load() {
  const token = new URLSearchParams(location.search).get('token');
  const res = await fetch('api/data' + (token ? '?token=' + encodeURIComponent(token) : ''));
  if (!res.ok) throw new Error((await res.json()).error);
  return res.json();
}

function chart(target, series, data) {
  const width = Math.max(320, target.clientWidth);
  return new uPlot({
    width, height: 200, series, legend: { live: true },
    scales: { x: { time: false } },
    axes: [{ incrs: [1e3, 5e3, 15e3, 6e4, 3e5, 9e5, 18e5, 36e5, 72e5, 144e5, 216e5, 432e5, 864e5, 1728e5, 6048e5], values: (u, ticks) => ticks.map((t) => clock(t)) }, {}],
  }, data, target);
}

function draw(data) {
  const { stats, series, actors, complaints } = data;
  document.getElementById('title').textContent = data.title;
  document.getElementById('summary').textContent = stats.actions + ' actions by ' + stats.actors + ' actors over ' + clock(stats.simDurationMs)
    + ' of sim time; ' + (stats.failedRatio * 100).toFixed(1) + '% failed; ' + complaints.length + (complaints.length === 500 ? '+' : '') + ' complaints';
  const x = series.map((p) => p.at);
  const when = { label: 'sim time', value: (u, v) => v === null ? '--' : clock(v) };
  if (series.length > 1) document.getElementById('rate-title').textContent = 'Actions per ' + clock(series[1].at) + ' of sim time';
  chart(document.getElementById('rate-chart'), [when, { label: 'actions', stroke: '#1f77b4' }, { label: 'failed', stroke: '#d62728' }, { label: 'complaints', stroke: '#b8860b' }],
    [x, series.map((p) => p.actions), series.map((p) => p.failed), series.map((p) => p.complaints)]);
  chart(document.getElementById('latency-chart'), [when, { label: 'p50', stroke: '#2ca02c' }, { label: 'p99', stroke: '#9467bd' }],
    [x, series.map((p) => p.p50), series.map((p) => p.p99)]);
  const actions = document.getElementById('actions');
  row(actions, ['action', 'count', 'failed', 'p50', 'p90', 'p99', 'max'], true);
  for (const a of stats.byAction) row(actions, [a.action, a.count, (a.failedRatio * 100).toFixed(1) + '%', num(a.p50, 2), num(a.p90, 2), num(a.p99, 2), num(a.max, 2)]);
  const behaviors = document.getElementById('behaviors');
  row(behaviors, ['behavior', 'actors', 'actions', 'failed', 'per sim h', 'per wall s'], true);
  for (const b of stats.byBehavior) row(behaviors, [b.behavior, b.actors, b.actions, b.failed, num(b.perSimHour), num(b.perWallSecond)]);
  const colors = new Map();
  for (const a of actors) if (!colors.has(a.behavior)) colors.set(a.behavior, palette[colors.size % palette.length]);
  const legend = document.getElementById('legend');
  for (const [behavior, color] of colors) { const s = el('span'); const i = el('i'); i.style.background = color; s.append(i, behavior); legend.append(s); }
  const grid = document.getElementById('grid');
  const card = document.getElementById('card');
  for (const a of actors) {
    const d = el('div', undefined, 'actor' + (a.complaints > 0 ? ' complained' : ''));
    d.style.background = colors.get(a.behavior);
    d.title = a.name + ' (' + a.behavior + '): ' + a.actions + ' actions, ' + a.complaints + ' complaints';
    d.dataset.actor = a.name;
    d.addEventListener('click', () => {
      card.className = '';
      card.textContent = JSON.stringify({ name: a.name, behavior: a.behavior, actorId: a.actorId, run: a.runId, tags: a.tags, config: a.config,
        initialState: a.initialState, actions: a.actions, failed: a.failed, complaints: a.complaints,
        lastAction: a.lastAction && { ...a.lastAction, at: clock(a.lastAction.simTime) } }, null, 2);
    });
    grid.append(d);
  }
  const list = document.getElementById('complaints');
  const names = new Map(actors.map((a) => [a.runId + ' ' + a.actorId, a.name]));
  if (complaints.length === 0) list.append(el('li', 'No complaints.', 'muted'));
  for (const c of complaints) {
    const li = el('li');
    li.append(el('span', c.severity, 'sev ' + c.severity), el('span', clock(c.simTime) + ' ', 'muted'), el('span', (names.get(c.runId + ' ' + c.actorId) || 'actor ' + c.actorId) + ': '), el('span', c.message));
    list.append(li);
  }
  document.body.dataset.ready = 'true';
}

// ---- The live view: a hello with everything so far, then batches over the WebSocket. ----
const live = { actors: new Map(), colors: new Map(), points: [], charts: null, selected: null, toFlash: [], flashing: new Set(), clientId: Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('') };
const token = new URLSearchParams(location.search).get('token');

function colorOf(behavior) {
  if (!live.colors.has(behavior)) {
    live.colors.set(behavior, palette[live.colors.size % palette.length]);
    const s = el('span'); const i = el('i'); i.style.background = live.colors.get(behavior); s.append(i, behavior); document.getElementById('legend').append(s);
  }
  return live.colors.get(behavior);
}

function liveActor(a, flash) {
  let entry = live.actors.get(a.id);
  if (!entry) {
    const d = el('div', undefined, 'actor');
    d.dataset.actorId = a.id;
    d.addEventListener('click', () => select(a.id));
    // The tooltip is made when pointed at, not at every batch.
    d.addEventListener('mouseenter', () => { const r = live.actors.get(a.id).row; d.title = r.name + ' (' + r.behavior + '): ' + r.actions + ' actions, ' + r.complaints + ' complaints' + (r.stopped ? ', stopped' : ''); });
    document.getElementById('grid').append(d);
    entry = { el: d, row: a };
    live.actors.set(a.id, entry);
  }
  entry.row = a;
  const d = entry.el;
  d.style.background = colorOf(a.behavior);
  d.dataset.actor = a.name;
  marks(entry, flash);
}

// A batch's compact row: [id, actions, failed, complaints, stopped].
function liveCounts([id, actions, failed, complaints, stopped]) {
  const entry = live.actors.get(id);
  if (!entry) return;
  Object.assign(entry.row, { actions, failed, complaints, stopped: stopped === 1 });
  marks(entry, true);
}

function marks(entry, flash) {
  const a = entry.row;
  const d = entry.el;
  if (a.complaints > 0 && !d.classList.contains('complained')) d.classList.add('complained');
  if (a.stopped && !d.classList.contains('stopped')) d.classList.add('stopped');
  if (flash) live.toFlash.push(d);
  if (live.selected === a.id) showCard();
}

// Actors that acted in the last batch are marked until the next one: a class set and cleared
// once per batch. (An animation per acting actor made 10k actors janky: measured in bench/dashboard.)
function flash() {
  const now = new Set(live.toFlash);
  const before = live.flashing;
  for (const d of before) if (!now.has(d)) d.classList.remove('flash');
  for (const d of now) if (!before.has(d)) d.classList.add('flash');
  live.flashing = now;
  live.toFlash = [];
}

function showCard() {
  const entry = live.actors.get(live.selected);
  if (!entry) return;
  const card = document.getElementById('card');
  card.className = '';
  const a = entry.row;
  card.textContent = JSON.stringify({ name: a.name, behavior: a.behavior, actorId: a.id, stopped: a.stopped, actions: a.actions, failed: a.failed, complaints: a.complaints,
    lastAction: a.lastAction && { ...a.lastAction, at: clock(a.lastAction.simTime) }, ...(entry.detail ? { now: entry.detail } : {}) }, null, 2);
}

// The card, when an actor is clicked: the feed's whole row (counts, last action) and, when the run
// offers it, the actor now (state, config, tags). Batches then keep its counts current.
async function select(id) {
  live.selected = id;
  document.getElementById('actor-controls').hidden = live.controls.length === 0;
  showCard();
  const row = await fetch('api/actor?id=' + id + (token ? '&token=' + encodeURIComponent(token) : '')).then((r) => (r.ok ? r.json() : null));
  const entry = live.actors.get(id);
  if (row && entry) entry.row = row;
  if (entry && live.controls.includes('inspect') && document.body.dataset.state !== 'done') {
    const answer = await call('inspect', { actor: id }, true);
    if (answer) entry.detail = answer.result;
  }
  if (live.selected === id) showCard();
}

async function call(op, args, quiet) {
  const out = document.getElementById('control-result');
  const res = await fetch('api/control/' + op + (token ? '?token=' + encodeURIComponent(token) : ''), {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-client-id': live.clientId }, body: JSON.stringify(args) });
  const body = await res.json();
  if (!res.ok) { out.className = 'error'; out.textContent = op + ': ' + body.error; return null; }
  if (!quiet) { out.className = 'muted'; out.textContent = op + ': done' + (body.result !== null && typeof body.result !== 'object' ? ' (' + body.result + ')' : ''); }
  return body;
}

function parsed(text, what) {
  if (text.trim() === '') return {};
  try { return JSON.parse(text); } catch (error) {
    const out = document.getElementById('control-result'); out.className = 'error'; out.textContent = what + ' is not JSON: ' + error.message; return undefined;
  }
}

function wireControls(hello) {
  live.controls = hello.controls;
  const options = (select, names) => { select.replaceChildren(...names.map((n) => { const o = el('option', n); o.value = n; return o; })); };
  options(document.getElementById('spawn-behavior'), hello.behaviors);
  options(document.getElementById('replace-behavior'), hello.behaviors);
  options(document.getElementById('action-name'), hello.actions);
  const on = (id, event, fn) => document.getElementById(id).addEventListener(event, (e) => { e.preventDefault(); fn(); });
  on('pause', 'click', () => call('pause', {}));
  on('resume', 'click', () => call('resume', {}));
  on('pace-form', 'submit', () => call('speed', { speed: Number(document.getElementById('speed').value) }));
  on('spawn-form', 'submit', () => call('spawn', { behavior: document.getElementById('spawn-behavior').value, count: Number(document.getElementById('spawn-count').value) }));
  on('action-form', 'submit', () => { const args = parsed(document.getElementById('action-args').value, 'args'); if (args !== undefined) call('action', { actor: live.selected, action: document.getElementById('action-name').value, args }); });
  on('replace-form', 'submit', () => call('replace', { actor: live.selected, behavior: document.getElementById('replace-behavior').value }));
  on('remove', 'click', () => call('remove', { actor: live.selected }));
  on('state-form', 'submit', () => { const state = parsed(document.getElementById('state-json').value, 'state'); if (state !== undefined) call('state', { actor: live.selected, state }); });
  on('tag-form', 'submit', () => call('tag', { actor: live.selected, tag: document.getElementById('tag-name').value }));
  on('untag', 'click', () => call('untag', { actor: live.selected, tag: document.getElementById('tag-name').value }));
  for (const form of document.querySelectorAll('.controls form')) {
    const op = { 'pace-form': 'speed', 'spawn-form': 'spawn', 'action-form': 'action', 'replace-form': 'replace', 'state-form': 'state', 'tag-form': 'tag' }[form.id];
    if (op && !live.controls.includes(op)) form.hidden = true;
  }
  for (const [id, op] of [['pause', 'pause'], ['resume', 'resume'], ['remove', 'remove'], ['untag', 'untag']]) if (!live.controls.includes(op)) document.getElementById(id).hidden = true;
  if (live.controls.length === 0) for (const id of ['controls', 'control-calls']) document.getElementById(id).hidden = true;
}

function liveStatus(status) {
  const pace = status.pace;
  const parts = [status.state === 'done' ? 'finished' : status.state, 'sim ' + clock(status.simTime) + ' / ' + clock(status.simLimit), 'wall ' + clock(status.wallMs),
    status.actions + ' actions', status.failed + ' failed', status.complaints + ' complaints', status.actors + ' actors'];
  if (pace) {
    if (pace.speed !== undefined) parts.push('speed ' + pace.speed + 'x' + (pace.paused ? ' (paused)' : ''));
    if (pace.lag) parts.push('lag p99 ' + num(pace.lag.p99Ms, 1) + ' ms');
  }
  document.getElementById('summary').textContent = parts.join(' · ');
  const bar = document.getElementById('progress');
  bar.hidden = false;
  bar.firstElementChild.style.width = Math.min(100, status.simLimit > 0 ? status.simTime / status.simLimit * 100 : 0) + '%';
  const actions = document.getElementById('actions');
  actions.replaceChildren();
  row(actions, ['action', 'count', 'failed'], true);
  for (const [name, t] of Object.entries(status.byAction).sort((a, b) => b[1].count - a[1].count)) row(actions, [name, t.count, (t.count ? t.failed / t.count * 100 : 0).toFixed(1) + '%']);
  const behaviors = document.getElementById('behaviors');
  behaviors.replaceChildren();
  row(behaviors, ['behavior', 'actors', 'active', 'actions', 'failed', 'complaints'], true);
  const by = new Map();
  for (const { row: a } of live.actors.values()) {
    const b = by.get(a.behavior) ?? { actors: 0, active: 0, actions: 0, failed: 0, complaints: 0 };
    b.actors++; if (!a.stopped) b.active++; b.actions += a.actions; b.failed += a.failed; b.complaints += a.complaints;
    by.set(a.behavior, b);
  }
  for (const [name, b] of by) row(behaviors, [name, b.actors, b.active, b.actions, b.failed, b.complaints]);
  document.body.dataset.actions = status.actions;
  document.body.dataset.state = status.state;
  document.body.classList.toggle('done', status.state === 'done');
}

function liveComplaints(complaints) {
  const list = document.getElementById('complaints');
  if (complaints.length > 0 && list.firstElementChild?.classList.contains('muted')) list.replaceChildren();
  for (const c of complaints) {
    const li = el('li');
    li.append(el('span', c.severity, 'sev ' + c.severity), el('span', clock(c.simTime) + ' ', 'muted'), el('span', (live.actors.get(c.actorId)?.row.name || 'actor ' + c.actorId) + ': '), el('span', c.message));
    list.prepend(li);
  }
  while (list.children.length > 500) list.lastElementChild.remove();
}

function livePoints(points) {
  live.points.push(...points);
  if (live.points.length > 600) live.points.splice(0, live.points.length - 600);
  const p = live.points;
  const x = p.map((q) => q.wallMs);
  const rate = [x, p.map((q) => q.actionsPerSecond), p.map((q) => q.failed), p.map((q) => q.complaints)];
  const latency = [x, p.map((q) => q.p50), p.map((q) => q.p99)];
  if (!live.charts) {
    const when = { label: 'wall time', value: (u, v) => v === null ? '--' : clock(v) };
    document.getElementById('rate-title').textContent = 'Actions per second (wall time)';
    live.charts = [
      chart(document.getElementById('rate-chart'), [when, { label: 'actions/s', stroke: '#1f77b4' }, { label: 'failed', stroke: '#d62728' }, { label: 'complaints', stroke: '#b8860b' }], rate),
      chart(document.getElementById('latency-chart'), [when, { label: 'p50', stroke: '#2ca02c' }, { label: 'p99', stroke: '#9467bd' }], latency),
    ];
  } else {
    live.charts[0].setData(rate);
    live.charts[1].setData(latency);
  }
  document.body.dataset.points = live.points.length;
}

// One control call in a line: its op, what it named, and who made it (the rest is in the store).
function controlLine(d) {
  const what = d.op === 'spawn' ? d.count + ' ' + d.behavior + (d.ids ? ' (#' + d.ids.join(', #') + ')' : '')
    : d.actor !== undefined ? (live.actors.get(d.actor)?.row.name || 'actor ' + d.actor) + (d.behavior ? ' → ' + d.behavior : d.action ? ': ' + d.action : d.tag ? ' ' + d.tag : '')
    : d.to !== undefined ? 'to ' + JSON.stringify(d.to) : '';
  return d.op + ' ' + what + ' · ' + d.source + (d.clientId ? ' ' + d.clientId : '');
}

function onLive(message) {
  if (message.type === 'hello') {
    document.getElementById('title').textContent = message.title;
    for (const a of message.actors) liveActor(a, false);
    if (!live.wired) {
      wireControls(message);
      live.wired = true;
      if (message.status.pace?.speed !== undefined) document.getElementById('speed').value = message.status.pace.speed;
    }
    live.points = [];
    livePoints(message.points);
    const list = document.getElementById('complaints');
    list.replaceChildren();
    if (message.complaints.length === 0) list.append(el('li', 'No complaints yet.', 'muted'));
    liveComplaints(message.complaints);
    liveStatus(message.status);
    document.body.dataset.ready = 'true';
    return;
  }
  for (const a of message.spawned) liveActor(a, false);
  for (const c of message.changed) liveCounts(c);
  flash();
  livePoints([message.point]);
  if (message.complaints.length > 0) liveComplaints(message.complaints);
  const log = document.getElementById('control-log');
  for (const c of message.controls) log.prepend(el('li', clock(c.simTime) + ' ' + controlLine(c.detail)));
  liveStatus(message.status);
}

function startLive() {
  document.body.classList.add('live');
  const url = new URL('api/live', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.onmessage = (event) => onLive(JSON.parse(event.data));
  socket.onclose = () => { if (document.body.dataset.state !== 'done') document.getElementById('summary').textContent += ' · disconnected (the run ended or stopped)'; };
}

load().then((data) => (data.type === 'hello' ? startLive() : draw(data)), (error) => { document.getElementById('summary').textContent = 'cannot load the run: ' + error.message; });
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
