import { h, svg, ago, millis, when, label, flash } from './dom.js';
import { api, get, enc } from './api.js';
import { runWithDialog } from './rundialog.js';
import { may } from './auth.js';
import { jobHref, runHref } from './router.js';
import { runsTable } from './runs.js';

/** One job: definition, next fires, statistics, a timeline of recent runs and its runs. */
export async function jobPage(nav, name) {
  const [job, runs, stats, graph] = await Promise.all([
    get('/api/v1/jobs/' + enc(name)),
    get('/api/v1/runs?limit=100&job=' + enc(name)),
    get('/api/v1/stats?job=' + enc(name)),
    get('/api/v1/jobs/' + enc(name) + '/graph').catch(() => null),
  ]);
  const s = job.spec;
  const st = stats[name] || {};
  const rows = Object.entries(s).map(([k, v]) => h('tr', {}, h('th', { class: 'fw-normal text-muted' }, label(k)),
    h('td', { id: 'spec-' + k }, specValue(k, v))));
  nav.mount(h('div', {},
    h('div', { class: 'd-flex align-items-center mb-2' },
      h('h4', { class: 'me-auto mb-0', id: 'job-title' }, name, s.paused ? h('span', { class: 'badge bg-secondary ms-2' }, 'paused') : ''),
      may('operator') ? runButtons(name) : '',
      may('admin') ? h('a', { class: 'btn btn-sm btn-outline-dark ms-1', href: `${jobHref(name)}/edit` }, 'Edit') : ''),
    h('div', { class: 'row' },
      h('div', { class: 'col-md-6' }, h('table', { class: 'table table-sm' }, h('tbody', {}, rows))),
      h('div', { class: 'col-md-6' },
        h('h6', {}, job.schedule),
        h('ul', { class: 'small' }, job.nextFires.map(f => h('li', { title: f }, when(f, s.timeZone), ' (', ago(f), ')'))),
        h('h6', { class: 'mt-3' }, 'Last 24 hours'),
        h('p', { class: 'small', id: 'job-stats' },
          `success rate ${st.successRate === undefined ? '-' : Math.round(st.successRate * 100) + '%'} · `,
          `p50 ${millis(st.p50Millis)} · p95 ${millis(st.p95Millis)} · p99 ${millis(st.p99Millis)} · `,
          Object.entries(st.counts || {}).map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ')))),
    graphSection(graph),
    h('h6', { class: 'mt-2' }, 'Timeline of recent runs'),
    timeline(runs.runs),
    h('h6', { class: 'mt-3' }, 'Runs'),
    runsTable(runs.runs, false, s.timeZone)));
}

/** A spec field as people read it: lists comma-separated, a job's parents with their rule. */
function specValue(key, v) {
  if (key === 'after') return `${(v.jobs || []).join(', ')} (on ${v.on || 'success'})`;
  if (Array.isArray(v) && v.every(x => typeof x !== 'object')) return v.join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** "Run now" and "Run with…": each asks for a manual run, then opens its page. */
function runButtons(name) {
  const opened = (runId) => { if (runId) location.hash = runHref(runId); };
  return [
    h('button', {
      class: 'btn btn-sm btn-outline-primary ms-1', id: 'run-now', onclick: async () => {
        try {
          opened((await api('POST', `/api/v1/jobs/${enc(name)}/trigger`)).json.runId);
        } catch (e) {
          flash(`trigger ${name}: ${e.message}`);
        }
      },
    }, 'Run now'),
    h('button', { class: 'btn btn-sm btn-outline-primary ms-1', id: 'run-with', onclick: () => runWithDialog(name).then(opened) }, 'Run with…'),
  ];
}

/** Recent runs on a time axis: each a bar from start to end (or a tick), coloured by outcome. */
export function timeline(runs) {
  const width = 900, height = 60, pad = 20;
  if (!runs.length) return h('p', { class: 'text-muted small' }, 'No runs yet.');
  const times = runs.flatMap(r => [Date.parse(r.fireTime), r.endedAt ? Date.parse(r.endedAt) : Date.now()]);
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1000);
  const x = (t) => pad + (t - t0) / (t1 - t0) * (width - 2 * pad);
  const bars = runs.map(r => {
    const start = Date.parse(r.startedAt || r.fireTime);
    const end = r.endedAt ? Date.parse(r.endedAt) : Date.now();
    const w = Math.max(3, x(end) - x(start));
    return svg('a', { href: runHref(r.id) },
      svg('rect', { x: x(start), y: 12, width: w, height: 30, class: r.state },
        svg('title', {}, `${r.state.toLowerCase()}, fired ${when(r.fireTime)}, took ${millis(r.durationMillis)}`)));
  });
  return svg('svg', { class: 'timeline', id: 'timeline', width: '100%', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' },
    bars,
    svg('text', { x: pad, y: 56, 'font-size': 10 }, new Date(t0).toISOString().replace('T', ' ').slice(0, 19)),
    svg('text', { x: width - pad, y: 56, 'font-size': 10, 'text-anchor': 'end' }, new Date(t1).toISOString().replace('T', ' ').slice(0, 19)));
}

/** "Runs after / runs before": the job's parents and children, when it has any. */
function graphSection(graph) {
  if (!graph || !graph.edges.length) return '';
  return h('div', { id: 'job-graph', class: 'mb-2' }, h('h6', {}, 'Runs after / runs before'), graphSvg(graph),
    graph.truncated ? h('div', { class: 'small text-muted' }, 'Only part of the graph is shown.') : '');
}

/**
 * Each job's column: its ancestors to the left (a parent left of all its children), the job at 0,
 * its descendants to the right.
 */
function graphColumns(graph) {
  const up = new Map([[graph.job, 0]]);
  const down = new Map([[graph.job, 0]]);
  for (let pass = 0; pass < graph.nodes.length; pass++) {
    let changed = false;
    for (const e of graph.edges) {
      if (up.has(e.to) && e.from !== graph.job && (up.get(e.from) ?? -1) < up.get(e.to) + 1) {
        up.set(e.from, up.get(e.to) + 1);
        changed = true;
      }
      if (down.has(e.from) && e.to !== graph.job && (down.get(e.to) ?? -1) < down.get(e.from) + 1) {
        down.set(e.to, down.get(e.from) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = new Map();
  for (const n of graph.nodes) columns.set(n.name, up.has(n.name) && n.name !== graph.job ? -up.get(n.name) : down.get(n.name) ?? 0);
  return columns;
}

/** The graph as boxes in columns, left to right, each linking to its job; edges labelled with on. */
function graphSvg(graph) {
  const boxW = 170, boxH = 30, gapX = 90, gapY = 14, pad = 10;
  const columns = graphColumns(graph);
  const least = Math.min(...columns.values());
  const rows = new Map();
  const at = new Map();
  for (const n of [...graph.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    const c = columns.get(n.name) - least;
    const r = rows.get(c) || 0;
    rows.set(c, r + 1);
    at.set(n.name, { x: pad + c * (boxW + gapX), y: pad + r * (boxH + gapY) });
  }
  const width = 2 * pad + (Math.max(...rows.keys()) + 1) * (boxW + gapX) - gapX;
  const height = 2 * pad + Math.max(...rows.values()) * (boxH + gapY) - gapY;
  const lines = graph.edges.filter(e => at.has(e.from) && at.has(e.to)).map(e => {
    const a = at.get(e.from), b = at.get(e.to);
    const x1 = a.x + boxW, y1 = a.y + boxH / 2, x2 = b.x, y2 = b.y + boxH / 2;
    return svg('g', { class: 'edge' },
      svg('line', { x1, y1, x2, y2, 'marker-end': 'url(#arrow)' }),
      svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle', 'font-size': 10 }, e.on));
  });
  const boxes = graph.nodes.map(n => graphBox(n, at.get(n.name), boxW, boxH, n.name === graph.job));
  return svg('svg', { class: 'job-graph', width, height, viewBox: `0 0 ${width} ${height}` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z' }))),
    lines, boxes);
}

/** One job's box: the job itself highlighted, a missing parent dashed and not linked. */
function graphBox(node, p, w, hgt, self) {
  const suffix = node.exists ? '' : ' (missing)';
  const room = 24 - suffix.length;
  const text = (node.name.length > room ? node.name.slice(0, room - 1) + '…' : node.name) + suffix;
  const cls = 'node' + (self ? ' self' : '') + (node.exists ? '' : ' missing') + (node.paused ? ' paused' : '');
  const box = svg('g', { class: cls, 'data-job': node.name },
    svg('title', {}, node.name + (node.exists ? (node.schedule ? ': ' + node.schedule : '') : ' (missing)') + (node.paused ? ' (paused)' : '')),
    svg('rect', { x: p.x, y: p.y, width: w, height: hgt, rx: 4 }),
    svg('text', { x: p.x + w / 2, y: p.y + hgt / 2 + 4, 'text-anchor': 'middle', 'font-size': 12 },
      text));
  return node.exists ? svg('a', { href: jobHref(node.name) }, box) : box;
}
