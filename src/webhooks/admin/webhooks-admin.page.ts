/**
 * The admin page (Admin → Live Chat → Webhooks): one self-contained HTML document
 * that drives the admin REST API with fetch. It carries no data of its own; every
 * value comes from the API and is written with textContent, never as HTML.
 */
export function renderWebhooksAdminPage(apiPath: string): string {
  const api = JSON.stringify(`/${apiPath}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live Chat · Webhooks</title>
<style>
  :root { font: 14px/1.45 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0 auto; max-width: 1100px; padding: 24px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
  .crumbs { color: #68707f; margin-bottom: 16px; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
  table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  th { font-weight: 600; color: #4a5263; }
  label { display: block; margin: 8px 0 2px; font-weight: 600; }
  input[type=text], input[type=url], input[type=password], select { width: 100%; box-sizing: border-box; padding: 6px 8px; border: 1px solid #c9ced8; border-radius: 6px; }
  .events { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 2px 12px; font-weight: normal; }
  .events label { font-weight: normal; margin: 0; }
  button { padding: 5px 10px; border-radius: 6px; border: 1px solid #c9ced8; background: #fff; cursor: pointer; margin: 0 4px 4px 0; }
  button.primary { background: #2f6fed; border-color: #2f6fed; color: #fff; }
  .ok { color: #13804b; } .bad { color: #c0352b; } .muted { color: #68707f; }
  pre { background: #f5f6f8; padding: 8px; border-radius: 6px; overflow: auto; max-height: 320px; white-space: pre-wrap; word-break: break-all; }
  #message { min-height: 20px; }
</style>
</head>
<body>
<div class="crumbs">Admin → Live Chat → Webhooks</div>
<h1>Webhooks</h1>
<p class="muted">Send chat events to your CRM, Slack, n8n, Zapier or your own script.</p>
<div id="message" role="status"></div>

<section id="auth" hidden>
  <label for="token">Admin token</label>
  <input id="token" type="password" autocomplete="off">
  <button class="primary" id="save-token">Use token</button>
</section>

<section>
  <table>
    <thead><tr><th>Name</th><th>URL</th><th>Events</th><th>Status</th><th></th></tr></thead>
    <tbody id="webhooks"></tbody>
  </table>
</section>

<section>
  <h2 id="form-title">Add a webhook</h2>
  <form id="form">
    <label for="name">Name</label><input id="name" type="text" required maxlength="200">
    <label for="url">URL</label><input id="url" type="url" required maxlength="2048" placeholder="https://example.com/webhooks/chat">
    <label for="secret">Signing secret (optional)</label><input id="secret" type="password" maxlength="256" autocomplete="off" placeholder="none">
    <label for="format">Format</label>
    <select id="format"><option value="json">JSON</option><option value="slack">Slack</option><option value="discord">Discord</option></select>
    <label>Events</label>
    <div class="events" id="events"></div>
    <label><input type="checkbox" id="enabled" checked> Enabled</label>
    <p><button class="primary" type="submit">Save</button><button type="button" id="cancel" hidden>Cancel</button></p>
  </form>
</section>

<section id="log" hidden>
  <h2 id="log-title"></h2>
  <table>
    <thead><tr><th>When</th><th>Event</th><th>Status</th><th>HTTP</th><th>Attempts</th><th>ms</th><th></th></tr></thead>
    <tbody id="deliveries"></tbody>
  </table>
  <p><button id="more" hidden>Older</button></p>
  <pre id="detail" hidden></pre>
</section>

<script>
(() => {
  const API = ${api};
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('webhooks-admin-token') || '';
  let editing = null;
  let logFor = null;
  let cursor = null;

  function say(text, ok) { const m = $('message'); m.textContent = text || ''; m.className = ok ? 'ok' : 'bad'; }
  function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function btn(label, fn) { const b = el('button', label); b.type = 'button'; b.addEventListener('click', fn); return b; }

  async function call(method, path, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 || res.status === 403) { $('auth').hidden = false; throw new Error('Not authorised: enter the admin token.'); }
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error([].concat(data && data.message || res.statusText).join('; '));
    return data;
  }

  async function loadEvents() {
    const events = await call('GET', '/events');
    const box = $('events');
    box.replaceChildren();
    for (const name of ['*'].concat(events.map((e) => e.name))) {
      const label = el('label');
      const input = el('input'); input.type = 'checkbox'; input.value = name;
      label.append(input, ' ' + (name === '*' ? 'All events (*)' : name));
      const description = events.find((e) => e.name === name);
      if (description) label.title = description.description;
      box.append(label);
    }
  }

  async function loadWebhooks() {
    const list = await call('GET', '');
    const body = $('webhooks');
    body.replaceChildren();
    if (list.length === 0) { const tr = el('tr'); const td = el('td', 'No webhooks yet.', 'muted'); td.colSpan = 5; tr.append(td); body.append(tr); }
    for (const w of list) {
      const tr = el('tr');
      const status = w.enabled ? el('span', 'Enabled', 'ok') : el('span', 'Disabled' + (w.disabledReason ? ': ' + w.disabledReason : ''), 'bad');
      const actions = el('td');
      actions.append(
        btn('Test', () => test(w)),
        btn('Log', () => showLog(w, true)),
        btn('Edit', () => edit(w)),
        btn(w.enabled ? 'Disable' : 'Enable', () => run(() => call('PATCH', '/' + w.id, { enabled: !w.enabled }), w.enabled ? 'Disabled.' : 'Enabled.')),
        btn('Delete', () => confirm('Delete "' + w.name + '" and its delivery log?') && run(() => call('DELETE', '/' + w.id), 'Deleted.')),
      );
      tr.append(el('td', w.name), el('td', w.url), el('td', w.events.join(', ')), el('td').appendChild(status).parentNode, actions);
      body.append(tr);
    }
  }

  async function run(action, done) {
    try { await action(); say(done, true); await loadWebhooks(); } catch (e) { say(e.message, false); }
  }

  async function test(w) {
    say('Sending a test to ' + w.url + '…', true);
    try {
      const r = await call('POST', '/' + w.id + '/test', {});
      say(r.success ? 'Test delivered: HTTP ' + r.statusCode + ' in ' + r.durationMs + ' ms.' : 'Test failed: ' + r.error, r.success);
      if (logFor && logFor.id === w.id) await showLog(w, true);
    } catch (e) { say(e.message, false); }
  }

  function edit(w) {
    editing = w;
    $('form-title').textContent = 'Edit ' + w.name;
    $('name').value = w.name; $('url').value = w.url; $('secret').value = ''; $('secret').placeholder = w.hasSecret ? 'leave empty to keep the current one' : 'none'; $('format').value = w.format; $('enabled').checked = w.enabled;
    for (const box of $('events').querySelectorAll('input')) box.checked = w.events.includes(box.value);
    $('cancel').hidden = false;
  }

  function resetForm() {
    editing = null; $('form').reset(); $('secret').placeholder = 'none'; $('form-title').textContent = 'Add a webhook'; $('cancel').hidden = true;
  }

  async function showLog(w, fresh) {
    logFor = w;
    if (fresh) { cursor = null; $('deliveries').replaceChildren(); $('detail').hidden = true; }
    $('log').hidden = false;
    $('log-title').textContent = 'Deliveries of ' + w.name;
    try {
      const page = await call('GET', '/' + w.id + '/deliveries?limit=25' + (cursor ? '&before=' + encodeURIComponent(cursor) : ''));
      for (const d of page.items) {
        const tr = el('tr');
        const actions = el('td');
        actions.append(btn('Details', () => detail(w, d.id)), btn('Redeliver', () => run(() => call('POST', '/' + w.id + '/deliveries/' + d.id + '/redeliver'), 'Queued again.')));
        tr.append(el('td', new Date(d.createdAt).toLocaleString()), el('td', d.event + (d.isTest ? ' (test)' : '')),
          el('td', d.status + (d.error ? ': ' + d.error : ''), d.status === 'success' ? 'ok' : d.status === 'failed' ? 'bad' : 'muted'),
          el('td', d.statusCode ?? '–'), el('td', d.attempts), el('td', d.durationMs ?? '–'), actions);
        $('deliveries').append(tr);
      }
      cursor = page.nextCursor;
      $('more').hidden = !cursor;
    } catch (e) { say(e.message, false); }
  }

  async function detail(w, id) {
    try {
      const d = await call('GET', '/' + w.id + '/deliveries/' + id);
      const pre = $('detail');
      pre.textContent = JSON.stringify({ status: d.status, attemptLog: d.attemptLog, requestHeaders: d.requestHeaders, payload: d.payload, responseBody: d.responseBody }, null, 2);
      pre.hidden = false;
    } catch (e) { say(e.message, false); }
  }

  $('form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const events = [...$('events').querySelectorAll('input:checked')].map((b) => b.value);
    const body = { name: $('name').value, url: $('url').value, events, format: $('format').value, enabled: $('enabled').checked };
    if ($('secret').value) body.secret = $('secret').value;
    const w = editing;
    run(() => (w ? call('PATCH', '/' + w.id, body) : call('POST', '', body)).then(resetForm), w ? 'Saved.' : 'Webhook added.');
  });
  $('cancel').addEventListener('click', resetForm);
  $('more').addEventListener('click', () => logFor && showLog(logFor, false));
  $('save-token').addEventListener('click', () => {
    token = $('token').value.trim(); sessionStorage.setItem('webhooks-admin-token', token); $('auth').hidden = true; start();
  });

  async function start() {
    try { await loadEvents(); await loadWebhooks(); say(''); } catch (e) { say(e.message, false); }
  }
  start();
})();
</script>
</body>
</html>
`;
}
