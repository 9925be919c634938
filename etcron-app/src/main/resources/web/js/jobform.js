import { h, flash } from './dom.js';
import { api, get, enc, ApiError } from './api.js';
import { jobHref } from './router.js';
import { model, jobEnum } from './model.js';

const FIELDS = ['name', 'description', 'command', 'schedule', 'timeZone', 'concurrency', 'misfire', 'maxCatchUp',
  'startingDeadline', 'timeout', 'retries', 'retryBackoff', 'tags', 'env', 'workingDir', 'user', 'group', 'paused', 'sla', 'notify',
  'exclude', 'mode'];
// What only a command has: an HTTP job runs no process, and the server refuses these on it.
const COMMAND_ONLY = ['command', 'env', 'workingDir', 'user', 'group'];

/** Create (name == null) or edit a job; field errors from the API appear next to each field. */
export async function jobFormPage(nav, name) {
  let version = null;
  // A new job leaves every optional field empty: the server applies its defaults.
  let spec = {};
  const schemas = await model();
  if (name) {
    const r = await api('GET', '/api/v1/jobs/' + enc(name));
    spec = r.json.spec;
    version = r.etag;
  }
  const inputs = {};
  const errors = {};
  const field = (key, label, control, help) => {
    inputs[key] = control;
    errors[key] = h('div', { class: 'field-error', id: 'error-' + key });
    return h('div', { class: 'mb-2' }, h('label', { class: 'form-label mb-0', for: 'f-' + key }, label), control,
      help ? h('div', { class: 'form-text' }, help) : '', errors[key]);
  };
  const text = (key, value, attrs = {}) => h('input', { class: 'form-control form-control-sm', id: 'f-' + key, value: value ?? '', ...attrs });
  const select = (key, value, options) => h('select', { class: 'form-select form-select-sm', id: 'f-' + key },
    h('option', { value: '', selected: !value }, 'default'),
    options.map(o => h('option', { value: o, selected: o === value }, o)));
  const preview = h('div', { class: 'preview small', id: 'preview' });
  const LIMITS = ['cpuSeconds', 'openFiles', 'memory'];
  const call = spec.http || {};
  const kindRadio = (kind, text) => h('div', { class: 'form-check form-check-inline' },
    h('input', { class: 'form-check-input', type: 'radio', name: 'kind', id: 'f-kind-' + kind, value: kind,
      checked: (kind === 'http') === !!spec.http }),
    h('label', { class: 'form-check-label', for: 'f-kind-' + kind }, text));
  const commandPart = h('div', { id: 'command-part' },
    field('command', 'Command', h('textarea', { class: 'form-control form-control-sm font-monospace', rows: 3, id: 'f-command' }, spec.command ?? ''), 'Run by /bin/sh -c on a worker.'));
  const httpPart = h('div', { id: 'http-part', class: 'border rounded p-2 mb-2' },
    h('div', { class: 'row' },
      h('div', { class: 'col-3' }, field('http.method', 'Method', select('http.method', call.method, schemas.JobSpec.properties.http.properties.method.enum))),
      h('div', { class: 'col' }, field('http.url', 'URL', text('http.url', call.url, { placeholder: 'https://example.com/hooks/nightly' }), 'Absolute http:// or https:// URL.'))),
    field('http.headers', 'Headers', h('textarea', { class: 'form-control form-control-sm font-monospace', rows: 2, id: 'f-http.headers' },
      Object.entries(call.headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n')), 'One Name: value per line; X-Etcron-Run-Id and X-Etcron-Fencing-Token are sent anyway.'),
    field('http.body', 'Body', h('textarea', { class: 'form-control form-control-sm font-monospace', rows: 2, id: 'f-http.body' }, call.body ?? '')),
    h('div', { class: 'row' },
      h('div', { class: 'col' }, field('http.expectStatus', 'Expected status', text('http.expectStatus', (call.expectStatus || []).join(', '), { placeholder: '2xx' }),
        'Codes and classes, e.g. 200, 204, 3xx.')),
      h('div', { class: 'col' }, field('http.timeout', 'Request timeout', text('http.timeout', call.timeout, { placeholder: '30s' }),
        'The whole exchange; at most the job\'s timeout.'))),
    h('div', { class: 'field-error', id: 'error-http' }));

  const after = spec.after || {};
  const afterPart = h('div', { id: 'after-part', class: 'border rounded p-2 mb-2' },
    h('div', { class: 'row' },
      h('div', { class: 'col' }, field('after.jobs', 'Runs after', text('after.jobs', (after.jobs || []).join(', '), { placeholder: 'extract, load' }),
        'Comma-separated parent jobs: this job runs once after each of their runs that ends as below.')),
      h('div', { class: 'col-3' }, field('after.on', 'When the parent', select('after.on', after.on, afterOn(schemas))))),
    h('div', { class: 'field-error', id: 'error-after' }));

  const form = h('form', { id: 'job-form', novalidate: true },
    h('div', { class: 'row' },
      h('div', { class: 'col-md-7' },
        field('name', 'Name', text('name', spec.name, name ? { readonly: true } : {}), 'Letters, digits, . _ - (at most 128).'),
        field('description', 'Description', text('description', spec.description)),
        h('div', { class: 'mb-2' }, h('span', { class: 'form-label me-2' }, 'Runs'), kindRadio('command', 'a command'), kindRadio('http', 'an HTTP request')),
        commandPart,
        httpPart,
        field('schedule', 'Schedule', text('schedule', spec.schedule, { placeholder: '0 */5 * * * *   or   @every 30s   or   @daily' }),
          'Cron with seconds (sec min hour day month weekday), 5-field cron, @hourly/@daily/@weekly/@monthly/@yearly, @every 1h30m, @at 2026-12-01T09:00:00Z.'
          + ' May be left empty when the job runs after others.'),
        afterPart,
        field('timeZone', 'Time zone', text('timeZone', spec.timeZone, { placeholder: 'UTC' }), 'IANA zone, e.g. Europe/Berlin; empty for UTC.'),
        field('exclude', 'Excluded days', text('exclude', (spec.exclude || []).join(', '), { placeholder: '2026-12-25, 2026-12-31..2027-01-01' }),
          'Days in the job\'s zone whose fires do not run (recorded skipped); a manual run still runs.'),
        field('mode', 'Mode', select('mode', spec.mode, ['single', 'broadcast']),
          'broadcast: each fire runs once on every live worker that has the tags (concurrency allow).'),
        h('div', { class: 'row' },
          h('div', { class: 'col' }, field('concurrency', 'Concurrency', select('concurrency', spec.concurrency, jobEnum(schemas, 'concurrency')))),
          h('div', { class: 'col' }, field('misfire', 'Misfire', select('misfire', spec.misfire, jobEnum(schemas, 'misfire')))),
          h('div', { class: 'col' }, field('maxCatchUp', 'Max catch-up', text('maxCatchUp', spec.maxCatchUp, { type: 'number' })))),
        h('div', { class: 'row' },
          h('div', { class: 'col' }, field('timeout', 'Timeout', text('timeout', spec.timeout, { placeholder: 'e.g. 30m' }))),
          h('div', { class: 'col' }, field('startingDeadline', 'Starting deadline', text('startingDeadline', spec.startingDeadline, { placeholder: 'e.g. 5m' }))),
          h('div', { class: 'col' }, field('retries', 'Retries', text('retries', spec.retries, { type: 'number' }))),
          h('div', { class: 'col' }, field('retryBackoff', 'Retry backoff', text('retryBackoff', spec.retryBackoff, { placeholder: '10s' })))),
        field('tags', 'Worker tags', text('tags', (spec.tags || []).join(', ')), 'Comma-separated; a worker needs them all.'),
        h('div', { id: 'process-part' },
        field('env', 'Environment', h('textarea', { class: 'form-control form-control-sm font-monospace', rows: 2, id: 'f-env' },
          Object.entries(spec.env || {}).map(([k, v]) => `${k}=${v}`).join('\n')), 'One KEY=value per line.'),
        field('workingDir', 'Working directory', text('workingDir', spec.workingDir)),
        field('sla', 'SLA', text('sla', spec.sla, { placeholder: 'e.g. 15m' }),
          'A run not finished this long after its fire time notifies late.'),
        field('notify', 'Notify', h('textarea', { class: 'form-control form-control-sm font-monospace', rows: 2, id: 'f-notify',
          placeholder: 'failed,timed_out https://hooks.example.com/etcron\nlate ops@example.com' }, notifyText(spec.notify)),
          'One target per line: events (failed, timed_out, lost, missed, killed, recovered, late; comma-separated), then a webhook URL or an email address.'),
        h('div', { class: 'row' },
          h('div', { class: 'col' }, field('user', 'Run as user', text('user', spec.user, { placeholder: "the worker's own" }),
            'A user of the worker host (name or uid); the worker must be root and allow it.')),
          h('div', { class: 'col' }, field('group', 'Group', text('group', spec.group, { placeholder: "the user's primary group" })))),
        h('div', { class: 'row' },
          h('div', { class: 'col' }, field('limits.cpuSeconds', 'CPU seconds', text('limits.cpuSeconds', spec.limits?.cpuSeconds, { type: 'number' }))),
          h('div', { class: 'col' }, field('limits.openFiles', 'Open files', text('limits.openFiles', spec.limits?.openFiles, { type: 'number' }))),
          h('div', { class: 'col' }, field('limits.memory', 'Memory', text('limits.memory', spec.limits?.memory, { placeholder: 'e.g. 512MiB' })))),
        h('div', { class: 'field-error mb-2', id: 'error-limits' })),
        field('paused', 'Paused', h('input', { type: 'checkbox', class: 'form-check-input ms-2', id: 'f-paused', checked: !!spec.paused })),
        h('button', { class: 'btn btn-primary', type: 'submit', id: 'save' }, name ? 'Save changes' : 'Create job'),
        h('a', { class: 'btn btn-link', href: name ? jobHref(name) : '#/jobs' }, 'Cancel')),
      h('div', { class: 'col-md-5' }, h('h6', {}, 'Next fire times'), preview)));

  errors.limits = form.querySelector('#error-limits');
  errors.http = form.querySelector('#error-http');
  errors.after = form.querySelector('#error-after');
  const kind = () => (form.querySelector('#f-kind-http').checked ? 'http' : 'command');
  const showKind = () => {
    commandPart.hidden = kind() === 'http';
    form.querySelector('#process-part').hidden = kind() === 'http';
    httpPart.hidden = kind() !== 'http';
  };
  form.querySelectorAll('input[name=kind]').forEach(r => r.addEventListener('change', showKind));
  showKind();
  // An error about a part of a field (http.headers.X-A, env.K) shows at the field it is in.
  const errorAt = (field) => {
    for (let f = field; f; f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '') {
      if (errors[f]) return errors[f];
    }
    return null;
  };

  let timer;
  const refreshPreview = async () => {
    const schedule = inputs.schedule.value.trim();
    if (!schedule) {
      preview.replaceChildren(h('span', { class: 'text-muted' }, 'Type a schedule, or leave it empty for a job that runs after others.'));
      return;
    }
    try {
      const zone = inputs.timeZone.value.trim();
      const days = inputs.exclude.value.split(',').map(d => d.trim()).filter(Boolean).join(',');
      const p = await get(`/api/v1/schedule/preview?n=5&schedule=${enc(schedule)}` + (zone ? `&timeZone=${enc(zone)}` : '')
        + (days ? `&exclude=${enc(days)}` : ''));
      errors.schedule.textContent = '';
      errors.exclude.textContent = '';
      preview.replaceChildren(h('div', { class: 'mb-1', id: 'preview-words' }, p.description),
        p.fires.length ? h('ul', {}, p.local.map(l => h('li', {}, l))) : h('div', { class: 'text-warning' }, 'never fires'),
        (p.excluded || []).length ? h('div', { class: 'small text-muted', id: 'preview-excluded' },
          `skipped on excluded days: ${p.excluded.map(t => t.replace('T', ' ').replace('Z', ' UTC')).join(', ')}`) : '');
    } catch (e) {
      preview.replaceChildren(h('span', { class: 'text-muted' }, '—'));
      if (e instanceof ApiError && e.body.field) errors[e.body.field] && (errors[e.body.field].textContent = e.message);
    }
  };
  for (const key of ['schedule', 'timeZone', 'exclude']) {
    inputs[key].addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, 250);
    });
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    Object.values(errors).forEach(e => (e.textContent = ''));
    const http = kind() === 'http';
    const body = collect(inputs, http);
    if (http) body.http = collectHttp(inputs);
    const parents = collectAfter(inputs);
    if (parents) body.after = parents;
    for (const key of http ? [] : LIMITS) {
      const v = inputs['limits.' + key].value.trim();
      if (!v) continue;
      body.limits = body.limits || {};
      body.limits[key] = key === 'memory' || !Number.isInteger(Number(v)) ? v : Number(v);
    }
    const jobName = name || body.name;
    try {
      const headers = version ? { 'If-Match': version } : { 'If-None-Match': '*' };
      await api('PUT', '/api/v1/jobs/' + enc(jobName || '-'), body, headers);
      location.hash = jobHref(jobName);
      flash(`job ${jobName} saved`, 'success');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412 || e.status === 409) {
        flash(name ? `${e.message} — reload the page to see the current version.` : e.message);
      } else if (e.body.fields) {
        // A field may have several errors (one per notify entry, per variable): show them all.
        e.body.fields.forEach(f => {
          const el = errorAt(f.field);
          if (el) el.textContent = el.textContent ? el.textContent + '\n' + f.message : f.message;
        });
        flash('Please fix the fields marked in red.');
      } else if (e.body.field && errorAt(e.body.field)) {
        errorAt(e.body.field).textContent = e.message;
      } else {
        flash(e.message);
      }
    }
  });
  nav.mount(h('div', {}, h('h4', {}, name ? `Edit ${name}` : 'New job'), form));
  refreshPreview();
}

