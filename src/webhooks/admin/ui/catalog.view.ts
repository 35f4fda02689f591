// The event catalog: each event's description, a sample payload and, when the API gives one, its schema.
import { errorText } from './api.js';
import { groupEvents, loadCatalog } from './catalog.js';
import { codeBlock, el } from './dom.js';
import type { Shown } from './main.js';

export async function showCatalog(root: HTMLElement): Promise<Shown> {
  root.replaceChildren(el('h1', { tabindex: '-1' }, 'Event catalog'), el('p', { class: 'muted' }, 'Loading…'));
  try {
    const catalog = await loadCatalog();
    const toc = el('nav', { 'aria-label': 'Events', class: 'toc' },
      el('ul', {}, ...catalog.map((e) => el('li', {}, el('a', { href: `#/events`, 'data-target': `ev-${e.name}`, class: 'mono' }, e.name)))));
    toc.addEventListener('click', (ev) => {
      const target = (ev.target as HTMLElement).closest('a')?.dataset.target;
      if (!target) return;
      ev.preventDefault();
      const h = document.getElementById(target);
      h?.scrollIntoView();
      h?.focus();
    });
    root.replaceChildren(
      el('h1', { tabindex: '-1' }, 'Event catalog'),
      el('p', { class: 'muted' }, `${catalog.length} events a webhook can subscribe to. Each delivery's body is the event's payload, as in the samples.`),
      toc,
      ...groupEvents(catalog).map(([family, events]) =>
        el('section', { class: 'panel family', 'aria-labelledby': `family-${family}` },
          el('h2', { id: `family-${family}` }, family.replace(/_/g, ' ')),
          ...events.map((e) =>
            el('article', { class: 'event-doc', 'aria-labelledby': `ev-${e.name}` },
              el('h3', { id: `ev-${e.name}`, class: 'mono', tabindex: '-1' }, e.name),
              el('p', {}, e.description),
              codeBlock(`Sample of ${e.name}`, JSON.stringify(e.samplePayload, null, 2)),
              e.schema ? codeBlock(`Schema of ${e.name}`, JSON.stringify(e.schema, null, 2)) : null)))));
  } catch (err) {
    root.replaceChildren(el('h1', { tabindex: '-1' }, 'Event catalog'), el('p', { class: 'bad', role: 'alert' }, errorText(err)));
  }
  return {};
}
