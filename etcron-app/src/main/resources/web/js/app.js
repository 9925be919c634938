import { h, mount, flash } from './dom.js';
import { api, ApiError, setToken, token } from './api.js';
import { session } from './auth.js';
import { parse, match } from './router.js';
import { jobsPage } from './jobs.js';
import { jobFormPage } from './jobform.js';
import { jobPage } from './job.js';
import { runsPage, runPage } from './runs.js';
import { workersPage } from './workers.js';

const ROUTES = [
  ['/jobs', (nav) => jobsPage(nav)],
  ['/jobs/new', (nav) => jobFormPage(nav, null)],
  ['/jobs/:name/edit', (nav, p) => jobFormPage(nav, p.name)],
  ['/jobs/:name', (nav, p) => jobPage(nav, p.name)],
  ['/runs', (nav, p, query) => runsPage(nav, query)],
  ['/runs/:id', (nav, p) => runPage(nav, p.id)],
  ['/workers', (nav) => workersPage(nav)],
];

// One navigation at a time: each gets a token; a page that finishes loading after a newer
// navigation began is stopped and never mounted.
let current = { stop: () => {}, controller: new AbortController() };

function begin() {
  current.controller.abort();
  current.stop();
  const controller = new AbortController();
  const nav = {
    controller,
    signal: controller.signal,
    stop: () => {},
    live: () => nav === current && !controller.signal.aborted,
    mount: (node) => { if (nav.live()) mount(node); },
  };
  current = nav;
  return nav;
}

async function route() {
  const nav = begin();
  flash('');
  const { segments, query } = parse(location.hash);
  for (const id of ['jobs', 'runs', 'workers']) {
    document.getElementById('nav-' + id).classList.toggle('active', segments[0] === id);
  }
  try {
    if (!session.me) await signIn();
    if (!session.me || !nav.live()) return;
    const found = match(ROUTES, segments);
    if (!found) {
      nav.mount(h('p', {}, 'No such page. ', h('a', { href: '#/jobs' }, 'Jobs')));
      return;
    }
    const stop = await found.page(nav, found.params, query);
    if (typeof stop !== 'function') return;
    if (nav.live()) nav.stop = stop; else stop();
  } catch (e) {
    if (!nav.live()) return;
    if (e instanceof ApiError && e.status === 401) {
      session.me = null;
      setToken(null);
      await signIn(e.message);
      return;
    }
    nav.mount(h('div', { class: 'alert alert-danger', id: 'page-error' }, e.message));
  }
}

/** Asks the master who we are; shows the token form when it wants one. */
async function signIn(problem) {
  try {
    session.me = (await api('GET', '/api/v1/me')).json;
    document.getElementById('whoami').textContent = session.me.authRequired ? `${session.me.name} (${session.me.role})` : 'local (no sign-in needed)';
    document.getElementById('sign-out').classList.toggle('d-none', !session.me.authRequired);
    return;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
  }
  const input = h('input', { class: 'form-control', type: 'password', id: 'token', placeholder: 'bearer token', autocomplete: 'off' });
  const form = h('form', { class: 'card card-body', style: 'max-width: 28rem', id: 'sign-in' },
    h('h5', {}, 'Sign in'),
    h('p', { class: 'text-muted small' }, 'This master requires a token (ask its operator for one).'),
    problem && token() ? h('div', { class: 'field-error mb-2' }, problem) : '',
    input,
    h('button', { class: 'btn btn-primary mt-2', type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    route();
  });
  mount(form);
}

document.getElementById('sign-out').addEventListener('click', () => {
  setToken(null);
  session.me = null;
  route();
});
window.addEventListener('hashchange', route);
route();
