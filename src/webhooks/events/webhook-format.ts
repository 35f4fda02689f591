import type { WebhookFormat } from '../endpoints/webhook-endpoint.entity.js';
import type { WebhookPayload } from './webhook-payload.mapper.js';

/** A one-line summary of a payload, for chat-app formats. */
export function summarize(payload: WebhookPayload): string {
  const d = payload.data as Record<string, unknown>;
  const who = d.visitor_name ?? d.name ?? d.assignee_name ?? null;
  const what = d.content ?? d.message ?? d.tag ?? d.status ?? null;
  const parts = [who && `${String(who)}`, what && `${String(what)}`].filter(Boolean);
  return parts.length ? `${payload.event}: ${parts.join(' — ')}` : payload.event;
}

/** The body an endpoint of a given format receives. */
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
