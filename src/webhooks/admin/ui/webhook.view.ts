// One webhook: its health and settings, safe actions (test with a chosen event and its payload
// shown first, replay counted before it is sent, the secret with copy and its rotation), the
// chart and the delivery log.
import { loadScope } from './account.js';
import { api, errorText } from './api.js';
import { healthBlock } from './badge.js';
import { loadCatalog, subscribed } from './catalog.js';
import { Chart } from './chart.js';
import { button, copyButton, codeBlock, el, exactTime, formatBody, fromLocalInput, link, ms, plural, toLocalInput } from './dom.js';
import { failureText } from './health.js';
import { DeliveryLog, REFRESH_MS } from './log.view.js';
import type { Shown } from './main.js';
import { href } from './router.js';
import type { Route } from './router.js';
import { report, takeFlash } from './status.js';
import { accountText, inboxText, integrationOf, integrationWarning } from './tenancy.js';
import type { AdminScope, Webhook, WebhookStats } from './types.js';

/** The API keeps a rotated-out secret signing for 24 h without saying until when: the page remembers when it rotated. */
const ROTATION_GRACE_MS = 24 * 3_600_000;
const rotationKey = (id: string) => `webhooks-admin-rotated:${id}`;

export class WebhookView implements Shown {
  private webhook!: Webhook;
  private scope: AdminScope | null = null;
  private readonly header = el('div', { class: 'webhook-head' });
  private readonly panel = el('div', { class: 'action-panel', id: 'action-panel' });
  private chart!: Chart;
  private log!: DeliveryLog;
  private openPanel: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly root: HTMLElement, private readonly id: string) {}

  async show(deliveryId?: string): Promise<Shown> {
    this.root.replaceChildren(link('← All webhooks', href.list(), { class: 'back' }), el('p', { class: 'muted' }, 'Loading…'));
    let day: WebhookStats | null = null;
    try {
      let w: Webhook;
      [w, day, this.scope] = await Promise.all([api.get(this.id), api.webhookStats(this.id, 24).catch(() => null), loadScope().catch(() => null)]);
      this.set(w, day);
    } catch (err) {
      this.root.replaceChildren(link('← All webhooks', href.list(), { class: 'back' }), el('h1', { tabindex: '-1' }, 'Webhook not shown'), el('p', { class: 'bad', role: 'alert' }, errorText(err)));
      return this;
    }
    this.chart = new Chart(this.id, (from, to, text) => this.log.range(from, to, text));
    this.log = new DeliveryLog(() => this.webhook, () => void this.refresh());
    this.root.replaceChildren(link('← All webhooks', href.list(), { class: 'back' }), this.header, this.panel, this.chart.element, this.log.element);
    this.drawHeader();
    const saved = takeFlash();
    if (saved) report(this.headerNote, saved, 'ok');
    await Promise.all([this.chart.load(24, day ?? undefined), this.log.load(true), this.log.show(deliveryId)]);
    this.log.start();
    // Every 10 s: the log's first page with its filters, the health and the chart.
    this.timer = setInterval(() => {
      if (document.hidden) return;
      void this.log.load(true, true);
      void this.refresh();
    }, REFRESH_MS);
    return this;
  }


  follow(route: Route): boolean {
    if (route.view !== 'webhook' || route.id !== this.id || !this.log) return false;
    void this.log.show(route.deliveryId);
    return true;
  }

  leave(): void {
    this.log?.stop();
    clearInterval(this.timer);
  }

  /** The webhook again (after an action), and everything drawn from it. */
  private async refresh(): Promise<void> {
    try {
      const [w, day] = await Promise.all([api.get(this.id), api.webhookStats(this.id, 24).catch(() => null)]);
      const before = JSON.stringify(this.webhook);
      this.set(w, day);
      if (JSON.stringify(this.webhook) !== before) this.drawHeader();
      void this.chart.reload(day);
    } catch {
      // The log marks itself stale when the API is down.
    }
  }

  /**
   * The webhook as `GET /:id` gives it, with the health the list shows (from its 24 h stats),
   * or the health it had when an action's answer carries none.
   */
  private set(w: Webhook, day?: WebhookStats | null): void {
    const health = day
      ? { total: day.total, successRate: day.successRate, p95Ms: day.p95Ms, lastDeliveryAt: day.lastDeliveryAt, lastStatus: day.lastStatus }
      : w.health ?? this.webhook?.health;
    this.webhook = { ...w, health };
  }

  private drawHeader(): void {
    type Child = Node | string | null;
    const w = this.webhook;
    const settings = [
      `Format ${w.format}`,
      w.rateLimit ? `at most ${w.rateLimit} requests/s` : null,
      w.ordering === 'conversation' ? 'in order per conversation' : null,
    ].filter(Boolean);
    const integration = integrationOf(w);
    const multiAccount = Boolean(this.scope?.multiAccount);
    const owner = [
      multiAccount ? accountText(w.accountId) : null,
      multiAccount || (w.inboxIds?.length ?? 0) > 0 ? inboxText(w.inboxIds) : null,
      integration ? `Made by ${integration}` : multiAccount ? `Source: ${w.source ?? 'admin'}` : null,
    ].filter(Boolean);
    // A webhook an integration made: any change is asked first, since that integration relies on it.
    const asked = (action: 'edit' | 'delete' | 'disable' | 'enable') => {
      const question = integrationWarning(w, action);
      return !question || confirm(question);
    };
    const toggle = button(w.enabled ? 'Disable' : 'Enable', () => {
      if (!asked(w.enabled ? 'disable' : 'enable')) return;
      void this.act(() => api.update(w.id, { enabled: !w.enabled }), w.enabled ? 'Disabled.' : 'Enabled.');
    });
    const edit = link('Edit', href.edit(w.id), { class: 'button' });
    edit.addEventListener('click', (ev) => {
      if (!asked('edit')) ev.preventDefault();
    });
    const remove = button('Delete', () => void this.remove(), { class: 'danger' });
    const tab = (name: string, label: string) =>
      button(label, () => this.togglePanel(name), { 'aria-expanded': String(this.openPanel === name), 'aria-controls': 'action-panel' });
    const children: Child[] = [
      el('div', { class: 'title-row' }, el('h1', { tabindex: '-1', id: 'wh-title' }, w.name)),
      healthBlock(w, (fresh, said) => {
        this.set(fresh);
        this.drawHeader();
        report(this.headerNote, said, 'ok');
        void this.log.load(true, true);
        void this.refresh();
      }),
      el('div', { class: 'url', id: 'wh-url' }, w.url),
      w.description ? el('p', { id: 'wh-description' }, w.description) : null,
      owner.length > 0 ? el('p', { class: 'muted', id: 'wh-scope' }, owner.join(' · ')) : null,
      integration ? el('p', { class: 'warn', id: 'wh-integration' }, `Made by ${integration}: changing it may break that integration.`) : null,
      el('p', { class: 'muted', id: 'wh-events' }, `Events: ${w.events.join(', ')}`, el('br'), settings.join(' · ')),
      el('div', { class: 'row toolbar', role: 'group', 'aria-label': 'Actions' },
        tab('test', 'Send a test'), tab('replay', 'Replay'), tab('secret', 'Secret'),
        edit, toggle, remove),
      this.headerNote,
    ];
    // Drawn again after a change: the focus goes back to the control it was on.
    const controls = () => [...this.header.querySelectorAll<HTMLElement>('button, a, [tabindex]')];
    const focused = controls().indexOf(document.activeElement as HTMLElement);
    this.header.replaceChildren(...children.filter((c): c is Node | string => c !== null));
    if (focused >= 0) (controls()[focused] ?? this.header.querySelector<HTMLElement>('h1'))?.focus();
  }

  private readonly headerNote = el('p', { class: 'status-line', role: 'status', 'aria-live': 'polite', id: 'wh-note' });

  private async act(action: () => Promise<Webhook>, done: string): Promise<void> {
    try {
      this.set(await action());
      this.drawHeader();
      report(this.headerNote, done, 'ok');
    } catch (err) {
      report(this.headerNote, errorText(err), 'bad');
    }
  }

  private async remove(): Promise<void> {
    const integration = integrationWarning(this.webhook, 'delete');
    if (!confirm(integration ?? `Delete "${this.webhook.name}" and its delivery log?`)) return;
    try {
      await api.remove(this.id);
      location.hash = href.list();
    } catch (err) {
      report(this.headerNote, errorText(err), 'bad');
    }
  }

  private togglePanel(name: string): void {
    this.openPanel = this.openPanel === name ? undefined : name;
    this.drawHeader();
    this.panel.replaceChildren();
    if (!this.openPanel) return;
    const body = name === 'test' ? this.testPanel() : name === 'replay' ? this.replayPanel() : this.secretPanel();
    this.panel.append(el('section', { class: 'panel', 'aria-labelledby': 'panel-title' }, body));
    this.panel.querySelector<HTMLElement>('#panel-title')?.focus();
  }

  /** Test: pick the event, see the payload that goes, then send. */
  private testPanel(): HTMLElement {
    const select = el('select', { id: 'test-event' });
    const preview = el('div', { id: 'test-payload' });
    const out = el('div', { id: 'test-result', role: 'status', 'aria-live': 'polite' });
    const send = button('Send test', async () => {
      send.disabled = true;
      out.replaceChildren(el('p', { class: 'muted' }, `Sending a test to ${this.webhook.url}…`));
      try {
        const r = await api.test(this.id, select.value);
        out.replaceChildren(
          el('p', { class: r.success ? 'ok' : 'bad' }, r.success ? `Test delivered: HTTP ${r.statusCode} in ${ms(r.durationMs)}.` : `Test failed: ${failureText(r.error, r.statusCode)}, ${ms(r.durationMs)}.`),
          codeBlock('Response body', formatBody(r.responseBody)));
        void this.log.load(true, true);
        void this.refresh();
      } catch (err) {
        out.replaceChildren(el('p', { class: 'bad' }, errorText(err)));
      } finally {
        send.disabled = false;
      }
    }, { class: 'primary' });
    const box = el('div', {},
      el('h2', { id: 'panel-title', tabindex: '-1' }, 'Send a test'),
      el('p', { class: 'muted' }, 'A sample of the event, sent now with X-Webhook-Test: true; the answer shows here.'),
      el('label', { for: 'test-event' }, 'Event'), select, preview, el('div', { class: 'row' }, send), out);
    void loadCatalog().then((catalog) => {
      const names = subscribed(this.webhook.events, catalog);
      select.append(...names.map((n) => el('option', { value: n }, n)));
      const draw = () => {
        const e = catalog.find((c) => c.name === select.value);
        preview.replaceChildren(e ? codeBlock('Payload sample', JSON.stringify(e.samplePayload, null, 2)) : el('p', { class: 'muted' }, 'No sample for this event.'));
      };
      select.addEventListener('change', draw);
      draw();
    }, (err: unknown) => preview.replaceChildren(el('p', { class: 'bad' }, errorText(err))));
    return box;
  }

  /** Replay: count first (dryRun), then ask, then send. */
  private replayPanel(): HTMLElement {
    const since = el('input', { id: 'replay-since', type: 'datetime-local', required: true });
    const until = el('input', { id: 'replay-until', type: 'datetime-local' });
    const status = el('select', { id: 'replay-status' }, el('option', { value: 'failed' }, 'failed'), el('option', { value: '' }, 'any status'));
    const start = new Date(Date.now() - 3_600_000);
    start.setSeconds(0, 0);
    since.value = toLocalInput(start);
    const out = el('div', { id: 'replay-result', role: 'status', 'aria-live': 'polite' });
    const body = () => {
      const from = fromLocalInput(since.value);
      if (!from) return null;
      const to = fromLocalInput(until.value);
      return { since: from.toISOString(), ...(to ? { until: to.toISOString() } : {}), ...(status.value ? { status: status.value } : {}) };
    };
    const what = () => `${status.value ? `${status.value} ` : ''}`;
    const count = button('Count deliveries', async () => {
      const b = body();
      if (!b) return report(out, 'Choose the date and time to replay from.', 'bad');
      out.replaceChildren(el('p', { class: 'muted' }, 'Counting…'));
      try {
        const { count: n } = await api.replay(this.id, { ...b, dryRun: true });
        if (n === 0) return void out.replaceChildren(el('p', { class: 'muted', id: 'replay-count' }, `No ${what()}delivery matches: nothing to send.`));
        const capped = n >= 10_000 ? ' (at most 10,000 at once: replay again for the rest)' : '';
        const go = button(`Send ${plural(n, 'delivery', 'deliveries')} again`, async () => {
          go.disabled = true;
          try {
            const r = await api.replay(this.id, b);
            out.replaceChildren(el('p', { class: 'ok' }, `${plural(r.count, `${what()}delivery`, `${what()}deliveries`)} queued again, with their ids.`));
            setTimeout(() => { void this.log.load(true, true); void this.refresh(); }, 800);
          } catch (err) {
            out.replaceChildren(el('p', { class: 'bad' }, errorText(err)));
          }
        }, { class: 'primary' });
        out.replaceChildren(
          el('p', { id: 'replay-count' }, `${plural(n, `${what()}delivery`, `${what()}deliveries`)} would be sent again${capped}. Send them?`),
          el('div', { class: 'row' }, go, button('Cancel', () => { out.replaceChildren(); count.focus(); })));
        go.focus();
      } catch (err) {
        out.replaceChildren(el('p', { class: 'bad' }, errorText(err)));
      }
    });
    return el('div', {},
      el('h2', { id: 'panel-title', tabindex: '-1' }, 'Replay deliveries'),
      el('p', { class: 'muted' }, 'Sends again, with the same ids, the deliveries created in a time range. Nothing goes before you confirm the count.'),
      el('div', { class: 'filters' },
        el('div', {}, el('label', { for: 'replay-since' }, 'Created from'), since),
        el('div', {}, el('label', { for: 'replay-until' }, 'Until (empty: now)'), until),
        el('div', {}, el('label', { for: 'replay-status' }, 'Status'), status)),
      el('div', { class: 'row' }, count), out);
  }

  /** The secret: reveal with a copy button, rotate with the time the old one stops signing. */
  private secretPanel(): HTMLElement {
    const value = el('input', { id: 'secret-value', type: 'text', readonly: true, autocomplete: 'off', spellcheck: 'false' });
    const note = el('p', { id: 'secret-note', class: 'hint' });
    const shown = el('div', { class: 'secret', hidden: true }, el('label', { for: 'secret-value' }, 'Signing secret'), el('div', { class: 'row nowrap' }, value, copyButton('the secret', () => value.value)), note);
    const out = el('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
    const rotated = Number(sessionStorage.getItem(rotationKey(this.id)) ?? 0);
    const grace = el('p', { id: 'secret-grace', class: 'warn' });
    const sayGrace = (at: number) => {
      const ends = at + ROTATION_GRACE_MS;
      grace.textContent = ends > Date.now()
        ? `The old secret keeps signing beside the new one until ${exactTime(new Date(ends).toISOString())} (24 h after the rotation at ${exactTime(new Date(at).toISOString())}).`
        : '';
    };
    if (rotated) sayGrace(rotated);
    const reveal = button('Reveal', async () => {
      try {
        const r = await api.secret(this.id);
        shown.hidden = !r.secret;
        value.value = r.secret ?? '';
        note.textContent = 'The current signing secret.';
        report(out, r.secret ? '' : 'This webhook has no signing secret.', 'muted');
        if (r.secret) value.focus();
      } catch (err) {
        report(out, errorText(err), 'bad');
      }
    });
    const rotate = button('Rotate', async () => {
      const integration = integrationOf(this.webhook);
      const warning = integration ? `Made by ${integration}: a new secret may break that integration until it has it. ` : '';
      if (!confirm(`${warning}Make a new signing secret for "${this.webhook.name}"? The old one keeps signing beside it for 24 hours.`)) return;
      try {
        const at = Date.now();
        const r = await api.rotate(this.id);
        sessionStorage.setItem(rotationKey(this.id), String(at));
        shown.hidden = false;
        value.value = r.secret;
        note.textContent = 'The new signing secret: give it to the receiver.';
        sayGrace(at);
        report(out, 'Secret rotated.', 'ok');
        value.focus();
        void this.refresh();
      } catch (err) {
        report(out, errorText(err), 'bad');
      }
    });
    return el('div', {},
      el('h2', { id: 'panel-title', tabindex: '-1' }, 'Signing secret'),
      el('p', { class: 'muted' }, this.webhook.hasSecret ? 'Deliveries are signed with this webhook\'s secret.' : 'This webhook has no secret yet: rotate to make one.'),
      el('div', { class: 'row' }, reveal, rotate), out, shown, grace);
  }
}
