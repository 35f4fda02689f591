// Add or edit a webhook: errors under their fields, an HTTPS check before sending, events
// grouped by family with their descriptions, "All events" standing for every other one.
import { loadScope, selectedAccount } from './account.js';
import { api, ApiError, errorText } from './api.js';
import { groupEvents, loadCatalog } from './catalog.js';
import { el, link } from './dom.js';
import { fieldOf, plainUrlError } from './form-errors.js';
import type { Shown } from './main.js';
import { href } from './router.js';
import { flash } from './status.js';
import { integrationOf, parseInboxIds } from './tenancy.js';
import type { AdminScope, EventInfo, Webhook } from './types.js';

const features = document.documentElement.dataset;

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement {
  const error = el('p', { class: 'field-error', id: `${id}-error` });
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  return el('div', { class: 'field', 'data-field': id }, el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null, error);
}

function eventsField(catalog: EventInfo[], chosen: string[]): HTMLElement {
  const all = el('input', { type: 'checkbox', value: '*', id: 'event-all', name: 'events' });
  all.checked = chosen.includes('*');
  const boxes: HTMLInputElement[] = [];
  const groups = groupEvents(catalog).map(([family, events]) =>
    el('fieldset', { class: 'event-group' }, el('legend', {}, family.replace(/_/g, ' ')),
      ...events.map((e) => {
        const box = el('input', { type: 'checkbox', value: e.name, id: `event-${e.name}`, name: 'events', 'aria-describedby': `event-${e.name}-desc` });
        box.checked = chosen.includes(e.name);
        boxes.push(box);
        return el('div', { class: 'event' }, el('label', { for: `event-${e.name}` }, box, el('span', { class: 'mono' }, e.name)), el('p', { class: 'hint', id: `event-${e.name}-desc` }, e.description));
      })));
  // "All events" stands for every one: the others are disabled while it is on.
  const sync = () => {
    for (const b of boxes) b.disabled = all.checked;
  };
  all.addEventListener('change', sync);
  sync();
  return el('fieldset', { class: 'field events', 'data-field': 'events', id: 'events', 'aria-describedby': 'events-error' },
    el('legend', {}, 'Events'),
    el('div', { class: 'event' }, el('label', { for: 'event-all' }, all, el('strong', {}, 'All events (*)')), el('p', { class: 'hint' }, 'Every event, including ones added later.')),
    el('div', { class: 'event-groups' }, ...groups),
    el('p', { class: 'field-error', id: 'events-error' }));
}

