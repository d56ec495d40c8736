/**
 * The /docs page: a small self-contained viewer for /openapi.json (no CDN; this machine may have no
 * internet). It lists every operation with its parameters and schemas and can try GET/POST/PUT/DELETE
 * calls with an API key typed into the page (kept in memory only, never stored).
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Faxbot Desktop API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 16px 24px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; flex: 1; }
  header label { font-size: 13px; }
  header input { width: 320px; padding: 4px 6px; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
  h2 { text-transform: capitalize; border-bottom: 1px solid #ccd; padding-bottom: 4px; margin-top: 28px; }
  details.op { background: #fff; border: 1px solid #d8dbe2; border-radius: 6px; margin: 8px 0; }
  details.op > summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 12px; align-items: baseline; }
  .method { font-weight: 700; width: 64px; text-transform: uppercase; font-family: ui-monospace, monospace; }
  .get { color: #0b6b3a; } .post { color: #0b4f9e; } .put { color: #8a5a00; } .delete { color: #a11d1d; }
  .path { font-family: ui-monospace, monospace; }
  .body { padding: 4px 16px 12px; border-top: 1px solid #eef; }
  pre { background: #f1f3f6; padding: 8px; overflow: auto; max-height: 320px; font-size: 12px; }
  table { border-collapse: collapse; margin: 6px 0; } td, th { border: 1px solid #dde; padding: 3px 8px; text-align: left; font-size: 13px; }
  .try input, .try textarea { font-family: ui-monospace, monospace; font-size: 12px; }
  .try textarea { width: 100%; min-height: 80px; box-sizing: border-box; }
  button { padding: 4px 12px; }
  .error { color: #a11d1d; }
</style>
</head>
<body>
<header>
  <h1>Faxbot Desktop API <span id="version"></span></h1>
  <label>API key (X-API-Key, kept in this page only) <input id="apikey" type="password" autocomplete="off"></label>
  <a href="/openapi.json" style="color:#9cf">openapi.json</a>
</header>
<main id="ops"><p>Loading /openapi.json…</p></main>
<script src="/docs/viewer.js"></script>
</body>
</html>
`;

export const DOCS_JS = `'use strict';
(function () {
  const main = document.getElementById('ops');
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  };
  const pretty = (value) => el('pre', {}, JSON.stringify(value, null, 2));

  function tryForm(method, path, op) {
    const form = el('form', { class: 'try' });
    const inputs = {};
    for (const p of op.parameters || []) {
      inputs[p.name] = el('input', { name: p.name, placeholder: p.in + (p.required ? ' (required)' : '') });
      form.append(el('div', {}, el('label', {}, p.name + ' '), inputs[p.name]));
    }
    const json = op.requestBody && op.requestBody.content['application/json'];
    const body = json ? el('textarea', { placeholder: 'JSON body' }) : null;
    if (body) form.append(body);
    const out = el('pre', {}, '');
    form.append(el('button', { type: 'submit' }, 'Try it'), out);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      let url = path;
      const query = new URLSearchParams();
      for (const p of op.parameters || []) {
        const v = inputs[p.name].value;
        if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(v));
        else if (v) query.set(p.name, v);
      }
      const headers = {};
      const key = document.getElementById('apikey').value;
      if (key) headers['X-API-Key'] = key;
      if (body && body.value.trim()) headers['content-type'] = 'application/json';
      try {
        const res = await fetch(url + (query.size ? '?' + query : ''), { method: method.toUpperCase(), headers, body: body && body.value.trim() ? body.value : undefined });
        const type = res.headers.get('content-type') || '';
        const text = type.includes('json') ? JSON.stringify(await res.json(), null, 2) : type.includes('pdf') ? '(PDF, ' + (await res.blob()).size + ' bytes)' : await res.text();
        out.textContent = res.status + ' ' + res.statusText + '\\n' + text;
      } catch (error) {
        out.textContent = 'Request failed: ' + error.message;
      }
    });
    return form;
  }

  function operation(method, path, op) {
    const box = el('details', { class: 'op' });
    box.append(el('summary', {}, el('span', { class: 'method ' + method }, method), el('span', { class: 'path' }, path), el('span', {}, op.summary || '')));
    const body = el('div', { class: 'body' });
    if (op.description) body.append(el('p', {}, op.description));
    if ((op.parameters || []).length) {
      const table = el('table', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'required'), el('th', {}, 'schema')));
      for (const p of op.parameters) table.append(el('tr', {}, el('td', {}, p.name), el('td', {}, p.in), el('td', {}, p.required ? 'yes' : ''), el('td', {}, JSON.stringify(p.schema))));
      body.append(el('h4', {}, 'Parameters'), table);
    }
    if (op.requestBody) {
      for (const [type, media] of Object.entries(op.requestBody.content)) body.append(el('h4', {}, 'Body: ' + type), pretty(media.schema));
    }
    body.append(el('h4', {}, 'Responses'));
    for (const [code, response] of Object.entries(op.responses)) {
      const item = el('details', {}, el('summary', {}, code + ' ' + (response.description || '')));
      for (const [type, media] of Object.entries(response.content || {})) item.append(el('div', {}, type), pretty(media.schema));
      body.append(item);
    }
    if (!(op.requestBody && op.requestBody.content['multipart/form-data']) && !path.startsWith('/mcp') && path !== '/events') body.append(el('h4', {}, 'Try it'), tryForm(method, path, op));
    box.append(body);
    return box;
  }

  fetch('/openapi.json')
    .then((res) => res.json())
    .then((doc) => {
      document.getElementById('version').textContent = doc.info.version;
      main.textContent = '';
      main.append(el('p', {}, doc.info.description));
      const byTag = new Map();
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const tag = (op.tags && op.tags[0]) || 'other';
          if (!byTag.has(tag)) byTag.set(tag, []);
          byTag.get(tag).push(operation(method, path, op));
        }
      }
      for (const [tag, ops] of byTag) main.append(el('h2', {}, tag), ...ops);
    })
    .catch((error) => {
      main.textContent = '';
      main.append(el('p', { class: 'error' }, 'Could not load /openapi.json: ' + error.message));
    });
})();
`;
