import { h, svg, ago, millis, when, label, flash } from './dom.js';
import { api, get, enc } from './api.js';
import { runWithDialog } from './rundialog.js';
import { may } from './auth.js';
import { jobHref, runHref } from './router.js';
import { runsTable } from './runs.js';

/** One job: definition, next fires, statistics, a timeline of recent runs and its runs. */
export async function jobPage(nav, name) {
  const [job, runs, stats] = await Promise.all([
    get('/api/v1/jobs/' + enc(name)),
    get('/api/v1/runs?limit=100&job=' + enc(name)),
    get('/api/v1/stats?job=' + enc(name)),
  ]);
  const s = job.spec;
  const st = stats[name] || {};
  const rows = Object.entries(s).map(([k, v]) => h('tr', {}, h('th', { class: 'fw-normal text-muted' }, label(k)),
    h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
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
    h('h6', { class: 'mt-2' }, 'Timeline of recent runs'),
    timeline(runs.runs),
    h('h6', { class: 'mt-3' }, 'Runs'),
    runsTable(runs.runs, false, s.timeZone)));
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
