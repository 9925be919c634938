import { h, ago, millis, badge, when, label, bytes } from './dom.js';
import { get, enc, token, ApiError } from './api.js';
import { jobHref, runHref } from './router.js';
import { model, runStates } from './model.js';
import { deliveries } from './notifications.js';

/** All runs, newest first, filtered by state and job (both also read from the link), a page at a time. */
export async function runsPage(nav, params) {
  const STATES = [''].concat(runStates(await model()));
  const state = h('select', { class: 'form-select form-select-sm', style: 'max-width: 12rem', id: 'state-filter' },
    STATES.map(s => h('option', { value: s, selected: s === (params.get('state') || '').toLowerCase() }, s ? s.replace('_', ' ') : 'any state')));
  const job = h('input', { class: 'form-control form-control-sm', style: 'max-width: 14rem', placeholder: 'job', id: 'job-filter', value: params.get('job') || '' });
  const holder = h('div', {});
  const more = h('button', { class: 'btn btn-sm btn-outline-secondary d-none', id: 'more' }, 'Load more');
  let cursor = null;
  let shown = [];
  let asked = 0;
  const load = async (reset) => {
    const mine = ++asked;
    const q = new URLSearchParams({ limit: '50' });
    if (state.value) q.set('state', state.value);
    if (job.value.trim()) q.set('job', job.value.trim());
    if (!reset && cursor) q.set('cursor', cursor);
    const page = await get('/api/v1/runs?' + q);
    if (mine !== asked || !nav.live()) return;
    shown = (reset ? [] : shown).concat(page.runs);
    cursor = page.nextCursor || null;
    holder.replaceChildren(runsTable(shown, true));
    more.classList.toggle('d-none', !cursor);
  };
  // The filters live in the link, so a filtered list can be shared.
  const filtered = () => {
    const q = new URLSearchParams();
    if (state.value) q.set('state', state.value);
    if (job.value.trim()) q.set('job', job.value.trim());
    history.replaceState(null, '', '#/runs' + (q.toString() ? '?' + q : ''));
    load(true).catch(() => {});
  };
  state.addEventListener('change', filtered);
  job.addEventListener('change', filtered);
  more.addEventListener('click', () => load(false));
  nav.mount(h('div', {}, h('div', { class: 'd-flex gap-2 mb-2 align-items-center' }, h('h4', { class: 'me-auto mb-0' }, 'Runs'), job, state), holder, more));
  await load(true);
}

/** A run's name as people read it: the job and when it fired. */
function runTitle(r, zone) {
  return `${r.job}, fired ${when(r.fireTime, zone)}` + ({ manual: ' (run by hand)', after: " (after a parent's run)" }[r.trigger] || '');
}

export function runsTable(runs, withJob, zone) {
  return h('table', { class: 'table table-sm table-hover', id: 'runs' },
    h('thead', {}, h('tr', {}, ['Run', 'State', 'Fired', 'Duration', 'Worker', 'Exit code', 'Why'].map(t => h('th', {}, t)))),
    h('tbody', {}, runs.length ? runs.map(r => h('tr', { dataset: { run: r.id } },
      h('td', {}, h('a', { href: runHref(r.id), class: 'run-link', title: r.id }, withJob ? runTitle(r, zone) : when(r.fireTime, zone))),
      h('td', {}, badge(r.state)),
      h('td', { title: when(r.fireTime, zone) }, ago(r.fireTime)),
      h('td', {}, millis(r.durationMillis)),
      h('td', {}, r.worker),
      h('td', {}, r.exitCode ?? '-'),
      h('td', { class: 'small' }, r.reason))) : [h('tr', {}, h('td', { colspan: 7, class: 'text-muted' }, 'No runs.'))]));
}

const FACTS = ['job', 'trigger', 'fireTime', 'startedAt', 'endedAt', 'durationMillis', 'worker', 'fencingToken', 'attempt', 'exitCode', 'signal', 'reason', 'outputSize'];

function fact(k, r, zone) {
  if (k === 'job') return h('a', { href: jobHref(r.job) }, r.job);
  if (k === 'fireTime' || k === 'startedAt' || k === 'endedAt') return when(r[k], zone);
  if (k === 'durationMillis') return millis(r[k]);
  if (k === 'outputSize') return bytes(r[k]);
  if (k === 'trigger') return { manual: 'run by hand', after: "a parent's run" }[String(r[k]).toLowerCase()] || 'its schedule';
  return String(r[k]);
}

/**
 * A run's record; a manual run asked for a moment ago has none until a worker claims it, so its
 * page waits for it (while the page is open).
 */
