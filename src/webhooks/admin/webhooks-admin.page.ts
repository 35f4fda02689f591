export interface WebhooksAdminPageFeatures {
  /** The API takes `rateLimit` on create and update: the form shows the field. */
  rateLimit: boolean;
}

const STYLE = `
  :root { font: 15px/1.45 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0 auto; max-width: 1100px; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 12px; } h3 { font-size: 16px; margin: 20px 0 8px; } h4 { font-size: 14px; margin: 16px 0 6px; }
  h2:focus, h3:focus { outline: none; }
  .crumbs { color: #5b6372; margin-bottom: 12px; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 16px; margin-bottom: 16px; min-width: 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; overflow-wrap: anywhere; }
  th { font-weight: 600; color: #4a5263; }
  label, legend { display: block; margin: 10px 0 4px; font-weight: 600; }
  fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
  input[type=text], input[type=url], input[type=password], input[type=number], input[type=datetime-local], select {
    width: 100%; max-width: 100%; padding: 8px; border: 1px solid #9aa3b2; border-radius: 6px; font: inherit; background: #fff; }
  .hint { color: #5b6372; font-weight: normal; font-size: 13px; margin: 2px 0 0; }
  .events { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 2px 12px; }
  .events label, label.check { font-weight: normal; margin: 4px 0; display: flex; gap: 6px; align-items: center; overflow-wrap: anywhere; }
  button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #9aa3b2; background: #fff; color: #1d2330; cursor: pointer; }
  button.primary { background: #2456c9; border-color: #2456c9; color: #fff; }
  button.danger { color: #a8261c; border-color: #d3a29d; }
  :focus-visible { outline: 3px solid #2456c9; outline-offset: 2px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .row > * { margin: 0; }
  .toolbar { margin-top: 10px; }
  .ok { color: #12703f; } .bad { color: #b3261e; } .warn { color: #8a5a00; } .muted { color: #5b6372; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 13px; font-weight: 600; border: 1px solid currentColor; }
  pre { background: #f5f6f8; padding: 8px; border-radius: 6px; overflow: auto; max-height: 360px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
  .status-line { min-height: 22px; margin: 8px 0; }
  .overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; margin: 0; }
  .overview div { background: #f5f6f8; border-radius: 6px; padding: 8px 10px; }
  .overview dt { color: #5b6372; font-size: 13px; } .overview dd { margin: 0; font-size: 20px; font-weight: 600; }
  ul.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px; }
  ul.cards li { border: 1px solid #dde1e7; border-radius: 8px; padding: 12px; display: grid; gap: 4px; min-width: 0; }
  ul.cards li.current { border-color: #2456c9; box-shadow: 0 0 0 1px #2456c9; }
  .card-title { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; justify-content: space-between; }
  .card-title strong { font-size: 16px; }
  .url { font-family: ui-monospace, monospace; font-size: 13px; overflow-wrap: anywhere; }
  .chart svg { width: 100%; height: 120px; display: block; border-bottom: 1px solid #9aa3b2; }
  .axis { display: flex; justify-content: space-between; font-size: 12px; color: #5b6372; margin: 2px 0 6px; }
  .legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; }
  .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
  .swatch.s { background: #2e9d5b; } .swatch.f { background: #d4483d; }
  .filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 0 12px; align-items: end; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
  dl.facts dt { color: #5b6372; } dl.facts dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
  ol.timeline { list-style: none; margin: 0; padding: 0 0 0 14px; border-left: 3px solid #dde1e7; }
  ol.timeline li { position: relative; padding: 4px 0 10px 10px; overflow-wrap: anywhere; }
  ol.timeline li::before { content: ""; position: absolute; left: -23px; top: 9px; width: 12px; height: 12px; border-radius: 50%; background: #d4483d; }
  ol.timeline li.ok::before { background: #2e9d5b; }
  ol.timeline li { color: #1d2330; }
  .secret { margin-top: 8px; }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  @media (max-width: 640px) {
    body { padding: 10px; }
    section { padding: 12px; }
    table.log thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    table.log, table.log tbody, table.log tr, table.log td { display: block; width: 100%; }
    table.log tr { border: 1px solid #dde1e7; border-radius: 8px; margin-bottom: 8px; padding: 4px 0; }
    table.log td { border: 0; padding: 2px 10px; display: grid; grid-template-columns: 84px 1fr; gap: 8px; }
    table.log td::before { content: attr(data-label); color: #5b6372; }
    table.log td.actions::before { content: ""; }
    dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 6px; }
    table.headers thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    table.headers tr, table.headers th, table.headers td { display: block; }
    table.headers th { border: 0; padding: 6px 0 0; } table.headers td { padding: 0 0 6px; }
  }
  table.headers th { white-space: nowrap; font-family: ui-monospace, monospace; font-size: 13px; font-weight: 600; }
`;

