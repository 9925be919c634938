import { h, mount, ago, millis, badge } from './dom.js';
import { get, enc, token } from './api.js';

const STATES = ['', 'running', 'succeeded', 'failed', 'timed_out', 'killed', 'lost', 'skipped', 'missed'];

/** All runs, newest first, filtered by state and job, a page at a time. */
export async function runsPage() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const state = h('select', { class: 'form-select form-select-sm', style: 'max-width: 12rem', id: 'state-filter' },
    STATES.map(s => h('option', { value: s, selected: s === (params.get('state') || '') }, s || 'any state')));
  const job = h('input', { class: 'form-control form-control-sm', style: 'max-width: 14rem', placeholder: 'job', id: 'job-filter', value: params.get('job') || '' });
  const holder = h('div', {});
  const more = h('button', { class: 'btn btn-sm btn-outline-secondary d-none', id: 'more' }, 'Load more');
  let cursor = null;
  let shown = [];
  const load = async (reset) => {
    if (reset) { cursor = null; shown = []; }
    const q = new URLSearchParams({ limit: '50' });
    if (state.value) q.set('state', state.value);
    if (job.value.trim()) q.set('job', job.value.trim());
    if (cursor) q.set('cursor', cursor);
    const page = await get('/api/v1/runs?' + q);
    shown = shown.concat(page.runs);
    cursor = page.nextCursor || null;
    holder.replaceChildren(runsTable(shown, true));
    more.classList.toggle('d-none', !cursor);
  };
  state.addEventListener('change', () => load(true));
  job.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  mount(h('div', {}, h('div', { class: 'd-flex gap-2 mb-2 align-items-center' }, h('h4', { class: 'me-auto mb-0' }, 'Runs'), job, state), holder, more));
  await load(true);
}

export function runsTable(runs, withJob) {
  return h('table', { class: 'table table-sm table-hover', id: 'runs' },
    h('thead', {}, h('tr', {}, ['Run', 'State', 'Fired', 'Duration', 'Worker', 'Exit', 'Why'].map(t => h('th', {}, t)))),
    h('tbody', {}, runs.length ? runs.map(r => h('tr', { dataset: { run: r.id } },
      h('td', {}, h('a', { href: '#/runs/' + enc(r.id), class: 'run-link' }, withJob ? r.id : r.id.replace(/^[^@]*/, ''))),
      h('td', {}, badge(r.state)),
      h('td', { title: r.fireTime }, ago(r.fireTime)),
      h('td', {}, millis(r.durationMillis)),
      h('td', {}, r.worker),
      h('td', {}, r.exitCode ?? '-'),
      h('td', { class: 'small' }, r.reason))) : [h('tr', {}, h('td', { colspan: 7, class: 'text-muted' }, 'No runs.'))]));
}

/** One run: its record and its output, followed live while it runs. */
export async function runPage(id) {
  const run = await get('/api/v1/runs/' + enc(id));
  const output = h('pre', { class: 'output', id: 'output' });
  output.textContent = run.output || '';
  const status = h('span', { id: 'run-state' }, badge(run.state));
  const facts = h('tbody', {});
  const render = (r) => {
    status.replaceChildren(badge(r.state));
    facts.replaceChildren(...['job', 'trigger', 'fireTime', 'startedAt', 'endedAt', 'durationMillis', 'worker', 'fencingToken', 'attempt', 'exitCode', 'signal', 'reason', 'outputSize']
      .filter(k => r[k] !== undefined && r[k] !== '')
      .map(k => h('tr', {}, h('th', { class: 'fw-normal text-muted' }, k), h('td', {}, k === 'job' ? h('a', { href: '#/jobs/' + enc(r.job) }, r.job) : String(r[k])))));
  };
  render(run);
  const live = h('span', { class: 'small text-muted ms-2', id: 'live' });
  mount(h('div', {}, h('h4', {}, id, ' ', status, live), h('table', { class: 'table table-sm w-auto' }, facts), h('h6', {}, 'Output'), output));
  if (run.state !== 'RUNNING') return;

  // Follow: the stream replays the stored output from the start, then what comes.
  live.textContent = 'following live…';
  output.textContent = '';
  const url = `/api/v1/runs/${enc(id)}/output/stream` + (token() ? '?access_token=' + enc(token()) : '');
  const source = new EventSource(url);
  source.addEventListener('output', (e) => {
    const chunk = JSON.parse(e.data);
    output.append(document.createTextNode(chunk.text));
    output.scrollTop = output.scrollHeight;
  });
  source.addEventListener('end', (e) => {
    render(JSON.parse(e.data));
    live.textContent = 'ended';
    source.close();
  });
  source.onerror = () => { live.textContent = 'stream interrupted; reload to resume'; };
  return () => source.close();
}
