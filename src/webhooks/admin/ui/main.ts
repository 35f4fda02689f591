// The admin page: one view at a time, chosen by the address (router.ts).
import './styles.css';
import { drawScope, loadScope } from './account.js';
import { onAuthNeeded, setToken } from './api.js';
import { showCatalog } from './catalog.view.js';
import { byId, el, link } from './dom.js';
import { showForm } from './form.view.js';
import { showList } from './list.view.js';
import { href, parseRoute } from './router.js';
import type { Route } from './router.js';
import { say } from './status.js';
import { WebhookView } from './webhook.view.js';

/** What a view gives back: how to leave it (timers), and how to follow a change of address inside it. */
export interface Shown {
  leave?(): void;
  follow?(route: Route): boolean;
}

const root = byId('view');
let shown: Shown | undefined;
let lastHash: string | undefined;
let lastView: string | undefined;

async function show(route: Route): Promise<Shown | undefined> {
  switch (route.view) {
    case 'list':
      return showList(root);
    case 'new':
      return showForm(root, null);
    case 'edit':
      return showForm(root, route.id);
    case 'events':
      return showCatalog(root);
    case 'webhook':
      return new WebhookView(root, route.id).show(route.deliveryId);
    case 'missing':
      root.replaceChildren(el('h1', { text: 'Nothing here' }), el('p', {}, 'This address is not a page of the webhooks admin. ', link('All webhooks', href.list())));
      return undefined;
  }
}

async function navigate(force = false): Promise<void> {
  if (!force && location.hash === lastHash) return;
  lastHash = location.hash;
  const route = parseRoute(location.hash);
  if (!force && shown?.follow?.(route)) return;
  shown?.leave?.();
  shown = undefined;
  for (const a of document.querySelectorAll('.sections a')) a.removeAttribute('aria-current');
  byId(route.view === 'events' ? 'nav-events' : 'nav-list').setAttribute('aria-current', 'page');
  // Whose webhooks these are, in the header of every view (asked once; again after signing in).
  void loadScope().then(drawScope, () => undefined);
  const moved = lastView !== undefined;
  lastView = route.view;
  shown = await show(route);
  // Focus the new view's heading after a move inside the page, as a screen reader user expects.
  if (moved) root.querySelector<HTMLElement>('h1')?.focus();
}

function showSignIn(needed: boolean): void {
  const box = byId('auth');
  box.hidden = !needed;
  if (!needed || box.childElementCount > 0) return;
  const input = el('input', { id: 'token', type: 'password', autocomplete: 'off' });
  const form = el('form', { class: 'row' }, el('label', { for: 'token' }, 'Admin token'), input, el('button', { type: 'submit', class: 'primary' }, 'Use token'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value);
    box.replaceChildren();
    say('Signed in.', 'ok');
    void navigate(true);
  });
  box.replaceChildren(el('h2', { text: 'Sign in' }), el('p', { class: 'muted' }, 'The admin API answered 401: enter the token it expects.'), form);
}

onAuthNeeded(showSignIn);
window.addEventListener('hashchange', () => void navigate());
window.addEventListener('popstate', () => void navigate());
void navigate();
