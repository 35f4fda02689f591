// Whose webhooks the page shows: the caller's scope (GET /scope), and for a platform admin the
// account chosen in the list, kept for the tab's session so reloads and other views keep it.
import { api } from './api.js';
import { byId } from './dom.js';
import { accountChoices, scopeText } from './tenancy.js';
import type { AdminScope, Webhook } from './types.js';

const SELECTED_KEY = 'webhooks-admin-account';
const KNOWN_KEY = 'webhooks-admin-accounts';
const SINGLE: AdminScope = { accountId: null, platform: true, multiAccount: false };

let loading: Promise<AdminScope> | undefined;

/** The caller's scope, asked once; asked again after a failure (e.g. before signing in). */
export function loadScope(): Promise<AdminScope> {
  loading ??= api.scope().catch((err: unknown) => {
    loading = undefined;
    // An API without GET /scope (an older module behind a proxy) is a single tenant to the page.
    if ((err as { status?: number }).status === 404) return SINGLE;
    throw err;
  });
  return loading;
}

/** The account a platform admin chose to look at; null for every account (and always null for anyone else). */
export function selectedAccount(scope: AdminScope): string | null {
  return scope.platform && scope.multiAccount ? sessionStorage.getItem(SELECTED_KEY) || null : null;
}

export function selectAccount(accountId: string | null): void {
  if (accountId) sessionStorage.setItem(SELECTED_KEY, accountId);
  else sessionStorage.removeItem(SELECTED_KEY);
}

/** The accounts a platform admin may switch to: every one seen in a list so far, and the chosen one. */
export function rememberAccounts(webhooks: ReadonlyArray<Pick<Webhook, 'accountId'>>, selected: string | null): string[] {
  let known: string[] = [];
  try {
    known = JSON.parse(sessionStorage.getItem(KNOWN_KEY) ?? '[]') as string[];
  } catch {
    known = [];
  }
  const choices = accountChoices(Array.isArray(known) ? known.filter((k) => typeof k === 'string') : [], webhooks, selected);
  sessionStorage.setItem(KNOWN_KEY, JSON.stringify(choices));
  return choices;
}

/** Says in the page's header whose webhooks it shows. */
export function drawScope(scope: AdminScope): void {
  const box = byId('account');
  const text = scopeText(scope, selectedAccount(scope));
  box.hidden = !text;
  box.textContent = text;
}
