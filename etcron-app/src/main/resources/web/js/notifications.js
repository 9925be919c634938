import { h, when } from './dom.js';
import { get, enc } from './api.js';

const STATUS = { pending: 'bg-warning text-dark', delivered: 'bg-success', failed: 'bg-danger' };

/**
 * A run's notification deliveries (webhooks, email) as a table that fills itself; call the
 * returned refresh() to read them again (e.g. when the run ends).
 */
export function deliveries(id, zone) {
  const holder = h('div', { id: 'run-notifications' });
  const refresh = async () => {
    try {
      const r = await get('/api/v1/runs/' + enc(id) + '/notifications');
      holder.replaceChildren(table(r.notifications, zone));
    } catch (e) {
      holder.replaceChildren(h('span', { class: 'text-muted small' }, 'notifications unavailable: ' + e.message));
    }
  };
  refresh();
  return { node: holder, refresh };
}

function table(list, zone) {
  if (!list.length) return h('p', { class: 'text-muted small', id: 'no-notifications' }, 'No notifications.');
  return h('table', { class: 'table table-sm w-auto small' },
    h('thead', {}, h('tr', {}, ['Event', 'Target', 'Status', 'Attempts', 'Last error', 'Next attempt'].map(t => h('th', {}, t)))),
    h('tbody', {}, list.map(d => h('tr', { class: 'delivery' },
      h('td', {}, d.event.replace('_', ' ')),
      h('td', { class: 'font-monospace' }, d.target),
      h('td', {}, h('span', { class: 'badge delivery-status ' + (STATUS[d.status] || 'bg-secondary') }, d.status)),
      h('td', { class: 'attempts' }, String(d.attempts)),
      h('td', { class: 'text-danger' }, d.lastError || ''),
      h('td', {}, d.nextAttemptAt ? when(d.nextAttemptAt, zone) : '')))));
}
