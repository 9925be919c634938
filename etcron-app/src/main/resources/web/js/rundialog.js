import { h } from './dom.js';
import { api, enc, ApiError } from './api.js';

/**
 * The "Run with…" dialog: key/value rows become the run's parameters ({"env": {...}} of a
 * trigger); the API's field errors (env.K) appear beside their row. Resolves to the run's id, or
 * null when cancelled.
 */
export function runWithDialog(job) {
  return new Promise((resolve) => {
    const rows = h('div', { id: 'param-rows' });
    const general = h('div', { class: 'field-error mb-2', id: 'run-with-error' });
    const addRow = (key = '', value = '') => {
      const i = rows.children.length;
      const row = h('div', { class: 'param-row mb-1', dataset: { index: i } },
        h('div', { class: 'd-flex gap-1' },
          h('input', { class: 'form-control form-control-sm font-monospace param-key', id: 'param-key-' + i, placeholder: 'NAME', value: key, 'aria-label': 'variable name' }),
          h('input', { class: 'form-control form-control-sm font-monospace param-value', id: 'param-value-' + i, placeholder: 'value', value, 'aria-label': 'value' }),
          h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', title: 'remove', onclick: () => row.remove() }, '×')),
        h('div', { class: 'field-error param-error', id: 'param-error-' + i }));
      rows.append(row);
      return row;
    };
    const dialog = h('dialog', { id: 'run-with-dialog', class: 'run-with' },
      h('form', { method: 'dialog', id: 'run-with-form' },
        h('h5', {}, `Run ${job} with…`),
        h('p', { class: 'small text-muted' },
          "Variables added to this run's environment, over the job's env. Names as in a job's env; ETCRON_ ones are etcron's own."),
        rows,
        h('button', { type: 'button', class: 'btn btn-sm btn-link px-0', id: 'param-add', onclick: () => addRow().querySelector('.param-key').focus() }, '+ add a variable'),
        general,
        h('div', { class: 'd-flex gap-2 mt-2' },
          h('button', { type: 'submit', class: 'btn btn-sm btn-primary', id: 'run-with-submit' }, 'Run'),
          h('button', { type: 'button', class: 'btn btn-sm btn-link', id: 'run-with-cancel', onclick: () => close(null) }, 'Cancel'))));
    const close = (result) => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });
    dialog.querySelector('form').addEventListener('submit', async (e) => {
      e.preventDefault();
      general.textContent = '';
      rows.querySelectorAll('.param-error').forEach(d => { d.textContent = ''; });
      const env = {};
      const byName = {};
      for (const row of rows.children) {
        const key = row.querySelector('.param-key').value;
        const value = row.querySelector('.param-value').value;
        if (!key && !value) continue;
        env[key] = value;
        byName[key] = row.querySelector('.param-error');
      }
      try {
        const r = await api('POST', `/api/v1/jobs/${enc(job)}/trigger`, { env });
        close(r.json.runId);
      } catch (err) {
        if (!(err instanceof ApiError)) { general.textContent = err.message; return; }
        const fields = err.body.fields && err.body.fields.length ? err.body.fields
          : [{ field: err.body.field, message: err.message }];
        for (const f of fields) {
          const at = f.field && f.field.startsWith('env.') ? byName[f.field.slice(4)] : null;
          if (at) at.textContent = f.message; else general.append(h('div', {}, f.message));
        }
      }
    });
    addRow();
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('.param-key').focus();
  });
}
