/** Loose shapes of the host's objects that the built-in mappers read; a host's own types fit them. */
export type Id = string | number;
export type TimeLike = Date | string | number | null | undefined;

export interface ConversationLike {
  id: Id;
  visitorName?: string | null;
  visitorEmail?: string | null;
  visitorPhone?: string | null;
  visitorIp?: string | null;
  currentUrl?: string | null;
  status?: string | null;
  createdAt?: TimeLike;
}

export interface MessageLike {
  id: Id;
  content?: string | null;
  isFromAdmin?: boolean | null;
  adminName?: string | null;
  authorType?: 'visitor' | 'agent' | 'ai' | 'trigger' | null;
  createdAt?: TimeLike;
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

export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`expected ${what} object, got ${value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

export function conversationFields(value: unknown) {
  const c = requireObject(value, 'a conversation') as unknown as ConversationLike;
  return {
    conversation_id: c.id,
    visitor_name: orNull(c.visitorName),
    visitor_email: orNull(c.visitorEmail),
    visitor_phone: orNull(c.visitorPhone),
    visitor_ip: orNull(c.visitorIp),
    current_url: orNull(c.currentUrl),
    status: orNull(c.status),
    created_at: isoTime(c.createdAt),
  };
}

export function authorType(m: MessageLike): 'visitor' | 'agent' | 'ai' | 'trigger' {
  return m.authorType ?? (m.isFromAdmin ? 'agent' : 'visitor');
}

export function messageFields(value: unknown) {
  const m = requireObject(value, 'a message') as unknown as MessageLike;
  return {
    message_id: m.id,
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
    contact_id: c.id,
    name: orNull(c.name),
    email: orNull(c.email),
    phone: orNull(c.phone),
    notes: orNull(c.notes),
    created_at: isoTime(c.createdAt),
  };
}

export function eventObject(value: unknown, event: string): Record<string, unknown> {
  return requireObject(value, `the "${event}" event's`);
}
