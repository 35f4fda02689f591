// The list: every webhook with its health from one call (GET / carries each one's 24 h health).
import { drawScope, loadScope, rememberAccounts, selectAccount, selectedAccount } from './account.js';
import { api, errorText } from './api.js';
import { healthBlock } from './badge.js';
import { button, el, link, ms, pct, timeEl } from './dom.js';
import { heldBy } from './health.js';
import type { Shown } from './main.js';
import { href } from './router.js';
import { report } from './status.js';
import { accountText, inboxText, integrationOf } from './tenancy.js';
import type { AdminScope, ModuleStats, Webhook } from './types.js';

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

/**
 * What a webhook is for and whose it is: its description, account (to a platform admin), inboxes
 * and source. A single-tenant install is spared "All inboxes · Source: admin" on every row.
 */
function scopeLines(w: Webhook, scope: AdminScope): HTMLElement[] {
  const integration = integrationOf(w);
  const facts: Array<string | HTMLElement> = [
    scope.multiAccount && scope.platform ? accountText(w.accountId) : null,
    scope.multiAccount || (w.inboxIds?.length ?? 0) > 0 ? inboxText(w.inboxIds) : null,
    integration ? el('span', { class: 'tag source' }, `Made by ${integration}`) : scope.multiAccount ? `Source: ${w.source ?? 'admin'}` : null,
  ].filter((f): f is string | HTMLElement => f !== null);
  const lines: Array<HTMLElement | null> = [
    w.description ? el('div', { class: 'description' }, w.description) : null,
    facts.length > 0 ? el('div', { class: 'muted small-text scope-facts' }, ...facts.flatMap((f, i) => (i === 0 ? [f] : [' · ', f]))) : null,
  ];
  return lines.filter((e): e is HTMLElement => e !== null);
}

function row(w: Webhook, scope: AdminScope, redraw: (said: string) => void): HTMLTableRowElement {
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
      ...scopeLines(w, scope)),
    cell('Health', healthBlock(w, (_, said) => redraw(`${w.name}: ${said}`))),
    cell('24 h', el('div', {}, el('div', {}, h && h.total > 0 ? `${pct(h.successRate)} of ${h.total.toLocaleString()}` : '–'), el('div', { class: 'muted small-text' }, `p95 ${ms(h?.p95Ms)}`))),
    cell('Last delivery', last),
  );
}

/** A platform admin's account switcher: the accounts seen so far, or any other typed in. */
function accountSwitcher(scope: AdminScope, choices: string[], switchTo: (accountId: string | null) => void): HTMLElement {
  const selected = selectedAccount(scope);
  const select = el('select', { id: 'account-filter' },
    el('option', { value: '' }, 'Every account'),
    ...choices.map((a) => el('option', { value: a }, a)));
  select.value = selected ?? '';
  select.addEventListener('change', () => switchTo(select.value || null));
  const other = el('input', { id: 'account-other', type: 'text', maxlength: '191', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'account-other-hint' });
  const form = el('form', { class: 'account-other', novalidate: true },
    el('label', { for: 'account-other' }, 'Another account'),
    el('div', { class: 'row nowrap' }, other, el('button', { type: 'submit' }, 'Show')),
    el('p', { class: 'hint', id: 'account-other-hint' }, 'Its id, as the webhooks\' accountId holds it.'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = other.value.trim();
    if (id) switchTo(id);
  });
  return el('section', { class: 'panel account-switch', 'aria-label': 'Account' },
    el('div', { class: 'account-pick' }, el('label', { for: 'account-filter' }, 'Show the webhooks of'), select),
    form);
}

export async function showList(root: HTMLElement): Promise<Shown> {
  const scope: AdminScope = (await loadScope().catch(() => null)) ?? { accountId: null, platform: true, multiAccount: false };
  const switcher = el('div', { id: 'account-switcher' });
  const out = el('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const overviewBox = el('div', { class: 'overview-box' });
  const body = el('tbody', { id: 'webhooks' });
  const table = el('table', { class: 'list' },
    el('caption', { class: 'sr-only' }, 'Webhooks and their health over the last 24 hours'),
    el('thead', {}, el('tr', {}, ...['Webhook', 'Health', '24 h delivered · p95', 'Last delivery'].map((t) => el('th', { scope: 'col' }, t)))),
    body);

  const load = async (said = '') => {
    const account = selectedAccount(scope);
    const list = api.list(account);
    const stats = api.stats().catch(() => null); // the overview is a bonus: the list stands without it
    try {
      const webhooks = await list;
      body.replaceChildren();
      const owner = scope.multiAccount ? (scope.platform ? account : scope.accountId) : null;
      if (webhooks.length === 0) body.append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, `No webhooks yet${owner ? ` in account ${owner}` : ''}. Add one to send chat events to your CRM, Slack or your own script.`)));
      for (const w of webhooks) body.append(row(w, scope, (text) => void load(text)));
      if (scope.multiAccount && scope.platform) {
        const focused = document.activeElement?.id;
        switcher.replaceChildren(accountSwitcher(scope, rememberAccounts(webhooks, account), (id) => {
          selectAccount(id);
          drawScope(scope);
          void load(id ? `Showing the webhooks of account ${id}.` : 'Showing the webhooks of every account.');
        }));
        if (focused === 'account-filter' || focused === 'account-other') document.getElementById(focused)?.focus();
      }
      performance.mark('webhooks-list-drawn');
      document.documentElement.dataset.listDrawn = String(webhooks.length);
      report(out, said, 'ok');
    } catch (err) {
      report(out, errorText(err), 'bad');
    }
    const s = await stats;
    if (s) overviewBox.replaceChildren(overview(s));
  };

  root.replaceChildren(
    el('div', { class: 'title-row' },
      el('h1', { tabindex: '-1' }, 'Webhooks'),
      el('div', { class: 'row' }, button('Refresh', () => void load()), link('Add a webhook', href.add(), { class: 'button primary' }))),
    el('p', { class: 'muted' }, 'Send chat events to your CRM, Slack, n8n, Zapier or your own script.'),
    switcher,
    out,
    overviewBox,
    el('section', { 'aria-label': 'Your webhooks' }, table),
  );
  await load();
  return {};
}
