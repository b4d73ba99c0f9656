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
</style>
</head>
<body>
<header><h1 id="title"></h1><div class="summary" id="summary">loading…</div></header>
<main>
  <div>
    <section><h2 id="rate-title">Actions over sim time</h2><div id="rate-chart"></div></section>
    <section style="margin-top:16px"><h2>Latency (ms)</h2><div id="latency-chart"></div></section>
    <section style="margin-top:16px"><h2>Actions</h2><table id="actions"></table></section>
    <section style="margin-top:16px"><h2>Behaviors</h2><table id="behaviors"></table></section>
  </div>
  <div>
    <section><h2>Actors</h2><div id="legend"></div><div id="grid"></div><div id="card" class="muted">Click an actor for its card.</div></section>
    <section style="margin-top:16px"><h2>Complaints</h2><ul id="complaints"></ul></section>
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

load().then(draw, (error) => { document.getElementById('summary').textContent = 'cannot load the run: ' + error.message; });
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
