import { h, ago, when, staleNote } from './dom.js';
import { get } from './api.js';
import { runHref } from './router.js';

/** The live workers; refreshes every 5 seconds. */
export async function workersPage(nav) {
  const body = h('tbody', { id: 'workers-body' });
  const stale = h('div', { class: 'small text-danger', id: 'refresh-error' });
  let shownAt = null;
  nav.mount(h('div', {}, h('h4', {}, 'Workers'), stale,
    h('table', { class: 'table table-sm', id: 'workers' },
      h('thead', {}, h('tr', {}, ['Id', 'Host', 'Pid', 'Tags', 'Capacity', 'Running', 'Lease', 'Up since', 'Version'].map(t => h('th', {}, t)))),
      body)));
  const refresh = async () => {
    let workers, nextCursor;
    try {
      ({ workers, nextCursor } = await get('/api/v1/workers'));
    } catch (e) {
      stale.replaceChildren(staleNote(e, shownAt));
      if (!shownAt) throw e;
      return;
    }
    if (!nav.live()) return;
    shownAt = new Date();
    stale.replaceChildren();
    body.replaceChildren(...(workers.length ? workers.map(w => h('tr', {},
      h('td', {}, w.id), h('td', {}, w.host), h('td', {}, w.pid), h('td', {}, (w.tags || []).join(', ') || '-'),
      h('td', {}, w.capacity),
      h('td', {}, w.running.length ? w.running.map(r => h('div', {}, h('a', { href: runHref(r) }, r))) : '-'),
      h('td', {}, h('code', {}, w.lease), ' ', w.draining
        ? h('span', { class: 'badge bg-warning text-dark' }, 'draining')
        : h('span', { class: 'badge bg-success' }, 'live')),
      h('td', { title: when(w.startedAt) }, ago(w.startedAt)), h('td', {}, w.version)))
      : [h('tr', {}, h('td', { colspan: 9, class: 'text-muted' }, 'No live worker: start one with ./etcron worker'))]),
      ...(nextCursor ? [h('tr', {}, h('td', { colspan: 9, class: 'text-muted', id: 'workers-more' },
        `The first ${workers.length} workers by id; the API pages the rest (GET /api/v1/workers?cursor=…)`))] : []));
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => clearInterval(timer);
}
