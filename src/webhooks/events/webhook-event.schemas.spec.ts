import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectValidPayload, payloadSchemaErrors } from '../../../test/support/payload-schemas.js';
import { builtInWebhookCatalog } from './webhook-payload.factory.js';
import { WEBHOOK_EVENT_NAMES } from './webhook-event.js';
import { webhookEventSchemas } from './webhook-event.schemas.js';

const catalog = builtInWebhookCatalog();
const sampleOf = (event: string) => structuredClone(catalog.find((e) => e.name === event)!.samplePayload) as {
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
};

describe('webhookEventSchemas', () => {
  it('has a draft 2020-12 schema for each of the 15 events, of the whole { event, timestamp, data } body', () => {
    expect(Object.keys(webhookEventSchemas)).toEqual([...WEBHOOK_EVENT_NAMES]);
    expect(WEBHOOK_EVENT_NAMES).toHaveLength(15);
    for (const event of WEBHOOK_EVENT_NAMES) {
      const schema = webhookEventSchemas[event] as Record<string, any>;
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.title).toBe(event);
      expect(schema.required).toEqual(['event', 'timestamp', 'data']);
      expect(schema.properties.event).toMatchObject({ const: event });
      // Every data key is required: the payload has nulls, never missing keys.
      expect(schema.properties.data.required).toEqual(Object.keys(schema.properties.data.properties));
      expect(schema.properties.data.additionalProperties).toBe(false);
    }
  });

  it.each(WEBHOOK_EVENT_NAMES.map((e) => [e]))('accepts the catalog sample of %s', (event) => {
    expect(payloadSchemaErrors(sampleOf(event))).toEqual([]);
  });

  it('gives every data field, nested ones included, a description for the docs', () => {
    const walk = (properties: Record<string, any>, path: string) => {
      for (const [key, field] of Object.entries(properties)) {
        expect([`${path}${key}`, typeof field.description]).toEqual([`${path}${key}`, 'string']);
        if (field.items?.properties) walk(field.items.properties, `${path}${key}[].`);
      }
    };
    for (const event of WEBHOOK_EVENT_NAMES) walk((webhookEventSchemas[event] as any).properties.data.properties, `${event}: `);
  });

  it('rejects a missing key, an extra key, a wrong type, a bad time and a payload of another event', () => {
    const missing = sampleOf('conversation.started');
    delete missing.data.visitor_phone;
    expect(payloadSchemaErrors(missing).join()).toMatch(/visitor_phone/);

    const extra = sampleOf('message.received');
    extra.data.author_type = 'visitor';
    expect(payloadSchemaErrors(extra).join()).toMatch(/additionalProperty.*author_type/);

    const wrongType = sampleOf('conversation.rated');
    wrongType.data.rating = '5';
    expect(payloadSchemaErrors(wrongType).join()).toMatch(/\/data\/rating/);

    const outOfRange = sampleOf('conversation.rated');
    outOfRange.data.rating = 6;
    expect(payloadSchemaErrors(outOfRange).join()).toMatch(/\/data\/rating/);

    const badTime = sampleOf('message.updated');
    badTime.data.updated_at = 'yesterday';
    expect(payloadSchemaErrors(badTime).join()).toMatch(/updated_at.*date-time/);

    const badAuthor = sampleOf('conversation.resolved');
    (badAuthor.data.messages as Array<Record<string, unknown>>)[0].author_type = 'bot';
    expect(payloadSchemaErrors(badAuthor).join()).toMatch(/messages\/0\/author_type/);

    expect(payloadSchemaErrors(sampleOf('contact.created'), 'contact.banned').join()).toMatch(/const/);
    expect(() => expectValidPayload({ event: 'chat.exploded', timestamp: '', data: {} })).toThrow(/no schema/);
  });

  it('is frozen, so no host or request can change what the catalog publishes', () => {
    const schema = webhookEventSchemas['tag.added'] as Record<string, any>;
    expect(Object.isFrozen(schema)).toBe(true);
    expect(Object.isFrozen(schema.properties.data.properties.tag)).toBe(true);
  });

  it('keeps ajv out of the runtime module: no file of src/webhooks but specs imports it', () => {
    const root = dirname(dirname(fileURLToPath(import.meta.url)));
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
          if (/from ['"]ajv/.test(readFileSync(path, 'utf8'))) offenders.push(path);
        }
      }
    };
    visit(root);
    expect(offenders).toEqual([]);
  });
});