/** The form's values as a job spec: empty fields are left out (defaults apply). */
function collect(inputs, http) {
  const body = {};
  for (const key of FIELDS.filter(k => !http || !COMMAND_ONLY.includes(k))) {
    const el = inputs[key];
    if (key === 'paused') {
      body.paused = el.checked;
      continue;
    }
    const v = el.value.trim();
    if (!v) continue;
    if (key === 'maxCatchUp' || key === 'retries') body[key] = Number.isInteger(Number(v)) ? Number(v) : v;
    else if (key === 'tags' || key === 'exclude') body[key] = v.split(',').map(t => t.trim()).filter(Boolean);
    else if (key === 'env') {
      body.env = {};
      v.split('\n').filter(l => l.trim()).forEach(l => {
        const i = l.indexOf('=');
        body.env[i < 0 ? l.trim() : l.slice(0, i).trim()] = i < 0 ? '' : l.slice(i + 1);
      });
    } else if (key === 'notify') body.notify = parseNotify(v);
    else body[key] = v;
  }
  return body;
}

/** The HTTP part of the form as a job's http call: empty fields are left out (defaults apply). */
function collectHttp(inputs) {
  const call = {};
  const v = (key) => inputs['http.' + key].value.trim();
  for (const key of ['url', 'method', 'timeout']) {
    if (v(key)) call[key] = v(key);
  }
  if (inputs['http.body'].value) call.body = inputs['http.body'].value;
  if (v('headers')) {
    call.headers = {};
    v('headers').split('\n').filter(l => l.trim()).forEach(l => {
      const i = l.indexOf(':');
      call.headers[i < 0 ? l.trim() : l.slice(0, i).trim()] = i < 0 ? '' : l.slice(i + 1).trim();
    });
  }
  if (v('expectStatus')) {
    // Codes as numbers, classes as text: the server refuses "200" as a code.
    call.expectStatus = v('expectStatus').split(',').map(x => x.trim()).filter(Boolean)
      .map(x => (/^[0-9]+$/.test(x) ? Number(x) : x));
  }
  return call;
}

/** The outcomes of a parent's run that can fire its children, from the server's model. */
function afterOn(schemas) {
  return schemas.JobSpec.properties.after.properties.on.enum;
}

/** The "Runs after" part as a job's after, or null when no parent is named. */
function collectAfter(inputs) {
  const jobs = inputs['after.jobs'].value.split(',').map(j => j.trim()).filter(Boolean);
  if (!jobs.length) return null;
  const on = inputs['after.on'].value;
  return on ? { jobs, on } : { jobs };
}

/** A job's notify list as the form's lines: "EVENTS TARGET". */
function notifyText(list) {
  return (list || []).map(n => `${n.on.join(',')} ${n.webhook || n.email}`).join('\n');
}

/** The form's notify lines as the API's list; the server checks them and names what is wrong. */
function parseNotify(text) {
  return text.split('\n').map(l => l.trim()).filter(Boolean).map(l => {
    const [events, ...rest] = l.split(/\s+/);
    const target = rest.join(' ');
    const on = events.split(',').map(e => e.trim()).filter(Boolean);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || !target.includes('@') ? { on, webhook: target } : { on, email: target };
  });
}
