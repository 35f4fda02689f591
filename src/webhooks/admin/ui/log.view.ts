// The delivery log: filters (status, event, time range, delivery id), the time of the last good
// answer (the webhook view refreshes it every REFRESH_MS), data marked stale when the API fails,
// and a drawer under the row of the delivery opened.
import { api, ApiError } from './api.js';
import { loadCatalog, subscribed } from './catalog.js';
import { DeliveryDrawer } from './delivery.drawer.js';
import { button, el, fromLocalInput, ms, plural, timeEl, toLocalInput } from './dom.js';
import { failureText, heldBy } from './health.js';
import { href } from './router.js';
import type { Delivery, Webhook } from './types.js';

export const REFRESH_MS = 10_000;
const COLUMNS = ['When', 'Event', 'Status', 'HTTP', 'Error', 'Attempts', 'Duration', ''];

export class DeliveryLog {
  readonly element: HTMLElement;
  private readonly status = el('select', { id: 'filter-status' },
    ...[['', 'Any status'], ['pending', 'pending'], ['retrying', 'retrying'], ['success', 'success'], ['failed', 'failed']].map(([v, t]) => el('option', { value: v }, t)));
  private readonly event = el('select', { id: 'filter-event' }, el('option', { value: '' }, 'Any event'));
  private readonly since = el('input', { id: 'filter-since', type: 'datetime-local' });
  private readonly until = el('input', { id: 'filter-until', type: 'datetime-local' });
  private readonly q = el('input', { id: 'filter-q', type: 'search', autocomplete: 'off', spellcheck: 'false', placeholder: 'a delivery id' });
  private readonly rows = el('tbody', { id: 'deliveries' });
  private readonly table = el('table', { class: 'log' },
    el('caption', { class: 'sr-only' }, 'Deliveries, newest first'),
    el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col' }, c ? c : el('span', { class: 'sr-only' }, 'Details'))))),
    this.rows);
  private readonly freshness = el('p', { class: 'freshness muted', id: 'log-updated', role: 'status', 'aria-live': 'polite' });
  private readonly count = el('p', { class: 'muted', id: 'log-status' });
  private readonly note = el('p', { class: 'status-line', id: 'log-note', role: 'status', 'aria-live': 'polite' });
  private readonly more = button('Older deliveries', () => void this.load(false), { hidden: true });
  private items: Delivery[] = [];
  private cursor: string | null = null;
  private drawer: DeliveryDrawer | undefined;
  private drawerRow: HTMLTableRowElement | undefined;
  private opener: HTMLElement | undefined;
  private loading = 0;

