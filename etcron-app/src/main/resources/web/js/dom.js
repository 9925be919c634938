// Builds DOM nodes. Every string becomes a text node: user data is never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function mount(node) {
  const view = document.getElementById('view');
  view.replaceChildren(node);
}

export function flash(message, kind = 'danger') {
  const box = document.getElementById('flash');
  box.replaceChildren(message ? h('div', { class: `alert alert-${kind} py-2`, role: 'alert', id: 'flash-message' }, message) : '');
}

export function ago(iso) {
  if (!iso) return '-';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s >= 0 ? human(s) + ' ago' : 'in ' + human(-s);
}

export function human(s) {
  if (s < 120) return s + 's';
  if (s < 7200) return Math.round(s / 60) + 'm';
  if (s < 172800) return Math.round(s / 3600) + 'h';
  return Math.round(s / 86400) + 'd';
}

export function millis(ms) {
  if (ms === undefined || ms === null) return '-';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
}

export function badge(state) {
  return h('span', { class: `badge state state-${state}` }, state ? state.toLowerCase() : '-');
}

// Field names as people read them.
const LABELS = {
  name: 'Name', description: 'Description', command: 'Command', env: 'Environment', workingDir: 'Working directory',
  schedule: 'Schedule', timeZone: 'Time zone', concurrency: 'Concurrency', misfire: 'Misfire', maxCatchUp: 'Max catch-up',
  startingDeadline: 'Starting deadline', timeout: 'Timeout', retries: 'Retries', retryBackoff: 'Retry backoff', tags: 'Worker tags',
  paused: 'Paused', http: 'HTTP request', user: 'Run as user', group: 'Group', limits: 'Limits', sla: 'SLA', notify: 'Notify', after: 'Runs after', job: 'Job', trigger: 'Trigger', fireTime: 'Fired at', startedAt: 'Started', endedAt: 'Ended',
  durationMillis: 'Duration', worker: 'Worker', fencingToken: 'Fencing token', attempt: 'Attempt', exitCode: 'Exit code',
  signal: 'Signal', reason: 'Why', outputSize: 'Output size',
};
export const label = (key) => LABELS[key] || key;

const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function inZone(date, zone) {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    hour12: false, timeZoneName: 'short',
  });
  return f.format(date);
}

/**
 * An instant as people read it: in the job's zone (when given) and, if that differs, the viewer's,
 * e.g. "2026-12-01 10:15:00 CET (Europe/Berlin) · 09:15:00 UTC your time".
 */
export function when(iso, zone) {
  if (!iso) return '-';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const z = zone || viewerZone;
  let text;
  try { text = inZone(d, z) + (zone ? ` (${zone})` : ''); } catch (e) { text = inZone(d, viewerZone); }
  if (zone && zone !== viewerZone) text += ' · ' + inZone(d, viewerZone).slice(11) + ' your time';
  return text;
}

/** Bytes as "512 B", "1.5 KiB", "2.0 MiB". */
export function bytes(n) {
  if (n === undefined || n === null) return '-';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(1) + ' MiB';
}

/** A visible note that a refresh failed and what is shown is from an earlier answer. */
export function staleNote(error, shownAt) {
  return h('span', {}, `Refresh failed: ${error.message}.`,
    shownAt ? ` Showing what the master said at ${shownAt.toLocaleTimeString()}.` : '');
}
