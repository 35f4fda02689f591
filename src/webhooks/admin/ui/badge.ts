// A webhook's health badge with its reason, and the one action that fixes it (Resume now, Enable).
import { api, errorText } from './api.js';
import { button, el } from './dom.js';
import { healthOf } from './health.js';
import type { Webhook } from './types.js';

export function healthBadge(w: Webhook): HTMLElement {
  const h = healthOf(w);
  return el('span', { class: `badge ${h.kind}`, title: h.detail }, h.label);
}

/**
 * The badge, its reason, and Resume now (paused) or Enable (disabled). `done` runs with the
 * webhook as the API answers after the action and what to say about it; a refusal is said here.
 */
export function healthBlock(w: Webhook, done: (w: Webhook, said: string) => void): HTMLElement {
  const h = healthOf(w);
  const out = el('span', { class: 'status-line inline', role: 'status' });
  const act = async (b: HTMLButtonElement, action: () => Promise<Webhook>, ok: string) => {
    b.disabled = true;
    try {
      done(await action(), ok);
    } catch (err) {
      out.textContent = errorText(err);
      out.className = 'status-line inline bad';
      b.disabled = false;
    }
  };
  const action =
    h.kind === 'paused'
      ? button('Resume now', (ev) => void act(ev.currentTarget as HTMLButtonElement, () => api.resume(w.id), 'Resumed: deliveries go again.'), { class: 'small', 'aria-label': `Resume now: ${w.name}` })
      : h.kind === 'disabled'
        ? button('Enable', (ev) => void act(ev.currentTarget as HTMLButtonElement, () => api.update(w.id, { enabled: true }), 'Enabled.'), { class: 'small', 'aria-label': `Enable ${w.name}` })
        : null;
  return el('div', { class: 'health' }, el('div', { class: 'row' }, healthBadge(w), action), el('div', { class: `health-detail ${h.kind}` }, h.detail), out);
}
