// The master's API, with the bearer token kept for this browser tab.
const KEY = 'etcron.token';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(t) {
  if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY);
}

export async function api(method, path, body, headers = {}) {
  const h = { ...headers };
  if (token()) h['Authorization'] = 'Bearer ' + token();
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return { json, etag: res.headers.get('ETag'), status: res.status };
}

export const get = (path) => api('GET', path).then(r => r.json);
export const enc = encodeURIComponent;
