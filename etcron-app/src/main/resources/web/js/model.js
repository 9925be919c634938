// The server's model, read once from its OpenAPI document: the enums of a job's fields and the
// run states, so the UI does not keep its own copies.
let schemas;

export function model() {
  if (!schemas) {
    schemas = fetch('/api/v1/openapi.json')
      .then(r => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
      .then(d => d.components.schemas)
      .catch(e => { schemas = undefined; throw e; });
  }
  return schemas;
}

/** The allowed values of a job field, e.g. enumOf(s, 'concurrency'). */
export const jobEnum = (s, field) => s.JobSpec.properties[field].enum;

/** Every run state, lower case. */
export const runStates = (s) => s.Run.properties.state.enum.map(x => x.toLowerCase());