const SCRIPT = `
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  let token = sessionStorage.getItem('webhooks-admin-token') || '';
  let webhooks = [];
  let catalog = [];
  let current = null;
  let editing = null;
  let cursor = null;
  let detailOpener = null;

  function say(text, ok) { const m = $('message'); m.textContent = text || ''; m.className = 'status-line ' + (ok ? 'ok' : 'bad'); }
  function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function btn(label, fn, cls, name) { const b = el('button', label, cls); b.type = 'button'; if (name) b.setAttribute('aria-label', name); b.addEventListener('click', fn); return b; }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : '–'; }
  function ago(iso) {
    if (!iso) return 'never';
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return 'just now';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function pct(rate) { return rate === null || rate === undefined ? '–' : (Math.round(rate * 1000) / 10) + '%'; }

  async function call(method, path, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 || res.status === 403) { $('auth').hidden = false; throw new Error('Not authorised: enter the admin token.'); }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) throw new Error([].concat((data && data.message) || res.statusText).join('; '));
    return data;
  }

  function paused(w) { return w.pausedUntil && new Date(w.pausedUntil).getTime() > Date.now(); }
  function stateOf(w) {
    if (!w.enabled) return { text: !w.disabledReason ? 'Disabled' : /^disabled\b/i.test(w.disabledReason) ? w.disabledReason : 'Disabled: ' + w.disabledReason, cls: 'bad' };
    if (paused(w)) return { text: 'Paused until ' + new Date(w.pausedUntil).toLocaleTimeString(), cls: 'warn' };
    if (w.pausedUntil) return { text: 'Paused: a probe delivery is due', cls: 'warn' };
    return { text: 'Enabled', cls: 'ok' };
  }

  async function loadOverview() {
    const s = await call('GET', '/stats');
    const box = $('overview');
    box.replaceChildren();
    const items = [
      ['Waiting', s.pending], ['Retrying', s.retrying], ['Failed in 24 h', s.failedLast24h],
      ['Oldest due', s.oldestDueAgeMs ? Math.round(s.oldestDueAgeMs / 1000) + ' s late' : 'on time'],
      ['Paused webhooks', s.pausedWebhooks], ['Disabled webhooks', s.disabledWebhooks],
    ];
    for (const [label, value] of items) { const d = el('div'); d.append(el('dt', label), el('dd', value)); box.append(d); }
  }

  async function loadEvents() {
    catalog = await call('GET', '/events');
    const box = $('events');
    box.replaceChildren();
    const filter = $('filter-event');
    for (const name of ['*'].concat(catalog.map((e) => e.name))) {
      const label = el('label');
      const input = el('input'); input.type = 'checkbox'; input.value = name; input.name = 'events';
      label.append(input, el('span', name === '*' ? 'All events (*)' : name));
      const described = catalog.find((e) => e.name === name);
      if (described) label.title = described.description;
      box.append(label);
      if (name !== '*') { const o = el('option', name); o.value = name; filter.append(o); }
    }
  }

  async function loadWebhooks() {
    webhooks = await call('GET', '');
    const stats = await Promise.all(webhooks.map((w) => call('GET', '/' + w.id + '/stats?hours=24').catch(() => null)));
    const list = $('webhooks');
    list.replaceChildren();
    if (webhooks.length === 0) list.append(el('li', 'No webhooks yet. Add one to send chat events to your CRM, Slack or your own script.', 'muted'));
    webhooks.forEach((w, i) => {
      const s = stats[i];
      const li = el('li');
      if (current && current.id === w.id) li.className = 'current';
      const title = el('div', undefined, 'card-title');
      const state = stateOf(w);
      title.append(el('strong', w.name), el('span', state.text, 'badge ' + state.cls));
      const last = s && s.lastDeliveryAt ? 'Last delivery ' + ago(s.lastDeliveryAt) + ' (' + s.lastStatus + ')' : 'No event sent yet (tests aside)';
      const health = s ? '24 h: ' + s.total + ' sent · ' + pct(s.successRate) + ' delivered · p95 ' + (s.p95Ms === null ? '–' : s.p95Ms + ' ms') : '';
      const actions = el('div', undefined, 'row');
      actions.append(btn('Open', () => open(w.id), 'primary', 'Open ' + w.name));
      li.append(title, el('div', w.url, 'url'), el('div', last, 'muted'), el('div', health, s && s.failed > 0 ? 'warn' : 'muted'),
        el('div', 'Events: ' + w.events.join(', '), 'muted'), actions);
      list.append(li);
    });
    if (current) {
      const fresh = webhooks.find((w) => w.id === current.id);
      if (fresh) { current = fresh; renderHeader(); } else closeWebhook();
    }
  }

  async function refresh() { await Promise.all([loadOverview(), loadWebhooks()]); }

  async function run(action, done) {
    try { await action(); say(done, true); await refresh(); } catch (e) { say(e.message, false); }
  }

  // ----- the form -----
  function showForm(w) {
    editing = w || null;
    $('form-section').hidden = false;
    $('form-title').textContent = w ? 'Edit ' + w.name : 'Add a webhook';
    $('form').reset();
    $('form-error').textContent = '';
    $('secret').placeholder = w && w.hasSecret ? 'leave empty to keep the current one' : 'none';
    if (w) {
      $('name').value = w.name; $('url').value = w.url; $('format').value = w.format; $('ordering').value = w.ordering || 'none'; $('enabled').checked = w.enabled;
      if ($('rate-limit')) $('rate-limit').value = w.rateLimit === null || w.rateLimit === undefined ? '' : w.rateLimit;
      for (const box of $('events').querySelectorAll('input')) box.checked = w.events.includes(box.value);
    }
    $('form-title').focus();
  }
  function hideForm() { editing = null; $('form-section').hidden = true; }

  $('form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const events = [...$('events').querySelectorAll('input:checked')].map((b) => b.value);
    const body = { name: $('name').value, url: $('url').value, events, format: $('format').value, ordering: $('ordering').value, enabled: $('enabled').checked };
    if ($('secret').value) body.secret = $('secret').value;
    const rate = $('rate-limit');
    if (rate && (rate.value !== '' || (editing && editing.rateLimit !== null && editing.rateLimit !== undefined))) body.rateLimit = rate.value === '' ? null : Number(rate.value);
    const w = editing;
    try {
      const saved = w ? await call('PATCH', '/' + w.id, body) : await call('POST', '', body);
      hideForm();
      say(w ? 'Saved ' + saved.name + '.' : 'Webhook ' + saved.name + ' added.', true);
      await refresh();
      await open(saved.id);
    } catch (e) { $('form-error').textContent = e.message; say(e.message, false); }
  });
  $('cancel').addEventListener('click', () => { hideForm(); $('add').focus(); });
  $('add').addEventListener('click', () => showForm(null));

  // ----- one webhook -----
  function renderHeader() {
    const w = current;
    $('wh-title').textContent = w.name;
    const state = stateOf(w);
    $('wh-state').textContent = state.text; $('wh-state').className = 'badge ' + state.cls;
    $('wh-url').textContent = w.url;
    $('wh-events').textContent = 'Events: ' + w.events.join(', ') + (w.rateLimit ? ' · at most ' + w.rateLimit + ' requests/s' : '');
    $('toggle').textContent = w.enabled ? 'Disable' : 'Enable';
  }

  async function open(id) {
    current = webhooks.find((w) => w.id === id) || await call('GET', '/' + id);
    $('webhook').hidden = false;
    $('test-result').replaceChildren(); $('replay-result').textContent = ''; hideSecret();
    const since = new Date(Date.now() - 3600000);
    since.setSeconds(0, 0);
    $('replay-since').value = new Date(since.getTime() - since.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    renderHeader();
    for (const li of $('webhooks').children) li.classList.remove('current');
    const index = webhooks.findIndex((w) => w.id === id);
    if (index >= 0 && $('webhooks').children[index]) $('webhooks').children[index].classList.add('current');
    $('wh-title').focus();
    await Promise.all([loadChart(), loadLog(true)]);
  }
  function closeWebhook() { current = null; $('webhook').hidden = true; }

  async function loadChart() {
    const s = await call('GET', '/' + current.id + '/stats?hours=24');
    const svg = $('chart');
    svg.replaceChildren();
    const W = 480, H = 120, top = 4, bottom = 1, n = s.perHour.length, slot = W / n;
    const max = Math.max(1, ...s.perHour.map((p) => p.success + p.failed));
    const title = document.createElementNS(SVG, 'title'); title.id = 'chart-title';
    title.textContent = 'Deliveries per hour, last 24 hours';
    const desc = document.createElementNS(SVG, 'desc'); desc.id = 'chart-desc';
    desc.textContent = s.success + ' delivered and ' + s.failed + ' failed in the last 24 hours; busiest hour ' + max + '.';
    svg.append(title, desc);
    s.perHour.forEach((p, i) => {
      const g = document.createElementNS(SVG, 'g');
      const t = document.createElementNS(SVG, 'title');
      const from = new Date(p.hour);
      t.textContent = from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + ': ' + p.success + ' delivered, ' + p.failed + ' failed';
      g.append(t);
      const scale = (H - top - bottom) / max;
      const hs = p.success * scale, hf = p.failed * scale;
      const x = i * slot + 2, w = Math.max(1, slot - 4);
      for (const [h, y, color] of [[hs, H - bottom - hs, '#2e9d5b'], [hf, H - bottom - hs - hf, '#d4483d']]) {
        if (h <= 0) continue;
        const r = document.createElementNS(SVG, 'rect');
        r.setAttribute('x', String(x)); r.setAttribute('y', String(y)); r.setAttribute('width', String(w)); r.setAttribute('height', String(h)); r.setAttribute('fill', color);
        g.append(r);
      }
      const hit = document.createElementNS(SVG, 'rect');
      hit.setAttribute('x', String(i * slot)); hit.setAttribute('y', String(top)); hit.setAttribute('width', String(slot)); hit.setAttribute('height', String(H - top - bottom)); hit.setAttribute('fill', 'transparent');
      g.append(hit);
      svg.append(g);
    });
    const axis = $('chart-axis');
    axis.replaceChildren();
    for (const i of [0, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1]) {
      axis.append(el('span', i === n - 1 ? 'now' : new Date(s.perHour[i].hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
    }
    $('chart-summary').textContent = s.total + ' deliveries · ' + pct(s.successRate) + ' delivered · p50 ' + (s.p50Ms === null ? '–' : s.p50Ms + ' ms') + ' · p95 ' + (s.p95Ms === null ? '–' : s.p95Ms + ' ms');
  }

  async function loadLog(fresh) {
    if (fresh) { cursor = null; $('deliveries').replaceChildren(); closeDetail(false); }
    const q = new URLSearchParams({ limit: '20' });
    if ($('filter-status').value) q.set('status', $('filter-status').value);
    if ($('filter-event').value) q.set('event', $('filter-event').value);
    if (cursor && !fresh) q.set('before', cursor);
    try {
      const page = await call('GET', '/' + current.id + '/deliveries?' + q.toString());
      const body = $('deliveries');
      if (fresh && page.items.length === 0) {
        const tr = el('tr'); const td = el('td', 'No deliveries match.', 'muted'); td.colSpan = 6; tr.append(td); body.append(tr);
      }
      for (const d of page.items) {
        const tr = el('tr');
        const cell = (label, value, cls) => { const td = el('td', value, cls); td.dataset.label = label; return td; };
        const actions = cell('', undefined, 'actions');
        const row = el('div', undefined, 'row');
        const details = btn('Details', () => detail(d.id, details), undefined, 'Details of the ' + d.event + ' delivery of ' + when(d.createdAt));
        row.append(details, btn('Redeliver', () => redeliver(d), undefined, 'Redeliver the ' + d.event + ' delivery of ' + when(d.createdAt)));
        actions.append(row);
        tr.append(cell('When', when(d.createdAt)), cell('Event', d.event + (d.isTest ? ' (test)' : '')),
          cell('Status', d.status + (d.error ? ': ' + d.error : ''), d.status === 'success' ? 'ok' : d.status === 'failed' ? 'bad' : 'muted'),
          cell('HTTP', d.statusCode === null ? '–' : d.statusCode), cell('Attempts · ms', d.attempts + ' · ' + (d.durationMs === null ? '–' : d.durationMs)), actions);
        body.append(tr);
      }
      cursor = page.nextCursor;
      $('more').hidden = !cursor;
      $('log-status').textContent = (function (n) { return n + (n === 1 ? ' delivery' : ' deliveries') + ' shown'; })($('deliveries').querySelectorAll('tr').length) + (cursor ? '; more are older' : '');
    } catch (e) { say(e.message, false); }
  }

  async function redeliver(d) {
    try { await call('POST', '/' + current.id + '/deliveries/' + d.id + '/redeliver'); say('Delivery ' + d.id + ' is queued again.', true); setTimeout(() => { loadLog(true); loadChart(); refresh(); }, 800); }
    catch (e) { say(e.message, false); }
  }

  async function detail(id, opener) {
    try {
      const d = await call('GET', '/' + current.id + '/deliveries/' + id);
      detailOpener = opener || null;
      $('detail').hidden = false;
      $('detail-title').textContent = d.event + (d.isTest ? ' (test)' : '') + ' · ' + d.status;
      const facts = $('detail-facts');
      facts.replaceChildren();
      for (const [k, v] of [['Delivery id', d.id], ['Status', d.status + (d.nextAttemptAt ? ', next attempt ' + when(d.nextAttemptAt) : '')], ['HTTP code', d.statusCode === null ? '–' : d.statusCode],
        ['Attempts', d.attempts], ['Time', d.durationMs === null ? '–' : d.durationMs + ' ms'], ['Created', when(d.createdAt)], ['Error', d.error || '–']]) {
        facts.append(el('dt', k), el('dd', v));
      }
      $('detail-payload').textContent = JSON.stringify(d.payload, null, 2);
      const headers = $('detail-headers');
      headers.replaceChildren();
      const entries = Object.entries(d.requestHeaders || {});
      if (entries.length === 0) { const tr = el('tr'); const td = el('td', 'Not sent yet.', 'muted'); td.colSpan = 2; tr.append(td); headers.append(tr); }
      for (const [k, v] of entries) { const tr = el('tr'); tr.append(el('th', k), el('td', v, 'url')); headers.append(tr); }
      const timeline = $('detail-attempts');
      timeline.replaceChildren();
      if (d.attemptLog.length === 0) timeline.append(el('li', 'No attempt yet.', 'muted'));
      for (const a of d.attemptLog) {
        const ok = a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300 && !a.error;
        const li = el('li', undefined, ok ? 'ok' : 'bad');
        li.append(el('strong', 'Attempt ' + a.attempt), el('span', ' · ' + when(a.at) + ' · ' + (a.statusCode === null ? 'no answer' : 'HTTP ' + a.statusCode) + ' · ' + a.durationMs + ' ms'));
        if (a.error) li.append(el('div', a.error, 'bad'));
        timeline.append(li);
      }
      const response = d.responseBody;
      $('detail-response').textContent = response === null || response === '' ? '(empty)' : typeof response === 'string' ? response : JSON.stringify(response);
      $('detail-title').focus();
    } catch (e) { say(e.message, false); }
  }
  function closeDetail(restoreFocus) {
    $('detail').hidden = true;
    if (restoreFocus && detailOpener && document.body.contains(detailOpener)) detailOpener.focus();
  }

  $('test').addEventListener('click', async () => {
    const out = $('test-result');
    out.replaceChildren(el('p', 'Sending a test to ' + current.url + '…', 'muted'));
    try {
      const r = await call('POST', '/' + current.id + '/test', {});
      out.replaceChildren(el('p', r.success ? 'Test delivered: HTTP ' + r.statusCode + ' in ' + r.durationMs + ' ms.' : 'Test failed: ' + r.error + (r.statusCode ? ' (HTTP ' + r.statusCode + ')' : '') + ', ' + r.durationMs + ' ms.', r.success ? 'ok' : 'bad'));
      const label = el('h4', 'Response body');
      const pre = el('pre', r.responseBody === null || r.responseBody === '' ? '(empty)' : r.responseBody);
      out.append(label, pre);
      await Promise.all([loadLog(true), loadChart(), refresh()]);
    } catch (e) { out.replaceChildren(el('p', e.message, 'bad')); }
  });
  $('edit').addEventListener('click', () => showForm(current));
  $('toggle').addEventListener('click', () => run(() => call('PATCH', '/' + current.id, { enabled: !current.enabled }), current.enabled ? 'Disabled ' + current.name + '.' : 'Enabled ' + current.name + '.'));
  $('delete').addEventListener('click', () => {
    if (!confirm('Delete "' + current.name + '" and its delivery log?')) return;
    const name = current.name;
    run(async () => { await call('DELETE', '/' + current.id); closeWebhook(); }, 'Deleted ' + name + '.');
  });

  function hideSecret() { $('secret-box').hidden = true; $('secret-value').value = ''; }
  $('reveal').addEventListener('click', async () => {
    try {
      const r = await call('GET', '/' + current.id + '/secret');
      $('secret-box').hidden = false; $('secret-value').value = r.secret || '';
      $('secret-note').textContent = r.secret ? 'The current signing secret.' : 'This webhook has no signing secret.';
      $('secret-value').focus();
    } catch (e) { say(e.message, false); }
  });
  $('rotate').addEventListener('click', async () => {
    if (!confirm('Make a new signing secret for "' + current.name + '"? The old one keeps signing beside it for 24 hours.')) return;
    try {
      const r = await call('POST', '/' + current.id + '/secret/rotate');
      $('secret-box').hidden = false; $('secret-value').value = r.secret;
      $('secret-note').textContent = 'New secret. The old one keeps signing beside it for 24 hours.';
      say('Secret rotated.', true); $('secret-value').focus();
      await refresh();
    } catch (e) { say(e.message, false); }
  });
  $('hide-secret').addEventListener('click', () => { hideSecret(); $('reveal').focus(); });

  $('replay-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = $('replay-result');
    const value = $('replay-since').value;
    const since = new Date(value);
    if (!value || Number.isNaN(since.getTime())) { out.textContent = 'Choose the date and time to replay from.'; out.className = 'status-line bad'; return; }
    try {
      const r = await call('POST', '/' + current.id + '/deliveries/replay', { since: since.toISOString(), status: 'failed' });
      out.textContent = r.count === 0 ? 'No failed delivery since ' + since.toLocaleString() + '.' : r.count + ' failed ' + (r.count === 1 ? 'delivery' : 'deliveries') + ' since ' + since.toLocaleString() + ' queued again' + (r.count >= 10000 ? ' (the first 10,000: replay again for the rest).' : '.');
      out.className = 'status-line ok';
      setTimeout(() => { loadLog(true); loadChart(); refresh(); }, 800);
    } catch (e) { out.textContent = e.message; out.className = 'status-line bad'; }
  });

  $('filters').addEventListener('change', () => loadLog(true));
  $('more').addEventListener('click', () => loadLog(false));
  $('close-detail').addEventListener('click', () => closeDetail(true));
  $('detail').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeDetail(true); });
  $('refresh').addEventListener('click', async () => { try { await refresh(); if (current) await Promise.all([loadChart(), loadLog(true)]); say('Up to date.', true); } catch (e) { say(e.message, false); } });
  $('save-token').addEventListener('click', () => {
    token = $('token').value.trim(); sessionStorage.setItem('webhooks-admin-token', token); $('auth').hidden = true; start();
  });

  async function start() {
    try { if (catalog.length === 0) await loadEvents(); await refresh(); say(''); } catch (e) { say(e.message, false); }
  }
  start();
`;

