import { describe, expect, it } from '@jest/globals';
import { WebhookPayloadMappingError } from '../errors/webhook-payload-mapping.error.js';
import { resolveWebhooksOptions } from '../webhooks.options.js';
import type { WebhooksModuleOptions } from '../webhooks.options.js';
import { builtInMappers } from './built-in.mappers.js';
import { WEBHOOK_EVENT_SAMPLES } from './webhook-event.catalog.js';
import { WEBHOOK_EVENT_NAMES } from './webhook-event.js';
import { webhookEventSchemas } from './webhook-event.schemas.js';
import { WebhookPayloadFactory, builtInWebhookCatalog } from './webhook-payload.factory.js';

const factory = (payloadMappers: WebhooksModuleOptions['payloadMappers'] = {}) =>
  new WebhookPayloadFactory(resolveWebhooksOptions({ payloadMappers }));

describe('WebhookPayloadFactory', () => {
  it('has a built-in mapper for each of the 15 events', () => {
    expect(Object.keys(builtInMappers).sort()).toEqual([...WEBHOOK_EVENT_NAMES].sort());
  });

  it('builds { event, timestamp, data } with the built-in mapper', () => {
    const at = new Date('2025-01-15T10:31:00.000Z');
    const payload = factory().build('tag.added', { conversation: { id: 1 }, tag: 'vip' }, at);
    expect(Object.keys(payload)).toEqual(['event', 'timestamp', 'data']);
    expect(payload).toMatchObject({ event: 'tag.added', timestamp: '2025-01-15T10:31:00.000Z', data: { conversation_id: 1, tag: 'vip' } });
  });

  it("uses a host's mapper for its event only", () => {
    const f = factory({ 'conversation.started': (c: { uuid: string }) => ({ ref: c.uuid }) });
    expect(f.build('conversation.started', { uuid: 'c-1' }).data).toEqual({ ref: 'c-1' });
    expect(f.build('takeover.requested', { conversation: { id: 2 } }).data).toMatchObject({ conversation_id: 2 });
  });

  it('turns a throwing mapper, or one that returns no plain object, into an error naming the event', () => {
    const f = factory({
      'contact.created': () => {
        throw new Error('no CRM id');
      },
      'contact.updated': () => ['not', 'an', 'object'] as unknown as Record<string, unknown>,
    });
    expect(() => f.build('contact.created', {})).toThrow(WebhookPayloadMappingError);
    expect(() => f.build('contact.created', {})).toThrow('Could not map the "contact.created" event to a webhook payload: no CRM id');
    expect(() => f.build('contact.updated', {})).toThrow('"contact.updated" event to a webhook payload: the mapper must return a plain object');
    // The built-in mappers' own refusals come the same way.
    expect(() => factory().build('message.sent', { message: {} })).toThrow(/"message\.sent".*needs an "id"/);
    expect(() => factory().build('chat.exploded' as never, {})).toThrow('Unknown webhook event "chat.exploded"');
  });

  it('answers the catalog: every event with its description, fixed-time sample and schema', () => {
    const catalog = factory().catalog();
    expect(catalog.map((e) => e.name)).toEqual([...WEBHOOK_EVENT_NAMES]);
    for (const entry of catalog) {
      expect(Object.keys(entry)).toEqual(['name', 'description', 'samplePayload', 'schema']);
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.samplePayload.event).toBe(entry.name);
      expect(entry.samplePayload.timestamp).toBe(WEBHOOK_EVENT_SAMPLES[entry.name].at.toISOString());
      expect(entry.schema).toBe(webhookEventSchemas[entry.name]);
    }
    expect(catalog).toEqual(builtInWebhookCatalog());
  });

  it('maps the catalog sample with the host mapper, and falls back to the built-in sample when that mapper cannot read it', () => {
    const f = factory({
      'conversation.started': (c: { id: number }) => ({ ref: `conv-${c.id}` }),
      'contact.created': (c: { crmId: string }) => {
        if (!c.crmId) throw new Error('no crmId');
        return { crm_id: c.crmId };
      },
    });
    const catalog = f.catalog();
    expect(catalog.find((e) => e.name === 'conversation.started')!.samplePayload.data).toEqual({ ref: 'conv-1042' });
    const builtIn = builtInWebhookCatalog().find((e) => e.name === 'contact.created')!.samplePayload;
    expect(catalog.find((e) => e.name === 'contact.created')!.samplePayload).toEqual(builtIn);
    // A built-in sample that fails is a bug of ours, not something to hide.
    expect(() => factory().sample('contact.created')).not.toThrow();
  });

  it('stamps a test sample with the time given', () => {
    const now = new Date('2026-02-01T00:00:00.000Z');
    const sample = factory().sample('offline_message.created', now);
    expect(sample.timestamp).toBe(now.toISOString());
    expect(sample.data).toEqual(builtInWebhookCatalog().find((e) => e.name === 'offline_message.created')!.samplePayload.data);
  });
});
