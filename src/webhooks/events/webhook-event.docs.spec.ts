import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { README_EVENTS_END, README_EVENTS_START, renderReadmeEventsTable, renderWebhookEventDocs } from './webhook-event.docs.js';
import { WEBHOOK_EVENT_NAMES } from './webhook-event.js';
import { webhookEventSchemas } from './webhook-event.schemas.js';
import { builtInWebhookCatalog } from './webhook-payload.factory.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const STALE = 'is not current: run `npm run docs:events` and commit the result';

describe('docs/events.md and docs/events/*.json', () => {
  const generated = renderWebhookEventDocs(builtInWebhookCatalog());

  it.each([...generated.keys()].map((path) => [path]))('docs/%s is what the catalog generates', (path) => {
    const file = join(docs, path);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : `(docs/${path} is missing)`;
    // A plain equality first, for a message that says what to do; then toBe, for the diff.
    if (committed !== generated.get(path)) {
      expect(`docs/${path} ${STALE}\n${committed}`).toBe(`docs/${path} ${STALE}\n${generated.get(path)}`);
    }
  });

  it("README.md's events table is what the catalog generates", () => {
    const readme = readFileSync(join(docs, '..', 'README.md'), 'utf8');
    const start = readme.indexOf(README_EVENTS_START);
    const end = readme.indexOf(README_EVENTS_END);
    expect({ start: start >= 0, end: end > start }).toEqual({ start: true, end: true });
    const committed = readme.slice(start, end + README_EVENTS_END.length);
    const table = renderReadmeEventsTable(builtInWebhookCatalog());
    if (committed !== table) expect(`README.md events table ${STALE}\n${committed}`).toBe(`README.md events table ${STALE}\n${table}`);
    for (const event of WEBHOOK_EVENT_NAMES) expect(table).toContain(`| \`${event}\` |`);
  });

  it('holds no schema of an event the catalog no longer has', () => {
    const files = readdirSync(join(docs, 'events')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(WEBHOOK_EVENT_NAMES.map((e) => `${e}.json`).sort());
  });

  it('writes each schema file as the exported schema, and one section per event in events.md', () => {
    for (const event of WEBHOOK_EVENT_NAMES) {
      expect(JSON.parse(generated.get(`events/${event}.json`)!)).toEqual(webhookEventSchemas[event]);
    }
    const markdown = generated.get('events.md')!;
    const sections = markdown.match(/^## `[^`]+`$/gm) ?? [];
    expect(sections).toEqual(WEBHOOK_EVENT_NAMES.map((e) => `## \`${e}\``));
    // Each section shows its sample and a row for each data field.
    for (const entry of builtInWebhookCatalog()) {
      const section = markdown.split(`## \`${entry.name}\``)[1].split('\n## ')[0];
      expect(section).toContain(JSON.stringify(entry.samplePayload, null, 2));
      for (const key of Object.keys(entry.samplePayload.data)) expect(section).toContain(`| \`${key}\` |`);
    }
  });

  it('is the same from run to run (no clock in the samples)', () => {
    expect(renderWebhookEventDocs(builtInWebhookCatalog())).toEqual(generated);
  });
});
