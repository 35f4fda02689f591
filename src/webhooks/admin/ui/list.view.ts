// The list: every webhook with its health from one call (GET / carries each one's 24 h health).
import { api, ApiError } from './api.js';
import { healthBlock } from './badge.js';
import { button, el, link, ms, pct, timeEl } from './dom.js';
import { heldBy } from './health.js';
import type { Shown } from './main.js';
import { href } from './router.js';
import { report } from './status.js';
import type { ModuleStats, Webhook } from './types.js';

function overview(s: ModuleStats): HTMLElement {
  const items: Array<[string, string | number]> = [
    ['Waiting', s.pending],
    ['Retrying', s.retrying],
    ['Failed in 24 h', s.failedLast24h],
    ['Oldest due', s.oldestDueAgeMs ? `${Math.round(s.oldestDueAgeMs / 1000)} s late` : 'on time'],
    ['Paused', s.pausedWebhooks],
    ['Disabled', s.disabledWebhooks],
  ];
  return el('dl', { class: 'overview', id: 'overview' }, ...items.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: String(v) }))));
}

function row(w: Webhook, redraw: (said: string) => void): HTMLTableRowElement {
  const h = w.health;
  const held = h?.lastStatus ? heldBy({ status: h.lastStatus }, w) : null;
  const last = h?.lastDeliveryAt
    ? el('span', {}, timeEl(h.lastDeliveryAt), ' ', el('span', { class: held ? 'warn' : h.lastStatus === 'success' ? 'ok' : h.lastStatus === 'failed' ? 'bad' : 'muted' }, held ? `${h.lastStatus}, held` : h.lastStatus ?? ''))
    : el('span', { class: 'muted' }, 'none in 24 h');
  const cell = (label: string, ...content: Array<Node | string>) => el('td', { 'data-label': label }, ...content);
  return el('tr', { 'data-id': w.id },
    el('th', { scope: 'row', 'data-label': 'Webhook' },
      link(w.name, href.webhook(w.id), { class: 'name' }),
      el('div', { class: 'url' }, w.url),
      w.source && w.source !== 'admin' ? el('div', { class: 'muted small-text' }, `Source: ${w.source}`) : null),
    cell('Health', healthBlock(w, (_, said) => redraw(`${w.name}: ${said}`))),
    cell('24 h', el('div', {}, el('div', {}, h && h.total > 0 ? `${pct(h.successRate)} of ${h.total.toLocaleString()}` : '–'), el('div', { class: 'muted small-text' }, `p95 ${ms(h?.p95Ms)}`))),
    cell('Last delivery', last),
  );
}

export async function showList(root: HTMLElement): Promise<Shown> {
  const out = el('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const overviewBox = el('div', { class: 'overview-box' });
  const body = el('tbody', { id: 'webhooks' });
  const table = el('table', { class: 'list' },
    el('caption', { class: 'sr-only' }, 'Webhooks and their health over the last 24 hours'),
    el('thead', {}, el('tr', {}, ...['Webhook', 'Health', '24 h delivered · p95', 'Last delivery'].map((t) => el('th', { scope: 'col' }, t)))),
    body);

  const load = async (said = '') => {
    const list = api.list();
    const stats = api.stats().catch(() => null); // the overview is a bonus: the list stands without it
    try {
      const webhooks = await list;
      body.replaceChildren();
      if (webhooks.length === 0) body.append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No webhooks yet. Add one to send chat events to your CRM, Slack or your own script.')));
      for (const w of webhooks) body.append(row(w, (text) => void load(text)));
      performance.mark('webhooks-list-drawn');
      document.documentElement.dataset.listDrawn = String(webhooks.length);
      report(out, said, 'ok');
    } catch (err) {
      report(out, err instanceof ApiError ? err.message : String(err), 'bad');
    }
    const s = await stats;
    if (s) overviewBox.replaceChildren(overview(s));
  };

  root.replaceChildren(
    el('div', { class: 'title-row' },
      el('h1', { tabindex: '-1' }, 'Webhooks'),
      el('div', { class: 'row' }, button('Refresh', () => void load()), link('Add a webhook', href.add(), { class: 'button primary' }))),
    el('p', { class: 'muted' }, 'Send chat events to your CRM, Slack, n8n, Zapier or your own script.'),
    out,
    overviewBox,
    el('section', { 'aria-label': 'Your webhooks' }, table),
  );
  await load();
  return {};
}
