// One delivery, opened right under its row in the log: facts, each attempt's request and
// response, copy buttons, and Redeliver with its result said here.
import { api, errorText } from './api.js';
import { button, codeBlock, copyButton, el, exactTime, formatBody, ms, plural } from './dom.js';
import { failureText, heldBy } from './health.js';
import { report } from './status.js';
import type { Attempt, DeliveryDetail, Webhook } from './types.js';

function headersBlock(title: string, headers: Record<string, string> | null, level: 'h4' | 'h5'): HTMLElement {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return el('div', {}, el(level, { text: title }), el('p', { class: 'muted' }, headers ? 'None.' : 'Not kept.'));
  const text = entries.map(([k, v]) => `${k}: ${v}`).join('\n');
  return el('div', { class: 'code' },
    el('div', { class: 'code-head' }, el(level, { text: title }), copyButton(title.toLowerCase(), () => text)),
    el('table', { class: 'headers' },
      el('thead', { class: 'sr-only' }, el('tr', {}, el('th', { scope: 'col' }, 'Header'), el('th', { scope: 'col' }, 'Value'))),
      el('tbody', {}, ...entries.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', { class: 'mono' }, v))))));
}

function attemptItem(a: Attempt): HTMLElement {
  const ok = a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300 && !a.error;
  return el('li', { class: ok ? 'ok' : 'bad' },
    el('details', { open: ok ? false : true },
      el('summary', {},
        el('strong', {}, `Attempt ${a.attempt}`),
        ` · ${exactTime(a.at)} · `,
        el('span', { class: ok ? 'ok' : 'bad' }, ok ? `HTTP ${a.statusCode}` : failureText(a.error, a.statusCode)),
        ` · ${ms(a.durationMs)}`),
      ...(a.requestHeaders ? [headersBlock('Request headers', a.requestHeaders, 'h5')] : []),
      headersBlock('Response headers', a.responseHeaders, 'h5'),
      a.responseBody === null ? el('p', { class: 'muted' }, 'Response body not kept.') : codeBlock('Response body', formatBody(a.responseBody), 'h5')));
}

export class DeliveryDrawer {
  readonly element: HTMLElement;
  private readonly title = el('h3', { tabindex: '-1', id: 'drawer-title' });
  private readonly body = el('div', { class: 'drawer-body' }, el('p', { class: 'muted' }, 'Loading…'));

  constructor(readonly deliveryId: string, private readonly webhook: () => Webhook, close: () => void, private readonly changed: () => void) {
    this.element = el('section', { class: 'drawer', id: 'drawer', 'aria-labelledby': 'drawer-title' },
      el('div', { class: 'title-row' }, this.title, button('Close', close, { 'aria-label': 'Close the delivery' })),
      this.body);
    this.title.textContent = `Delivery ${deliveryId}`;
  }

  async load(): Promise<void> {
    try {
      this.render(await api.delivery(this.webhook().id, this.deliveryId));
    } catch (err) {
      this.body.replaceChildren(el('p', { class: 'bad', role: 'alert' }, errorText(err)));
    }
  }

  focus(): void {
    this.title.focus();
  }

  private render(d: DeliveryDetail): void {
    const w = this.webhook();
    // Drawn again (after Redeliver): the focus stays in the drawer, on its title.
    const hadFocus = this.body.contains(document.activeElement);
    const held = heldBy(d, w);
    this.title.textContent = `${d.event}${d.isTest ? ' (test)' : ''} · ${d.status}`;
    const out = el('p', { class: 'status-line', role: 'status', 'aria-live': 'polite', id: 'redeliver-result' });
    const redeliver = button('Redeliver', async () => {
      redeliver.disabled = true;
      report(out, 'Queueing…', 'muted');
      try {
        await api.redeliver(w.id, d.id);
        report(out, `Queued again: the next attempt will be number ${d.attempts + 1}. The log shows its result as it comes.`, 'ok');
        this.changed();
        setTimeout(() => void this.load(), 1500);
      } catch (err) {
        report(out, errorText(err), 'bad');
      } finally {
        redeliver.disabled = false;
      }
    }, { class: 'primary' });
    const status = held
      ? `${d.status}: held while the webhook is ${held}${held === 'paused' ? ' (it goes once the breaker lets a probe through or you resume)' : ''}`
      : d.status + (d.nextAttemptAt ? `, next attempt ${exactTime(d.nextAttemptAt)}` : '');
    const facts: Array<[string, Node | string]> = [
      ['Delivery id', el('span', { class: 'row' }, el('span', { class: 'mono' }, d.id), copyButton('delivery id', () => d.id))],
      ['Status', el('span', { class: held ? 'warn' : d.status === 'success' ? 'ok' : d.status === 'failed' ? 'bad' : '' }, status)],
      ['HTTP', d.statusCode === null ? '–' : String(d.statusCode)],
      ['Error', d.error ?? '–'],
      ['Attempts', String(d.attempts)],
      ['Duration', ms(d.durationMs)],
      ['Created', exactTime(d.createdAt)],
    ];
    this.body.replaceChildren(
      el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])),
      el('div', { class: 'row' }, redeliver), out,
      el('h4', { text: `Attempts (${plural(d.attemptLog.length, 'attempt')})` }),
      d.attemptLog.length === 0
        ? el('p', { class: 'muted' }, held ? 'No attempt yet: held.' : 'No attempt yet.')
        : el('ol', { class: 'timeline', id: 'drawer-attempts' }, ...[...d.attemptLog].reverse().map(attemptItem)),
      el('h4', { text: 'Request' }),
      headersBlock('Request headers', d.requestHeaders, 'h5'),
      codeBlock('Payload', JSON.stringify(d.payload, null, 2), 'h5'),
    );
    if (hadFocus) this.focus();
  }
}