/**
 * The admin page (Admin → Live Chat → Webhooks): one self-contained HTML document
 * that drives the admin REST API with fetch. It carries no data of its own; every
 * value comes from the API and is written with textContent, never as HTML.
 */
export function renderWebhooksAdminPage(apiPath: string, features: WebhooksAdminPageFeatures = { rateLimit: false }): string {
  const api = JSON.stringify(`/${apiPath}`);
  const rateLimitField = features.rateLimit
    ? `
    <label for="rate-limit">Rate limit (requests per second)</label>
    <input id="rate-limit" type="number" min="0.1" max="1000" step="0.1" inputmode="decimal" aria-describedby="rate-limit-hint">
    <p class="hint" id="rate-limit-hint">0.1 to 1000; empty for no limit. Slack takes about 1 per second.</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live Chat · Webhooks</title>
<style>${STYLE}</style>
</head>
<body>
<nav class="crumbs" aria-label="Breadcrumb">Admin → Live Chat → Webhooks</nav>
<main>
<h1>Webhooks</h1>
<p class="muted">Send chat events to your CRM, Slack, n8n, Zapier or your own script.</p>
<div id="message" class="status-line" role="status" aria-live="polite"></div>

<section id="auth" hidden aria-labelledby="auth-title">
  <h2 id="auth-title">Sign in</h2>
  <label for="token">Admin token</label>
  <input id="token" type="password" autocomplete="off">
  <p><button class="primary" type="button" id="save-token">Use token</button></p>
</section>

<section aria-labelledby="overview-title">
  <div class="card-title"><h2 id="overview-title">At a glance</h2><button type="button" id="refresh">Refresh</button></div>
  <dl class="overview" id="overview"></dl>
</section>

<section aria-labelledby="list-title">
  <div class="card-title"><h2 id="list-title">Your webhooks</h2><button class="primary" type="button" id="add">Add a webhook</button></div>
  <ul class="cards" id="webhooks"></ul>
</section>

<section id="form-section" hidden aria-labelledby="form-title">
  <h2 id="form-title" tabindex="-1">Add a webhook</h2>
  <form id="form" novalidate>
    <label for="name">Name</label><input id="name" type="text" required maxlength="200" autocomplete="off">
    <label for="url">URL</label><input id="url" type="url" required maxlength="2048" placeholder="https://example.com/webhooks/chat" aria-describedby="url-hint">
    <p class="hint" id="url-hint">Must start with https://</p>
    <label for="secret">Signing secret (optional)</label><input id="secret" type="password" maxlength="256" autocomplete="off" placeholder="none">
    <label for="format">Format</label>
    <select id="format"><option value="json">JSON</option><option value="slack">Slack</option><option value="discord">Discord</option></select>
    <label for="ordering">Order</label>
    <select id="ordering" aria-describedby="ordering-hint"><option value="none">None</option><option value="conversation">Per conversation</option></select>
    <p class="hint" id="ordering-hint">Per conversation: a conversation's events arrive one at a time, in order; a failing one holds back the later ones of its conversation until it ends.</p>
    ${rateLimitField}
    <fieldset><legend>Events</legend><div class="events" id="events"></div></fieldset>
    <label class="check"><input type="checkbox" id="enabled" checked> Enabled</label>
    <p id="form-error" class="bad" role="alert"></p>
    <div class="row"><button class="primary" type="submit">Save</button><button type="button" id="cancel">Cancel</button></div>
  </form>
</section>

<section id="webhook" hidden aria-labelledby="wh-title">
  <div class="card-title"><h2 id="wh-title" tabindex="-1"></h2><span id="wh-state" class="badge"></span></div>
  <div id="wh-url" class="url"></div>
  <div id="wh-events" class="muted"></div>
  <div class="row toolbar">
    <button type="button" class="primary" id="test">Send a test</button>
    <button type="button" id="edit">Edit</button>
    <button type="button" id="toggle">Disable</button>
    <button type="button" id="reveal">Reveal secret</button>
    <button type="button" id="rotate">Rotate secret</button>
    <button type="button" class="danger" id="delete">Delete</button>
  </div>
  <div id="secret-box" class="secret" hidden>
    <label for="secret-value">Signing secret</label>
    <div class="row"><input id="secret-value" type="text" readonly autocomplete="off" spellcheck="false"><button type="button" id="hide-secret">Hide</button></div>
    <p id="secret-note" class="hint"></p>
  </div>
  <div id="test-result" role="status" aria-live="polite"></div>

  <h3 id="chart-heading">Last 24 hours</h3>
  <div class="chart"><svg id="chart" viewBox="0 0 480 120" preserveAspectRatio="none" role="img" aria-labelledby="chart-title chart-desc" focusable="false"></svg></div>
  <div class="axis" id="chart-axis" aria-hidden="true"></div>
  <div class="legend"><span><span class="swatch s"></span>Delivered</span><span><span class="swatch f"></span>Failed</span></div>
  <p id="chart-summary" class="muted"></p>

  <h3>Replay failed deliveries</h3>
  <form id="replay-form" novalidate>
    <label for="replay-since">Replay failed deliveries since</label>
    <div class="row"><input id="replay-since" type="datetime-local" required><button type="submit">Replay failed deliveries</button></div>
    <p class="hint">Every failed delivery created since then is sent again with its id, at most 10,000 at once.</p>
  </form>
  <div id="replay-result" class="status-line" role="status" aria-live="polite"></div>

  <h3>Delivery log</h3>
  <form id="filters" class="filters" novalidate>
    <div><label for="filter-status">Status</label>
      <select id="filter-status"><option value="">Any status</option><option value="pending">pending</option><option value="retrying">retrying</option><option value="success">success</option><option value="failed">failed</option></select></div>
    <div><label for="filter-event">Event</label><select id="filter-event"><option value="">Any event</option></select></div>
  </form>
  <table class="log">
    <caption class="sr-only">Deliveries, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">HTTP</th><th scope="col">Attempts · ms</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody id="deliveries"></tbody>
  </table>
  <p id="log-status" class="muted" role="status" aria-live="polite"></p>
  <p><button type="button" id="more" hidden>Older deliveries</button></p>

  <section id="detail" hidden aria-labelledby="detail-title">
    <div class="card-title"><h3 id="detail-title" tabindex="-1"></h3><button type="button" id="close-detail">Close</button></div>
    <dl class="facts" id="detail-facts"></dl>
    <h4>Attempts</h4>
    <ol class="timeline" id="detail-attempts"></ol>
    <h4>Payload</h4>
    <pre id="detail-payload" tabindex="0" aria-label="Payload"></pre>
    <h4>Request headers</h4>
    <table class="headers"><thead><tr><th scope="col">Header</th><th scope="col">Value</th></tr></thead><tbody id="detail-headers"></tbody></table>
    <h4>Last response body</h4>
    <pre id="detail-response" tabindex="0" aria-label="Last response body"></pre>
  </section>
</section>
</main>
<script>
(() => {
  const API = ${api};
${SCRIPT}
})();
</script>
</body>
</html>
`;
}
