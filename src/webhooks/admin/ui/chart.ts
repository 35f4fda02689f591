// Deliveries over time: bars with a y-axis, 24 h / 7 d / 30 d, reachable by keyboard
// (one tab stop, arrow keys between bars); choosing a bar filters the log to its time.
import { api, errorText } from './api.js';
import { button, el, pct, ms } from './dom.js';
import type { WebhookStats } from './types.js';

export const RANGES = [
  { hours: 24, label: '24 h', bucket: 1 },
  { hours: 168, label: '7 d', bucket: 6 },
  { hours: 720, label: '30 d', bucket: 24 },
] as const;

export interface Bucket {
  from: Date;
  to: Date;
  success: number;
  failed: number;
}

/** Hourly counts summed into buckets of `size` hours, oldest first. */
export function buckets(perHour: WebhookStats['perHour'], size: number): Bucket[] {
  const out: Bucket[] = [];
  for (let i = 0; i < perHour.length; i += size) {
    const slice = perHour.slice(i, i + size);
    const from = new Date(slice[0].hour);
    out.push({
      from,
      to: new Date(from.getTime() + slice.length * 3_600_000),
      success: slice.reduce((n, p) => n + p.success, 0),
      failed: slice.reduce((n, p) => n + p.failed, 0),
    });
  }
  return out;
}

/** A round top for the y-axis: 1, 2, 5, 10, 20, 50… at or above `max`. */
export function axisTop(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
}

function label(b: Bucket, hourly: boolean): string {
  const day = b.from.toLocaleDateString([], { month: 'short', day: 'numeric' });
  const hm = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return hourly || b.to.getTime() - b.from.getTime() < 86_400_000 ? `${day} ${hm(b.from)}–${hm(b.to)}` : day;
}

export class Chart {
  readonly element: HTMLElement;
  private hours = 24;
  private readonly plot = el('div', { class: 'plot', role: 'group', 'aria-label': 'Deliveries per hour: choose a bar to see its deliveries in the log' });
  private readonly yAxis = el('div', { class: 'y-axis', 'aria-hidden': 'true' });
  private readonly xAxis = el('div', { class: 'x-axis', 'aria-hidden': 'true' });
  private readonly summary = el('p', { class: 'muted', id: 'chart-summary' });
  private readonly heading = el('h2', { id: 'chart-heading' }, 'Last 24 hours');
  private readonly switches: HTMLButtonElement[];

  constructor(private readonly webhookId: string, private readonly choose: (from: Date, to: Date, text: string) => void) {
    this.switches = RANGES.map((r) => button(r.label, () => void this.load(r.hours), { class: 'small', 'aria-pressed': String(r.hours === 24) }));
    this.plot.addEventListener('keydown', (ev) => this.move(ev));
    this.element = el('section', { class: 'panel chart', 'aria-labelledby': 'chart-heading' },
      el('div', { class: 'title-row' }, this.heading, el('div', { class: 'row', role: 'group', 'aria-label': 'Time range' }, ...this.switches)),
      el('div', { class: 'chart-grid' }, this.yAxis, this.plot, el('span'), this.xAxis),
      el('div', { class: 'legend' }, el('span', {}, el('span', { class: 'swatch s' }), 'Delivered'), el('span', {}, el('span', { class: 'swatch f' }), 'Failed')),
      this.summary);
  }

  /** The chart over `hours`; `given` when the caller already has those stats. */
  async load(hours = this.hours, given?: WebhookStats): Promise<void> {
    this.hours = hours;
    const range = RANGES.find((r) => r.hours === hours) ?? RANGES[0];
    for (const [i, b] of this.switches.entries()) b.setAttribute('aria-pressed', String(RANGES[i].hours === hours));
    this.heading.textContent = `Last ${range.label.replace('24 h', '24 hours').replace('7 d', '7 days').replace('30 d', '30 days')}`;
    try {
      this.draw(given ?? (await api.webhookStats(this.webhookId, hours)), range.bucket);
    } catch (err) {
      this.summary.textContent = `The chart could not load: ${errorText(err)}`;
    }
  }

  /** The chart again over its range; `day`: the 24 h stats the caller has just read, drawn as they are when that is the range shown. */
  reload(day: WebhookStats | null): Promise<void> {
    return this.load(this.hours, this.hours === 24 ? day ?? undefined : undefined);
  }

  private draw(s: WebhookStats, size: number): void {
    const bars = buckets(s.perHour, size);
    const top = axisTop(Math.max(0, ...bars.map((b) => b.success + b.failed)));
    this.yAxis.replaceChildren(...[top, top / 2, 0].map((v) => el('span', {}, Number.isInteger(v) ? String(v) : v.toFixed(1))));
    const focused = this.plot.contains(document.activeElement) ? [...this.plot.children].indexOf(document.activeElement as Element) : -1;
    this.plot.replaceChildren(...bars.map((b, i) => {
      const text = `${label(b, size === 1)}: ${b.success} delivered, ${b.failed} failed`;
      const bar = button('', () => this.choose(b.from, b.to, label(b, size === 1)), { class: 'bar', 'aria-label': text, title: text, tabindex: i === bars.length - 1 ? '0' : '-1' });
      const ok = el('span', { class: 'seg s' });
      const bad = el('span', { class: 'seg f' });
      // Heights through the CSSOM: the page's CSP allows no style attribute in markup.
      ok.style.height = `${(b.success / top) * 100}%`;
      bad.style.height = `${(b.failed / top) * 100}%`;
      bar.append(bad, ok);
      return bar;
    }));
    if (focused >= 0) (this.plot.children[Math.min(focused, bars.length - 1)] as HTMLElement | undefined)?.focus();
    const ticks = [0, Math.floor(bars.length / 2), bars.length - 1];
    this.xAxis.replaceChildren(...ticks.map((i) => el('span', {}, i === bars.length - 1 ? 'now' : size < 24 ? bars[i].from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : bars[i].from.toLocaleDateString([], { month: 'short', day: 'numeric' }))));
    this.summary.textContent = `${s.total.toLocaleString()} deliveries · ${pct(s.successRate)} delivered · p50 ${ms(s.p50Ms)} · p95 ${ms(s.p95Ms)}`;
  }

  private move(ev: KeyboardEvent): void {
    const bars = [...this.plot.children] as HTMLElement[];
    const at = bars.indexOf(ev.target as HTMLElement);
    if (at < 0) return;
    const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: bars.length - 1 }[ev.key];
    if (to === undefined || to < 0 || to >= bars.length) return;
    ev.preventDefault();
    bars[at].tabIndex = -1;
    bars[to].tabIndex = 0;
    bars[to].focus();
  }
}
