// The event catalog, fetched once: the form, the test panel, the log's filter and the catalog view share it.
import { api } from './api.js';
import type { EventInfo } from './types.js';

let loading: Promise<EventInfo[]> | undefined;

export function loadCatalog(): Promise<EventInfo[]> {
  loading ??= api.events().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** Events grouped by family (`conversation.started` → `conversation`), in catalog order. */
export function groupEvents(events: EventInfo[]): Array<[string, EventInfo[]]> {
  const groups = new Map<string, EventInfo[]>();
  for (const e of events) {
    const family = e.name.split('.')[0];
    groups.set(family, [...(groups.get(family) ?? []), e]);
  }
  return [...groups];
}

/** The events a webhook can be sent: its own, or every event in the catalog for `*`. */
export function subscribed(events: string[], catalog: EventInfo[]): string[] {
  return events.includes('*') ? catalog.map((e) => e.name) : events;
}
