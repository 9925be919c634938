import { h, mount, flash } from './dom.js';
import { api, ApiError, setToken, token } from './api.js';
import { jobsPage } from './jobs.js';
import { jobFormPage } from './jobform.js';
import { jobPage } from './job.js';
import { runsPage, runPage } from './runs.js';
import { workersPage } from './workers.js';

// Who is signed in: { name, role, authRequired }. Roles gate what the UI offers.
export const session = { me: null };
const RANK = { viewer: 0, operator: 1, admin: 2 };
export const may = (role) => session.me && RANK[session.me.role] >= RANK[role];

let stopCurrent = () => {};

async function route() {
  stopCurrent();
  stopCurrent = () => {};
  flash('');
  const path = location.hash.replace(/^#/, '') || '/jobs';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const id of ['jobs', 'runs', 'workers']) {
    document.getElementById('nav-' + id).classList.toggle('active', parts[0] === id);
  }
  try {
    if (!session.me) await signIn();
    if (!session.me) return;
    let stop;
    if (parts[0] === 'jobs' && parts.length === 1) stop = await jobsPage();
    else if (parts[0] === 'jobs' && parts[1] === 'new') stop = await jobFormPage(null);
    else if (parts[0] === 'jobs' && parts[2] === 'edit') stop = await jobFormPage(parts[1]);
    else if (parts[0] === 'jobs') stop = await jobPage(parts[1]);
    else if (parts[0] === 'runs' && parts.length === 1) stop = await runsPage();
    else if (parts[0] === 'runs') stop = await runPage(parts[1]);
    else if (parts[0] === 'workers') stop = await workersPage();
    else mount(h('p', {}, 'No such page. ', h('a', { href: '#/jobs' }, 'Jobs')));
    if (typeof stop === 'function') stopCurrent = stop;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.me = null;
      setToken(null);
      await signIn(e.message);
      return;
    }
    mount(h('div', { class: 'alert alert-danger', id: 'page-error' }, e.message));
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
