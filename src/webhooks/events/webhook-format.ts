import type { WebhookFormat } from '../endpoints/webhook-endpoint.entity.js';
import type { ResolvedEventScope } from './webhook-event.scope.js';
import type { WebhookPayload } from './webhook-payload.mapper.js';

/**
 * The payload with its event's account and inbox beside `event`, `timestamp` and `data`,
 * each only when the event has it; the payload itself when it has neither.
 */
export function withEventScope(payload: WebhookPayload, scope: ResolvedEventScope): WebhookPayload {
  if (scope.accountId === null && scope.inboxId === null) return payload;
  return {
    event: payload.event,
    timestamp: payload.timestamp,
    ...(scope.accountId === null ? {} : { account_id: scope.accountId }),
    ...(scope.inboxId === null ? {} : { inbox_id: scope.inboxId }),
    data: payload.data,
  };
}

/** A one-line summary of a payload, for chat-app formats. */
export function summarize(payload: WebhookPayload): string {
  const d = payload.data as Record<string, unknown>;
  const who = d.visitor_name ?? d.name ?? d.assignee_name ?? null;
  const what = d.content ?? d.message ?? d.tag ?? d.status ?? null;
  const parts = [who && `${String(who)}`, what && `${String(what)}`].filter(Boolean);
  return parts.length ? `${payload.event}: ${parts.join(' — ')}` : payload.event;
}

/**
 * The body an endpoint of a given format receives. Slack's and Discord's bodies are
 * their own fixed shapes, read by a chat channel: they carry no account or inbox.
 */
export function formatPayload(payload: WebhookPayload, format: WebhookFormat): Record<string, unknown> {
  switch (format) {
    case 'slack':
      return { text: summarize(payload) };
    case 'discord':
      return { content: summarize(payload).slice(0, 2000) };
    default:
      return payload as unknown as Record<string, unknown>;
  }
}
