/** Loose shapes of the host's objects that the built-in mappers read; a host's own types fit them. */
export type Id = string | number;
export type TimeLike = Date | string | number | null | undefined;

/** Who wrote a message: the visitor, an agent, the AI bot or an automatic trigger. */
export type MessageAuthorType = 'visitor' | 'agent' | 'ai' | 'trigger';
export const MESSAGE_AUTHOR_TYPES: readonly MessageAuthorType[] = ['visitor', 'agent', 'ai', 'trigger'];

export interface ConversationLike {
  id: Id;
  visitorName?: string | null;
  visitorEmail?: string | null;
  visitorPhone?: string | null;
  visitorIp?: string | null;
  currentUrl?: string | null;
  status?: string | null;
  createdAt?: TimeLike;
  /** Read by `conversation.resolved` when the event itself carries no `resolvedAt`. */
  resolvedAt?: TimeLike;
}

export interface MessageLike {
  id: Id;
  content?: string | null;
  isFromAdmin?: boolean | null;
  adminName?: string | null;
  authorType?: MessageAuthorType | null;
  createdAt?: TimeLike;
  /** Read by `message.updated`. */
  updatedAt?: TimeLike;
}

export interface ContactLike {
  id: Id;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
  createdAt?: TimeLike;
}

export interface OfflineMessageLike {
  id: Id;
  name?: string | null;
  email?: string | null;
  message?: string | null;
  createdAt?: TimeLike;
}

export interface AssigneeLike {
  id?: Id | null;
  name: string;
}

/** ISO 8601 from a Date, an ISO string or epoch milliseconds; `null` when missing. */
export function isoTime(value: TimeLike): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`"${String(value)}" is not a valid date`);
  }
  return date.toISOString();
}

/** The first of `values` that is a time, as ISO 8601; `fallback` when none is. */
export function firstTime(values: TimeLike[], fallback: Date): string {
  for (const value of values) {
    const iso = isoTime(value);
    if (iso !== null) return iso;
  }
  return fallback.toISOString();
}

/** Payloads carry `null` for what the host left out, never a missing key. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new TypeError(`expected ${what} object, got ${got}`);
  }
  return value as Record<string, unknown>;
}

/** Ids keep the host's type (a number stays a number); a record without one cannot be referred to. */
function requireId(value: unknown, what: string): Id {
  if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== '')) return value;
  throw new TypeError(`${what} needs an "id" (a number or a non-empty string), got ${value === undefined ? 'none' : JSON.stringify(value)}`);
}

export function conversationFields(value: unknown) {
  const c = requireObject(value, 'a conversation') as unknown as ConversationLike;
  return {
    conversation_id: requireId(c.id, 'a conversation'),
    visitor_name: orNull(c.visitorName),
    visitor_email: orNull(c.visitorEmail),
    visitor_phone: orNull(c.visitorPhone),
    visitor_ip: orNull(c.visitorIp),
    current_url: orNull(c.currentUrl),
    status: orNull(c.status),
    created_at: isoTime(c.createdAt),
  };
}

/** The message's `authorType` when given, else `agent` for an admin's message and `visitor` for the rest. */
export function authorType(m: MessageLike): MessageAuthorType {
  const given = m.authorType;
  if (given === null || given === undefined) return m.isFromAdmin ? 'agent' : 'visitor';
  if (!MESSAGE_AUTHOR_TYPES.includes(given)) {
    throw new TypeError(`a message's "authorType" must be one of ${MESSAGE_AUTHOR_TYPES.join(', ')}; got ${JSON.stringify(given)}`);
  }
  return given;
}

export function messageFields(value: unknown) {
  const m = requireObject(value, 'a message') as unknown as MessageLike;
  return {
    message_id: requireId(m.id, 'a message'),
    content: orNull(m.content),
    is_from_admin: Boolean(m.isFromAdmin),
    admin_name: orNull(m.adminName),
    author_type: authorType(m),
    created_at: isoTime(m.createdAt),
  };
}

export function contactFields(value: unknown) {
  const c = requireObject(value, 'a contact') as unknown as ContactLike;
  return {
    contact_id: requireId(c.id, 'a contact'),
    name: orNull(c.name),
    email: orNull(c.email),
    phone: orNull(c.phone),
    notes: orNull(c.notes),
    created_at: isoTime(c.createdAt),
  };
}

export function offlineMessageFields(value: unknown) {
  const m = requireObject(value, 'an offline message') as unknown as OfflineMessageLike;
  return {
    offline_message_id: requireId(m.id, 'an offline message'),
    name: orNull(m.name),
    email: orNull(m.email),
    message: orNull(m.message),
    created_at: isoTime(m.createdAt),
  };
}

/** An assignee given as `{ id?, name }` or as a bare name; nothing at all gives nulls. */
export function assigneeFields(value: unknown): { id: Id | null; name: string | null } {
  if (value === null || value === undefined) return { id: null, name: null };
  if (typeof value === 'string') return { id: null, name: value };
  const a = requireObject(value, 'an assignee') as unknown as AssigneeLike;
  const id = a.id === null || a.id === undefined ? null : requireId(a.id, 'an assignee');
  return { id, name: orNull(a.name) };
}

/** A tag given as a string or as `{ name }`. */
export function tagName(tag: unknown): string {
  if (typeof tag === 'string') return tag;
  if (tag && typeof tag === 'object' && typeof (tag as { name?: unknown }).name === 'string') {
    return (tag as { name: string }).name;
  }
  throw new TypeError('a tag must be a string or an object with a string "name"');
}

export function eventObject(value: unknown, event: string): Record<string, unknown> {
  return requireObject(value, `the "${event}" event's`);
}
