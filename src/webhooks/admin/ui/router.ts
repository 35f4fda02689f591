// The page's addresses: each view has one, so reload, back and shared links work.
export type Route =
  | { view: 'list' }
  | { view: 'new' }
  | { view: 'events' }
  | { view: 'edit'; id: string }
  | { view: 'webhook'; id: string; deliveryId?: string }
  | { view: 'missing'; hash: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { view: 'list' };
  if (parts.length === 1 && parts[0] === 'new') return { view: 'new' };
  if (parts.length === 1 && parts[0] === 'events') return { view: 'events' };
  if (parts[0] === 'webhooks' && parts.length === 2) return { view: 'webhook', id: parts[1] };
  if (parts[0] === 'webhooks' && parts.length === 3 && parts[2] === 'edit') return { view: 'edit', id: parts[1] };
  if (parts[0] === 'webhooks' && parts.length === 4 && parts[2] === 'deliveries') return { view: 'webhook', id: parts[1], deliveryId: parts[3] };
  return { view: 'missing', hash };
}

export const href = {
  list: () => '#/',
  add: () => '#/new',
  events: () => '#/events',
  webhook: (id: string) => `#/webhooks/${encodeURIComponent(id)}`,
  edit: (id: string) => `#/webhooks/${encodeURIComponent(id)}/edit`,
  delivery: (id: string, deliveryId: string) => `#/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}`,
};
