// The admin REST API, from the page's own address: /<adminPath>/ui → /<adminPath>.
import type { AdminScope, Delivery, DeliveryDetail, DeliveryPage, EventInfo, ModuleStats, TestResult, Webhook, WebhookStats } from './types.js';

const API = location.pathname.replace(/\/ui\/?$/, '');
const TOKEN_KEY = 'webhooks-admin-token';

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
const authListeners: Array<(needed: boolean) => void> = [];
let signInShown = false;

/** An answer other than 2xx: `messages` are the API's (always a list), `status` its code (0: no answer). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly messages: string[]) {
    super(messages.join('; '));
  }
  get unauthorised(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** What an error from the API (or anything else thrown) says to the admin. */
export function errorText(err: unknown): string {
  return err instanceof ApiError ? err.message : String(err);
}

export function onAuthNeeded(listener: (needed: boolean) => void): void {
  authListeners.push(listener);
}

export function setToken(value: string): void {
  token = value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  for (const l of authListeners) l(false);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, ['The admin API did not answer: check the connection.']);
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = (data as { message?: string | string[] } | null)?.message ?? `${res.status} ${res.statusText}`;
    const error = new ApiError(res.status, ([] as string[]).concat(message));
    if (error.unauthorised) {
      signInShown = true;
      for (const l of authListeners) l(true);
    }
    throw error;
  }
  if (signInShown) {
    signInShown = false;
    for (const l of authListeners) l(false);
  }
  return data as T;
}

const id = (value: string) => encodeURIComponent(value);

export const api = {
  list: (accountId?: string | null) => call<Webhook[]>('GET', accountId ? `?accountId=${encodeURIComponent(accountId)}` : ''),
  scope: () => call<AdminScope>('GET', '/scope'),
  stats: () => call<ModuleStats>('GET', '/stats'),
  events: () => call<EventInfo[]>('GET', '/events'),
  get: (webhookId: string) => call<Webhook>('GET', `/${id(webhookId)}`),
  create: (body: Record<string, unknown>) => call<Webhook>('POST', '', body),
  update: (webhookId: string, body: Record<string, unknown>) => call<Webhook>('PATCH', `/${id(webhookId)}`, body),
  remove: (webhookId: string) => call<null>('DELETE', `/${id(webhookId)}`),
  resume: (webhookId: string) => call<Webhook>('POST', `/${id(webhookId)}/resume`),
  webhookStats: (webhookId: string, hours: number) => call<WebhookStats>('GET', `/${id(webhookId)}/stats?hours=${hours}`),
  secret: (webhookId: string) => call<{ secret: string | null }>('GET', `/${id(webhookId)}/secret`),
  rotate: (webhookId: string) => call<{ secret: string }>('POST', `/${id(webhookId)}/secret/rotate`),
  test: (webhookId: string, event: string) => call<TestResult>('POST', `/${id(webhookId)}/test`, { event }),
  deliveries: (webhookId: string, query: URLSearchParams) => call<DeliveryPage>('GET', `/${id(webhookId)}/deliveries?${query.toString()}`),
  delivery: (webhookId: string, deliveryId: string) => call<DeliveryDetail>('GET', `/${id(webhookId)}/deliveries/${id(deliveryId)}`),
  redeliver: (webhookId: string, deliveryId: string) => call<null>('POST', `/${id(webhookId)}/deliveries/${id(deliveryId)}/redeliver`),
  replay: (webhookId: string, body: { since: string; until?: string; status?: string; event?: string; dryRun?: boolean }) =>
    call<{ count: number }>('POST', `/${id(webhookId)}/deliveries/replay`, body),
};

