import { h, svg, flash, ago, millis, badge, when, staleNote } from './dom.js';
import { api, get, enc } from './api.js';
import { may } from './auth.js';
import { jobHref } from './router.js';

/** The jobs table with filter, sparklines and actions; refreshes every 5 seconds. */
export async function jobsPage(nav) {
  let filter = sessionStorage.getItem('etcron.filter') || '';
  const search = h('input', { class: 'form-control form-control-sm', style: 'max-width: 20rem', placeholder: 'Filter by name, command, URL, tag…', id: 'filter', value: filter });
  const body = h('tbody', { id: 'jobs-body' });
  const table = h('table', { class: 'table table-sm table-hover align-middle', id: 'jobs' },
    h('thead', {}, h('tr', {}, ['Name', 'Schedule', 'Zone', 'Next fire', 'Last run', 'Recent', 'State', ''].map(t => h('th', {}, t)))),
    body);
  const stale = h('div', { class: 'small text-danger', id: 'refresh-error' });
  // Pages of jobs shown: the list grows by a page at a time, up to the API's largest page.
  const PAGE = 100, MOST = 1000;
  let shown = PAGE;
  // One button, kept across refreshes (a click must not land on a replaced element).
  const moreButton = h('button', { class: 'btn btn-sm btn-outline-secondary', id: 'show-more', hidden: true,
    onclick: () => { shown = Math.min(MOST, shown + PAGE); refresh().catch(() => {}); } });
  const moreNote = h('span', {});
  const more = h('div', { class: 'small text-muted', id: 'jobs-more' }, moreButton, moreNote);
  nav.mount(h('div', {},
    h('div', { class: 'd-flex gap-2 mb-2 align-items-center' },
      h('h4', { class: 'me-auto mb-0' }, 'Jobs'),
      search,
      may('admin') ? h('a', { class: 'btn btn-sm btn-primary', href: '#/jobs/new', id: 'new-job' }, 'New job') : ''),
    stale,
    table,
    more));

  // Answers can arrive out of order: only the newest request's answer is shown.
  let asked = 0;
  let shownAt = null;
  async function refresh() {
    const mine = ++asked;
    const wanted = filter;
    try {
      // A filtered page may come back short (each request reads a bounded number of jobs):
      // follow the cursor, a few requests at most, until the page is full.
      const jobs = [];
      let nextCursor = null;
      let total = 0;
      for (let requests = 0; requests < 10 && jobs.length < shown && (requests === 0 || nextCursor); requests++) {
        const page = await get(`/api/v1/jobs?limit=${shown - jobs.length}` + (wanted ? '&q=' + enc(wanted) : '')
          + (nextCursor ? '&cursor=' + enc(nextCursor) : ''));
        jobs.push(...page.jobs);
        nextCursor = page.nextCursor;
        total = page.total;
      }
      if (mine !== asked || !nav.live()) return;
      shownAt = new Date();
      stale.replaceChildren();
      moreButton.hidden = !nextCursor || shown >= MOST;
      moreButton.textContent = `Show more (${jobs.length} shown of ${total} jobs)`;
      moreNote.textContent = nextCursor && shown >= MOST ? `The first ${jobs.length} jobs are shown: filter to find others.` : '';
      body.replaceChildren(...(jobs.length ? jobs.map(row) : [h('tr', {}, h('td', { colspan: 8, class: 'text-muted' }, wanted ? 'No job matches.' : 'No jobs yet.'))]));
    } catch (e) {
      if (mine !== asked || !nav.live()) return;
      stale.replaceChildren(staleNote(e, shownAt));
      if (!shownAt) throw e;
    }
  }
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      filter = search.value.trim();
      shown = PAGE;
      sessionStorage.setItem('etcron.filter', filter);
      refresh().catch(() => {});
    }, 250);
  });

  function row(j) {
    const s = j.spec;
    const last = j.stats && j.stats.last;
    const next = j.nextFires && j.nextFires[0];
    return h('tr', { dataset: { job: s.name } },
      h('td', {}, h('a', { href: jobHref(s.name), class: 'job-link' }, s.name)),
      h('td', {}, scheduleCell(j)),
      h('td', {}, s.timeZone),
      h('td', { title: next ? when(next, s.timeZone) : '' }, next ? ago(next) : '-'),
      h('td', {}, last ? [badge(last.state), ' ', h('span', { class: 'small text-muted' }, millis(last.durationMillis))] : '-'),
      h('td', {}, sparkline(j.recent || [])),
      h('td', {}, s.paused ? h('span', { class: 'badge bg-secondary paused' }, 'paused') : h('span', { class: 'badge bg-light text-dark' }, 'active')),
      h('td', { class: 'actions' }, actions(s)));
  }

  function actions(s) {
    const btn = (label, cls, fn, id) => h('button', { class: `btn btn-sm ${cls} ms-1`, id, onclick: fn }, label);
    const act = (verb, confirmText) => async () => {
      if (confirmText && !confirm(confirmText)) return;
      try {
        await api('POST', `/api/v1/jobs/${enc(s.name)}/${verb}`);
        flash(`${verb} ${s.name}: done`, 'success');
      } catch (e) {
        flash(`${verb} ${s.name}: ${e.message}`);
      }
      refresh();
    };
    const out = [];
    if (may('operator')) {
      out.push(s.paused ? btn('Resume', 'btn-outline-success', act('resume'), 'resume-' + s.name) : btn('Pause', 'btn-outline-secondary', act('pause'), 'pause-' + s.name));
      out.push(btn('Run now', 'btn-outline-primary', act('trigger'), 'trigger-' + s.name));
      out.push(btn('Kill', 'btn-outline-danger', act('kill', `Kill every running run of ${s.name}?`), 'kill-' + s.name));
    }
    if (may('admin')) {
      out.push(h('a', { class: 'btn btn-sm btn-outline-dark ms-1', href: `${jobHref(s.name)}/edit`, id: 'edit-' + s.name }, 'Edit'));
      out.push(btn('Delete', 'btn-danger', async () => {
        if (!confirm(`Delete job ${s.name}? Its running runs are killed.`)) return;
        try {
          await api('DELETE', `/api/v1/jobs/${enc(s.name)}`);
          flash(`job ${s.name} deleted`, 'success');
        } catch (e) {
          flash(`delete ${s.name}: ${e.message}`);
        }
        refresh();
      }, 'delete-' + s.name));
    }
    return out;
  }

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => { clearInterval(timer); clearTimeout(typing); };
}

/** A job's schedule and its words; a job without one shows the jobs it runs after. */
function scheduleCell(j) {
  const s = j.spec;
  if (!s.schedule && s.after) return h('span', { class: 'after' }, 'after ' + s.after.jobs.join(', '));
  return [h('code', {}, s.schedule), h('div', { class: 'schedule-words' }, j.schedule)];
}

/** The newest runs as coloured bars, one per run, oldest first. */
export function sparkline(runs) {
  const w = 6, gap = 2, height = 18;
  return svg('svg', { class: 'spark', width: Math.max(1, runs.length * (w + gap)), height },
    runs.map((r, i) => svg('rect', { x: i * (w + gap), y: 0, width: w, height, class: r.state },
      svg('title', {}, `${r.state.toLowerCase()}, fired ${when(r.fireTime)}`))));
}
