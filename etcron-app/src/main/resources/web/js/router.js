// The route table: '#/path?query' is matched against [pattern, page] pairs in order. A pattern
// segment ':x' captures one path segment (decoded); any other segment is a literal that must match
// the raw segment exactly, so a reserved word such as 'new' can still be a job's name: its link
// encodes it ('%6Eew'), which no literal matches.

/** Parses a location hash into { path segments (raw), query (URLSearchParams) }. */
export function parse(hash) {
  const text = hash.replace(/^#/, '') || '/jobs';
  const q = text.indexOf('?');
  const path = q < 0 ? text : text.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  return { segments: path.split('/').filter(Boolean), query };
}

/** The first route whose pattern matches, with its captured params, or null. */
export function match(routes, segments) {
  for (const [pattern, page] of routes) {
    const parts = pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      if (parts[i].startsWith(':')) {
        try { params[parts[i].slice(1)] = decodeURIComponent(segments[i]); } catch (e) { ok = false; }
      } else ok = parts[i] === segments[i];
    }
    if (ok) return { page, params };
  }
  return null;
}

const RESERVED = new Set(['new']);

/** A path segment for a name: encoded, and reserved words escaped so no literal matches them. */
export function segment(name) {
  const e = encodeURIComponent(name);
  return RESERVED.has(name) ? '%' + name.charCodeAt(0).toString(16).toUpperCase() + e.slice(1) : e;
}

/** The link to a job's page. */
export const jobHref = (name) => '#/jobs/' + segment(name);

/** The link to a run's page. */
export const runHref = (id) => '#/runs/' + encodeURIComponent(id);
