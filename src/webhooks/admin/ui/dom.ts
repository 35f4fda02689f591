// Small DOM helpers: every value from the API is written as text, never parsed as HTML.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  append(node, ...children);
  return node;
}

export function append(node: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

export function button(label: string, onClick: (ev: MouseEvent) => void, attrs: Record<string, string | boolean | undefined> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A link to a view of the page. */
export function link(label: string, hash: string, attrs: Record<string, string | undefined> = {}): HTMLAnchorElement {
  return el('a', { href: hash, ...attrs }, label);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

export function exactTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** "3 min ago", "in 2 h": a time relative to now. */
export function relative(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  const unit = a < 45 ? null : a < 3600 ? [Math.round(a / 60), 'min'] : a < 86400 ? [Math.round(a / 3600), 'h'] : [Math.round(a / 86400), 'd'];
  if (!unit) return s > 0 ? 'in a few seconds' : 'just now';
  return s > 0 ? `in ${unit[0]} ${unit[1]}` : `${unit[0]} ${unit[1]} ago`;
}

/** A relative time, with the exact one on hover (and for screen readers, in `datetime`). */
export function timeEl(iso: string | null | undefined, empty = '–'): HTMLElement {
  if (!iso) return el('span', { class: 'muted' }, empty);
  return el('time', { datetime: iso, title: exactTime(iso) }, relative(iso));
}

export function pct(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${Math.round(rate * 1000) / 10} %`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 10_000 ? `${Math.round(value / 100) / 10} s` : `${value} ms`;
}

/** A body as the receiver sent it, JSON indented. */
export function formatBody(body: unknown): string {
  if (body === null || body === undefined || body === '') return '(empty)';
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain http on another host has no clipboard API: copy through a selected, off-screen field.
  const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

/** A "Copy" button that says whether it worked. */
export function copyButton(what: string, text: () => string): HTMLButtonElement {
  // The label changes with the visible text, so the accessible name always contains it.
  const show = (label: string) => {
    b.textContent = label;
    b.setAttribute('aria-label', `${label} ${what}`);
  };
  const b = button('Copy', async () => {
    try {
      await writeClipboard(text());
      show('Copied');
    } catch {
      show('Copy failed:');
    }
    setTimeout(() => show('Copy'), 2000);
  }, { class: 'small', 'aria-label': `Copy ${what}` });
  return b;
}

/** A block of text (JSON, headers) with its heading and a copy button. */
export function codeBlock(title: string, text: string, level: 'h4' | 'h5' = 'h4'): HTMLElement {
  return el('div', { class: 'code' },
    el('div', { class: 'code-head' }, el(level, { text: title }), copyButton(title.toLowerCase(), () => text)),
    el('pre', { tabindex: '0', 'aria-label': title }, text));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A local `datetime-local` value for an ISO time, and back. */
export function toLocalInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
export function fromLocalInput(value: string): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