async function record(nav, id, waiting) {
  for (;;) {
    try {
      return await get('/api/v1/runs/' + enc(id));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404 || !id.endsWith('~manual') || nav.signal.aborted) throw e;
      waiting();
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

const AFTER = '~after~';

/** The id of the run that fired this one, or null: the first ~after~ ends the run's own part. */
function parentRun(id) {
  const i = id.indexOf(AFTER);
  return i < 0 ? null : id.slice(i + AFTER.length);
}

/** The "After" fact: a link to the parent's run. */
function parentFact(id) {
  const parent = parentRun(id);
  if (!parent) return '';
  return h('tr', {}, h('th', { class: 'fw-normal text-muted' }, 'After'),
    h('td', {}, h('a', { href: runHref(parent), id: 'run-parent', title: parent }, idTitle(parent))));
}

/** A run id as people read it: "job, fired <time>" (the id's own part: job@millis). */
function idTitle(id) {
  const m = /^([^@]+)@(\d+)/.exec(id);
  return m ? `${m[1]}, fired ${when(new Date(Number(m[2])).toISOString())}` : id;
}

/**
 * "Runs after this one": the runs of the job's children (from its graph) that this run fired; the
 * newest 100 runs of each child are looked at.
 */
async function childRuns(run) {
  const graph = await get('/api/v1/jobs/' + enc(run.job) + '/graph').catch(() => null);
  const children = [...new Set((graph ? graph.edges : []).filter(e => e.from === run.job).map(e => e.to))];
  if (!children.length) return '';
  const pages = await Promise.all(children.map(c => get(`/api/v1/runs?job=${enc(c)}&limit=100`).catch(() => ({ runs: [] }))));
  const fired = pages.flatMap(p => p.runs).filter(r => parentRun(r.id) === run.id);
  return [h('h6', {}, 'Runs after this one'),
    h('ul', { class: 'small', id: 'run-children' }, fired.length
      ? fired.map(r => h('li', {}, h('a', { href: runHref(r.id), class: 'child-run', title: r.id }, idTitle(r.id)), ' ', badge(r.state)))
      : h('li', { class: 'text-muted' }, `None yet (after ${children.join(', ')}).`))];
}

/** A manual run's parameters, as K=V rows. */
function params(r) {
  const entries = Object.entries(r.params || {});
  if (!entries.length) return '';
  return [h('h6', {}, 'Parameters'),
    h('table', { class: 'table table-sm w-auto font-monospace', id: 'run-params' },
      h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', { class: 'fw-normal' }, k), h('td', { class: 'param' }, v)))))];
}

/** One run: its record and its output, followed live while it runs. */
export async function runPage(nav, id) {
  const run = await record(nav, id, () => nav.mount(h('p', { class: 'text-muted', id: 'run-waiting' },
    `${id}: asked for; waiting for a worker to claim it…`)));
  const zone = await get('/api/v1/jobs/' + enc(run.job)).then(j => j.spec.timeZone, () => undefined);
  const output = h('pre', { class: 'output', id: 'output' });
  output.textContent = run.output || '';
  const status = h('span', { id: 'run-state' }, badge(run.state));
  const facts = h('tbody', {});
  const parent = parentFact(id);
  const render = (r) => {
    status.replaceChildren(badge(r.state));
    facts.replaceChildren(...FACTS.filter(k => r[k] !== undefined && r[k] !== '')
      .map(k => h('tr', {}, h('th', { class: 'fw-normal text-muted' }, label(k)), h('td', {}, fact(k, r, zone)))), parent);
  };
  render(run);
  const children = h('div', {});
  const showChildren = () => childRuns(run).then(c => children.replaceChildren(...[c].flat()), () => {});
  showChildren();
  const live = h('span', { class: 'small text-muted ms-2', id: 'live' });
  const notes = deliveries(id, zone);
  nav.mount(h('div', {}, h('h4', { title: id }, runTitle(run, zone), ' ', status, live),
    h('table', { class: 'table table-sm w-auto' }, facts), params(run), children,
    h('h6', {}, 'Notifications'), notes.node, h('h6', {}, 'Output'), output));
  if (run.state !== 'RUNNING') return;

  // Follow: the stream replays the stored output from offset 0, then what comes. After an
  // interruption it resumes from the offset after the last text shown, so nothing shows twice.
  live.textContent = 'following live…';
  output.textContent = '';
  const shown = { next: 0 };
  const follow = async () => {
    while (!nav.signal.aborted) {
      try {
        const ended = await stream(id, shown, nav.signal, (chunk) => {
          output.append(document.createTextNode(chunk.text));
          output.scrollTop = output.scrollHeight;
        });
        if (ended) {
          render(ended);
          notes.refresh();
          showChildren();
          live.textContent = 'ended';
          return;
        }
      } catch (e) {
        if (nav.signal.aborted) return;
        live.textContent = 'stream interrupted; resuming…';
      }
      await new Promise(r => setTimeout(r, 1000));
      if (!nav.signal.aborted) live.textContent = 'following live…';
    }
  };
  follow();
  return () => nav.controller.abort();
}

/**
 * Reads the run's event stream from shown.next with the token in a header (never in the URL).
 * Calls onText for each output event at or after shown.next and advances it; resolves with the
 * run when the end event comes, or null when the stream closed early.
 */
async function stream(id, shown, signal, onText) {
  const headers = { Accept: 'text/event-stream' };
  if (token()) headers.Authorization = 'Bearer ' + token();
  const res = await fetch(`/api/v1/runs/${enc(id)}/output/stream?from=${shown.next}`, { headers, signal });
  if (!res.ok) throw new Error('HTTP ' + res.status);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return null;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (event.type === 'output') {
        const chunk = JSON.parse(event.data);
        onText(chunk);
        if (event.id) shown.next = Number(event.id);
      } else if (event.type === 'end') {
        return JSON.parse(event.data);
      }
    }
  }
}

function parseEvent(text) {
  const event = { type: 'message', data: '', id: null };
  const data = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event.type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') event.id = value;
  }
  event.data = data.join('\n');
  return event;
}
