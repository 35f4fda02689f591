import type { WebhookEventName } from './webhook-event.js';

/** An account or inbox id as a host gives it; a number is kept a number in the body. */
export type WebhookScopeId = string | number;

/** An emitted event's account and inbox, as `scopeOf` answers them; either may be missing. */
export interface WebhookEventScope {
  accountId?: WebhookScopeId | null;
  inboxId?: WebhookScopeId | null;
}

/**
 * Reads an emitted event's account and inbox from the object the host emitted
 * (the one the payload mapper reads).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WebhookScopeOf = (event: WebhookEventName, input: any) => WebhookEventScope | null | undefined;

/** An event's scope as matching and the body use it: ids as given, and as the strings webhooks store. */
export interface ResolvedEventScope {
  accountId: WebhookScopeId | null;
  inboxId: WebhookScopeId | null;
  /** `accountId` as a string (webhooks store strings), null when the event has none. */
  accountKey: string | null;
  /** `inboxId` as a string, null when the event has none. */
  inboxKey: string | null;
}

/** The scope of an event that has neither account nor inbox: a single-tenant host's every event. */
export const NO_EVENT_SCOPE: ResolvedEventScope = Object.freeze({ accountId: null, inboxId: null, accountKey: null, inboxKey: null });

type Loose = Record<string, unknown> | null | undefined;
const objectOr = (value: unknown): Loose => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined);

/**
 * The built-in `scopeOf`: `accountId` and `inboxId` of the conversation (emitted alone or as
 * `{ conversation }`), of a message's conversation, of an offline message, and `accountId` of
 * a contact (CONTRACT section 2).
 */
export function defaultScopeOf(event: WebhookEventName, input: unknown): WebhookEventScope {
  const given = objectOr(input);
  if (!given) return {};
  if (event.startsWith('contact.')) return { accountId: given.accountId as WebhookScopeId | null };
  // Events about a conversation emit `{ conversation, ... }` (a message's too); `conversation.started`
  // and `offline_message.created` emit the record itself.
  const owner = objectOr(given.conversation) ?? objectOr(objectOr(given.message)?.conversation) ?? given;
  return { accountId: owner.accountId as WebhookScopeId | null, inboxId: owner.inboxId as WebhookScopeId | null };
}

/** A usable id: a non-empty string or a finite number; anything else counts as none. */
function scopeId(value: unknown): WebhookScopeId | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

/** `scopeOf`'s answer as matching and the body use it; a missing or malformed id counts as none. */
export function resolveEventScope(scope: WebhookEventScope | null | undefined): ResolvedEventScope {
  if (!scope) return NO_EVENT_SCOPE;
  const accountId = scopeId(scope.accountId);
  const inboxId = scopeId(scope.inboxId);
  if (accountId === null && inboxId === null) return NO_EVENT_SCOPE;
  return { accountId, inboxId, accountKey: accountId === null ? null : String(accountId), inboxKey: inboxId === null ? null : String(inboxId) };
}

/** Whether a webhook of `inboxIds` takes an event of `inboxKey`: every inbox when the list is empty. */
export function inboxMatches(inboxIds: readonly string[] | null | undefined, inboxKey: string | null): boolean {
  // A row without the list (written straight in SQL) counts as every inbox, as the migration's rows do.
  return !inboxIds || inboxIds.length === 0 || (inboxKey !== null && inboxIds.includes(inboxKey));
}
