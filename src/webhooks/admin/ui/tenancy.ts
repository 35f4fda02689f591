// Accounts, inboxes and who made a webhook, as the page says them: pure functions, no DOM.
import type { AdminScope, Webhook } from './types.js';

/** "All inboxes", or the inboxes a webhook is narrowed to. */
export function inboxText(inboxIds: readonly string[] | null | undefined): string {
  return inboxIds && inboxIds.length > 0 ? `${inboxIds.length === 1 ? 'Inbox' : 'Inboxes'}: ${inboxIds.join(', ')}` : 'All inboxes';
}

/** The inbox ids typed in the form: separated by commas, spaces or lines (an id has none), each once, in order. */
export function parseInboxIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Who made a webhook, when an integration did (`zapier`, `n8n`...); null when an admin did. */
export function integrationOf(w: Pick<Webhook, 'source'>): string | null {
  const source = w.source?.trim();
  return source && source.toLowerCase() !== 'admin' ? source : null;
}

/** What to ask before changing or deleting a webhook an integration made; null when no question is needed. */
export function integrationWarning(w: Pick<Webhook, 'source' | 'name'>, action: 'edit' | 'delete' | 'disable' | 'enable'): string | null {
  const source = integrationOf(w);
  if (!source) return null;
  const doing = { edit: 'changing', delete: 'deleting', disable: 'disabling', enable: 'enabling' }[action];
  const verb = { edit: 'Edit', delete: 'Delete', disable: 'Disable', enable: 'Enable' }[action];
  return `Made by ${source}: ${doing} it may break that integration. ${verb} "${w.name}"${action === 'delete' ? ' and its delivery log' : ''} anyway?`;
}

/** The account a webhook belongs to, as a line of the list or view. */
export function accountText(accountId: string | null | undefined): string {
  return accountId ? `Account ${accountId}` : 'Platform-wide: every account';
}

/** Whose webhooks the page shows: said in the header of every view. Empty without accounts. */
export function scopeText(scope: AdminScope, selected: string | null): string {
  if (!scope.multiAccount) return '';
  if (!scope.platform) return `Account ${scope.accountId}`;
  return selected ? `Platform admin · account ${selected}` : 'Platform admin · every account';
}

/** The accounts a platform admin can switch to: those already known, the webhooks' own, and the chosen one; sorted, each once. */
export function accountChoices(known: Iterable<string>, webhooks: ReadonlyArray<Pick<Webhook, 'accountId'>>, selected: string | null): string[] {
  const all = new Set(known);
  for (const w of webhooks) if (w.accountId) all.add(w.accountId);
  if (selected) all.add(selected);
  return [...all].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}