  constructor(private readonly webhook: () => Webhook, private readonly onChange: () => void) {
    const field = (id: string, text: string, input: HTMLElement) => el('div', {}, el('label', { for: id }, text), input);
    const filters = el('form', { class: 'filters', id: 'filters', role: 'search', 'aria-label': 'Filter the deliveries' },
      field('filter-status', 'Status', this.status),
      field('filter-event', 'Event', this.event),
      field('filter-since', 'From', this.since),
      field('filter-until', 'Until', this.until),
      field('filter-q', 'Delivery id', this.q),
      el('div', { class: 'filter-actions' }, button('Clear filters', () => this.clear())));
    filters.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.load(true);
    });
    filters.addEventListener('change', () => void this.load(true));
    this.element = el('section', { class: 'panel', 'aria-labelledby': 'log-heading' },
      el('div', { class: 'title-row' }, el('h2', { id: 'log-heading' }, 'Delivery log'), this.freshness),
      filters, this.note, el('div', { class: 'table-wrap' }, this.table), this.count, this.more);
    void this.fillEvents();
  }

  private async fillEvents(): Promise<void> {
    try {
      const names = subscribed(this.webhook().events, await loadCatalog());
      this.event.append(...names.map((n) => el('option', { value: n }, n)));
    } catch {
      // The filter keeps "Any event"; the log itself says if the API is down.
    }
  }

  /** Escape closes the open delivery, wherever the focus is (a redrawn drawer may have dropped it). */
  private readonly escape = (ev: KeyboardEvent) => {
    if (ev.key === 'Escape' && this.drawer && !ev.defaultPrevented) location.hash = href.webhook(this.webhook().id);
  };

  start(): void {
    document.addEventListener('keydown', this.escape);
  }

  stop(): void {
    document.removeEventListener('keydown', this.escape);
  }

  clear(): void {
    this.status.value = '';
    this.event.value = '';
    this.since.value = '';
    this.until.value = '';
    this.q.value = '';
    this.note.textContent = '';
    void this.load(true);
  }

  /** Show only what was created between `from` and `to` (a chart bar), said as `text`. */
  range(from: Date, to: Date, text: string): void {
    this.since.value = toLocalInput(from);
    this.until.value = toLocalInput(to);
    this.note.textContent = `Showing the deliveries of ${text}.`;
    void this.load(true);
    this.table.scrollIntoView({ block: 'nearest' });
  }

  private query(older: boolean): URLSearchParams {
    const q = new URLSearchParams({ limit: '25' });
    if (this.status.value) q.set('status', this.status.value);
    if (this.event.value) q.set('event', this.event.value);
    const since = fromLocalInput(this.since.value);
    const until = fromLocalInput(this.until.value);
    if (since) q.set('since', since.toISOString());
    if (until) q.set('until', until.toISOString());
    if (this.q.value.trim()) q.set('q', this.q.value.trim());
    if (older && this.cursor) q.set('before', this.cursor);
    return q;
  }

  /** The first page again (`fresh`), or the next older one. A background refresh keeps older pages unloaded. */
  async load(fresh: boolean, background = false): Promise<void> {
    const ticket = ++this.loading;
    try {
      const page = await api.deliveries(this.webhook().id, this.query(!fresh));
      if (ticket !== this.loading) return; // a newer load (changed filters) answers instead
      this.items = fresh ? page.items : [...this.items, ...page.items];
      this.cursor = page.nextCursor;
      this.draw();
      this.table.classList.remove('stale');
      this.freshness.className = 'freshness muted';
      this.freshness.textContent = `Updated at ${new Date().toLocaleTimeString()} · refreshes every ${REFRESH_MS / 1000} s`;
    } catch (err) {
      if (ticket !== this.loading) return;
      this.table.classList.add('stale');
      this.freshness.className = 'freshness warn';
      const why = err instanceof ApiError ? (err.unauthorised ? 'the API answered 401: sign in again' : err.message) : String(err);
      this.freshness.textContent = `Stale: could not refresh at ${new Date().toLocaleTimeString()} (${why}).${this.items.length ? ' Showing older data.' : ''}`;
      if (!background && this.items.length === 0) this.draw();
    }
  }

  private draw(): void {
    const w = this.webhook();
    const open = this.drawer?.deliveryId;
    const rows: HTMLTableRowElement[] = [];
    if (this.items.length === 0) rows.push(el('tr', {}, el('td', { colspan: String(COLUMNS.length), class: 'muted' }, 'No deliveries match.')));
    for (const d of this.items) {
      const held = heldBy(d, w);
      const cell = (label: string, ...content: Array<Node | string>) => el('td', { 'data-label': label }, ...content);
      const details = el('a', { href: href.delivery(w.id, d.id), class: 'button small', 'aria-expanded': String(open === d.id), 'aria-label': `Details of the ${d.event} delivery ${d.id}` }, 'Details');
      details.addEventListener('click', (ev) => {
        if (open === d.id || this.drawer?.deliveryId === d.id) {
          ev.preventDefault();
          location.hash = href.webhook(w.id);
        }
        this.opener = details;
      });
      const tone = held ? 'warn' : d.status === 'success' ? 'ok' : d.status === 'failed' ? 'bad' : 'muted';
      rows.push(el('tr', { 'data-id': d.id, class: open === d.id ? 'open' : undefined },
        cell('When', timeEl(d.createdAt)),
        cell('Event', d.event, d.isTest ? el('span', { class: 'tag' }, 'test') : ''),
        cell('Status', el('span', { class: tone }, d.status), held ? el('div', { class: 'warn small-text' }, `held: webhook ${held}`) : d.nextAttemptAt && d.status !== 'success' && d.status !== 'failed' ? el('div', { class: 'muted small-text' }, 'next ', timeEl(d.nextAttemptAt)) : ''),
        cell('HTTP', d.statusCode === null ? '–' : String(d.statusCode)),
        cell('Error', d.error ? el('span', { class: 'bad' }, failureText(d.error, null)) : '–'),
        cell('Attempts', String(d.attempts)),
        cell('Duration', ms(d.durationMs)),
        el('td', { class: 'actions' }, details)));
    }
    this.place(rows);
    this.more.hidden = !this.cursor;
    this.count.textContent = `${plural(this.items.length, 'delivery', 'deliveries')} shown${this.cursor ? '; older ones follow' : ''}`;
  }

  /**
   * The rows, with the drawer right under its delivery's row (above the first row when that
   * delivery is not listed). The drawer's own row is never moved once in place, so a refresh
   * does not take the keyboard focus out of it.
   */
  private place(rows: HTMLTableRowElement[]): void {
    const keep = this.drawer ? (this.drawerRow ??= el('tr', { class: 'drawer-row' }, el('td', { colspan: String(COLUMNS.length) }, this.drawer.element))) : undefined;
    for (const tr of [...this.rows.children]) if (tr !== keep) tr.remove();
    if (!keep) {
      this.drawerRow = undefined;
      this.rows.append(...rows);
      return;
    }
    const at = rows.findIndex((r) => r.dataset.id === this.drawer!.deliveryId);
    if (!keep.isConnected) this.rows.append(keep);
    keep.before(...rows.slice(0, at + 1));
    keep.after(...rows.slice(at + 1));
  }

  /** Open the drawer of one delivery (its address was followed), or close it (undefined). */
  async show(deliveryId: string | undefined): Promise<void> {
    if (this.drawer?.deliveryId === deliveryId) return;
    const had = this.drawer;
    this.drawer = undefined;
    this.drawerRow?.remove();
    this.drawerRow = undefined;
    if (!deliveryId) {
      this.draw();
      const back = had && this.rows.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(had.deliveryId)}"] a`);
      (back ?? this.opener)?.focus();
      return;
    }
    const w = this.webhook();
    this.drawer = new DeliveryDrawer(deliveryId, this.webhook, () => (location.hash = href.webhook(w.id)), () => {
      this.onChange();
      setTimeout(() => void this.load(true, true), 1000);
    });
    this.draw();
    await this.drawer.load();
    this.drawer.focus();
  }
}