export async function showForm(root: HTMLElement, id: string | null): Promise<Shown> {
  root.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  let editing: Webhook | null = null;
  let catalog: EventInfo[];
  let scope: AdminScope | null;
  try {
    [editing, catalog, scope] = await Promise.all([id ? api.get(id) : Promise.resolve(null), loadCatalog(), loadScope().catch(() => null)]);
  } catch (err) {
    root.replaceChildren(link('← All webhooks', href.list(), { class: 'back' }), el('h1', { tabindex: '-1' }, 'Form not shown'), el('p', { class: 'bad', role: 'alert' }, errorText(err)));
    return {};
  }
  const w = editing;
  const name = el('input', { id: 'name', type: 'text', required: true, maxlength: '200', autocomplete: 'off' });
  const url = el('input', { id: 'url', type: 'url', required: true, maxlength: '2048', placeholder: 'https://example.com/webhooks/chat', autocomplete: 'off', spellcheck: 'false' });
  const secret = el('input', { id: 'secret', type: 'password', maxlength: '256', autocomplete: 'off', placeholder: w?.hasSecret ? 'leave empty to keep the current one' : 'none' });
  const format = el('select', { id: 'format' }, el('option', { value: 'json' }, 'JSON'), el('option', { value: 'slack' }, 'Slack'), el('option', { value: 'discord' }, 'Discord'));
  const rate = features.rateLimit === 'true' ? el('input', { id: 'rate-limit', type: 'number', min: '0.1', max: '1000', step: '0.1', inputmode: 'decimal' }) : null;
  const ordering = el('select', { id: 'ordering' },
    el('option', { value: 'none' }, 'None: deliveries go out in parallel'),
    el('option', { value: 'conversation' }, 'Per conversation: each conversation in the order it happened'));
  const description = el('textarea', { id: 'description', maxlength: '500', rows: '2' });
  const inboxes = el('input', { id: 'inbox-ids', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  // Only a platform admin puts a new webhook in an account of their choice; an account admin's go in their own.
  const account = !w && scope?.multiAccount && scope.platform ? el('input', { id: 'account-id', type: 'text', maxlength: '191', autocomplete: 'off', spellcheck: 'false' }) : null;
  if (account) account.value = selectedAccount(scope!) ?? '';
  const integration = w ? integrationOf(w) : null;
  const enabled = el('input', { type: 'checkbox', id: 'enabled' });
  enabled.checked = w ? w.enabled : true;
  if (w) {
    name.value = w.name;
    url.value = w.url;
    format.value = w.format;
    ordering.value = w.ordering ?? 'none';
    if (rate) rate.value = w.rateLimit === null || w.rateLimit === undefined ? '' : String(w.rateLimit);
    description.value = w.description ?? '';
    inboxes.value = (w.inboxIds ?? []).join(', ');
  }
  const formError = el('p', { class: 'bad', id: 'form-error', role: 'alert' });
  const save = el('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = el('form', { id: 'form', novalidate: true },
    integration ? el('p', { class: 'warn', id: 'form-integration' }, `Made by ${integration}: changing it may break that integration.`) : null,
    field('name', 'Name', name),
    field('description', 'Description (optional)', description, 'What it is for, up to 500 characters.'),
    field('url', 'URL', url, features.requireHttps === 'true' ? 'Must start with https://' : 'The endpoint that receives the events.'),
    field('secret', 'Signing secret (optional)', secret),
    field('format', 'Format', format),
    rate ? field('rate-limit', 'Rate limit (requests per second)', rate, '0.1 to 1000; empty for no limit. Slack takes about 1 per second.') : null,
    field('ordering', 'Order', ordering, "Per conversation costs speed: a conversation's next event waits until the one before has ended, retries included."),
    account ? field('account-id', 'Account', account, "The account whose events it takes; empty for a platform-wide webhook, which takes every account's.") : null,
    field('inbox-ids', 'Inboxes (optional)', inboxes, 'Inbox ids separated by commas; empty for every inbox' + (w?.accountId ? ` of account ${w.accountId}.` : scope?.multiAccount && !scope.platform ? ` of account ${scope.accountId}.` : '.')),
    eventsField(catalog, w?.events ?? []),
    el('div', { class: 'field' }, el('label', { class: 'check', for: 'enabled' }, enabled, 'Enabled')),
    formError,
    el('div', { class: 'row' }, save, link('Cancel', w ? href.webhook(w.id) : href.list(), { class: 'button' })));

  // Enter in a checkbox toggles nothing and must not send the form either.
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target instanceof HTMLInputElement && ev.target.type === 'checkbox') ev.preventDefault();
  });

  const clearErrors = () => {
    formError.textContent = '';
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  };
  const fail = (fieldId: string | null, text: string): HTMLElement | null => {
    const box = fieldId ? form.querySelector<HTMLElement>(`#${fieldId}-error`) : null;
    if (!box) {
      formError.textContent = [formError.textContent, text].filter(Boolean).join(' ');
      return null;
    }
    box.textContent = [box.textContent, text].filter(Boolean).join(' ');
    const input = fieldId === 'events' ? form.querySelector<HTMLElement>('#events') : form.querySelector<HTMLElement>(`#${fieldId}`);
    input?.setAttribute('aria-invalid', 'true');
    return fieldId === 'events' ? form.querySelector<HTMLElement>('#event-all') : input;
  };
  const checked = () => [...form.querySelectorAll<HTMLInputElement>('input[name=events]:checked')].filter((b) => !b.disabled).map((b) => b.value);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const events = checked();
    const first: Array<HTMLElement | null> = [];
    if (!name.value.trim()) first.push(fail('name', 'Give the webhook a name.'));
    let parsed: URL | null = null;
    try {
      parsed = new URL(url.value.trim());
    } catch {
      first.push(fail('url', 'Not a URL: it must look like https://example.com/hooks/chat.'));
    }
    if (parsed && features.requireHttps === 'true' && parsed.protocol !== 'https:') first.push(fail('url', 'Webhook URL must use HTTPS: start it with https://.'));
    if (events.length === 0) first.push(fail('events', 'Choose at least one event, or All events.'));
    if (first.length > 0) return first.find(Boolean)?.focus();

    const body: Record<string, unknown> = { name: name.value.trim(), url: url.value.trim(), events, format: format.value, ordering: ordering.value, enabled: enabled.checked };
    if (secret.value) body.secret = secret.value;
    const described = description.value.trim();
    if (described || (w && w.description)) body.description = described || null;
    body.inboxIds = parseInboxIds(inboxes.value);
    if (account && account.value.trim()) body.accountId = account.value.trim();
    if (rate && (rate.value !== '' || (w && w.rateLimit !== null && w.rateLimit !== undefined))) body.rateLimit = rate.value === '' ? null : Number(rate.value);
    save.disabled = true;
    try {
      const saved = w ? await api.update(w.id, body) : await api.create(body);
      flash(w ? `Saved ${saved.name}.` : `Webhook ${saved.name} added.`);
      location.hash = href.webhook(saved.id);
    } catch (err) {
      const messages = err instanceof ApiError ? err.messages : [String(err)];
      const focus = messages.map((m) => fail(fieldOf(m), fieldOf(m) === 'url' ? plainUrlError(m) : m)).find(Boolean);
      focus?.focus();
    } finally {
      save.disabled = false;
    }
  });

  root.replaceChildren(
    link('← ' + (w ? w.name : 'All webhooks'), w ? href.webhook(w.id) : href.list(), { class: 'back' }),
    el('h1', { tabindex: '-1', id: 'form-title' }, w ? `Edit ${w.name}` : 'Add a webhook'),
    el('section', { class: 'panel' }, form));
  return {};
}
