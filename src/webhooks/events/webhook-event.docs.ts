import { WebhookEvent } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';
import type { WebhookCatalogEntry } from './webhook-payload.factory.js';

/*
 * Renders docs/events.md and docs/events/<event>.json from the catalog, so the
 * docs cannot drift from what the module sends. Used by
 * docs/generate-event-docs.mjs (over dist) and by the test that checks the
 * committed docs are current. Not part of the public API.
 */

interface EventNotes {
  /** What the host emits (CONTRACT section 2). */
  emitted: string;
  /** The demo host's route that emits it. */
  demo: string;
  /** More on when it fires and what it carries, in our own words. */
  details: string;
}

const NOTES: Record<WebhookEventName, EventNotes> = {
  [WebhookEvent.ConversationStarted]: {
    emitted: 'the conversation',
    demo: '`POST /conversations`',
    details: 'Fires once per conversation, when the visitor opens it. The data is the conversation as it is at that moment.',
  },
  [WebhookEvent.ConversationAssigned]: {
    emitted: '`{ conversation, assignee, previousAssignee? }`; an assignee is `{ id?, name }` or just a name',
    demo: '`POST /conversations/:id/assign`',
    details:
      'Fires whenever a conversation gets a new owner: an agent picks it up, takes over from the bot (the previous ' +
      'assignee is then the bot), or accepts a transfer from another agent (the previous assignee is that agent). ' +
      '`previous_assignee_*` are null for a first assignment; an `*_id` is null when the host gave only a name.',
  },
  [WebhookEvent.ConversationStatusChanged]: {
    emitted: '`{ conversation, previousStatus }`',
    demo: '`POST /conversations/:id/resolve` (open → resolved)',
    details:
      'Fires on every status move, with the old status in `previous_status` and the new one in `status`. ' +
      'Closing a conversation sends this event first, then `conversation.resolved`.',
  },
  [WebhookEvent.ConversationResolved]: {
    emitted: '`{ conversation, messages, tags }` (and optionally `resolvedAt`, on the event or on the conversation)',
    demo: '`POST /conversations/:id/resolve`',
    details:
      'Fires when a conversation is closed, with everything a CRM or archive needs in one delivery: the visitor, ' +
      'the full transcript (`messages`, oldest first, each with its `author_type`) and the tags. `resolved_at` is ' +
      "the host's own time of closing (`resolvedAt` of the event, else of the conversation); only when the host " +
      'gives neither is it the time the event was recorded.',
  },
  [WebhookEvent.ConversationRated]: {
    emitted: '`{ conversation, rating, comment? }`',
    demo: '`POST /conversations/:id/rating`',
    details: 'Fires when the visitor rates the conversation, usually after it is closed. `comment` is null when the visitor left none.',
  },
  [WebhookEvent.MessageReceived]: {
    emitted: '`{ message, conversation }`',
    demo: '`POST /conversations/:id/messages` without `fromAdmin`',
    details:
      "Fires for every message the visitor sends. Its keys are fixed (CONTRACT section 3) and carry no `author_type`: " +
      "the author is always the visitor. `created_at` is the message's time and `status` the conversation's.",
  },
  [WebhookEvent.MessageSent]: {
    emitted: '`{ message, conversation }`; the message\'s `authorType` is `agent`, `ai` or `trigger` (default: `agent` when `isFromAdmin`)',
    demo: '`POST /conversations/:id/messages` with `fromAdmin: true` (and `authorType: "ai"` or `"trigger"` for the bot or a trigger)',
    details:
      'Fires for every message sent to the visitor, whoever wrote it: an agent, the AI bot or an automatic trigger; ' +
      "`author_type` tells them apart. `created_at` is the message's time.",
  },
  [WebhookEvent.MessageUpdated]: {
    emitted: "`{ message, conversation }`; the message's `updatedAt` is read for `updated_at`",
    demo: '`PATCH /conversations/:id/messages/:messageId`',
    details:
      "Fires when a message is edited. `content` is the new text, `created_at` the message's original time and " +
      "`updated_at` the time of the edit (the time the event was recorded when the host gives no `updatedAt`).",
  },
  [WebhookEvent.ContactCreated]: {
    emitted: 'the contact',
    demo: '`POST /contacts`',
    details: 'Fires when a contact (a visitor the team keeps a record of) is created.',
  },
  [WebhookEvent.ContactUpdated]: {
    emitted: 'the contact, after the change',
    demo: '`PATCH /contacts/:id`',
    details: "Fires when a contact's name, email, phone or notes change. The data is the whole contact after the change.",
  },
  [WebhookEvent.ContactBanned]: {
    emitted: 'the contact',
    demo: '`POST /contacts/:id/ban`',
    details: 'Fires when an agent blocks the visitor from chatting.',
  },
  [WebhookEvent.ContactUnbanned]: {
    emitted: 'the contact',
    demo: '`POST /contacts/:id/unban`',
    details: 'Fires when an agent lifts the block.',
  },
  [WebhookEvent.OfflineMessageCreated]: {
    emitted: 'the offline message',
    demo: '`POST /offline-messages`',
    details: 'Fires when a visitor fills in the offline form, typically while no agent is online, so someone can follow up by email.',
  },
  [WebhookEvent.TagAdded]: {
    emitted: '`{ conversation, tag }`; a tag is a string (or `{ name }`)',
    demo: '`POST /conversations/:id/tags`',
    details: 'Fires once for each tag (label) put on a conversation.',
  },
  [WebhookEvent.TakeoverRequested]: {
    emitted: '`{ conversation }`',
    demo: '`POST /conversations/:id/takeover`',
    details:
      'Fires when the visitor asks for a human, typically while the AI bot is answering. When an agent then takes ' +
      'the conversation, `conversation.assigned` follows.',
  },
};

type Schema = Record<string, unknown>;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** GitHub's anchor for a heading. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

function typeName(schema: Schema): string {
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
  const names = types.map((type) => {
    if (type === 'string' && schema.format === 'date-time') return 'ISO 8601 time';
    if (type === 'array') {
      const items = (schema.items ?? {}) as Schema;
      return items.type === 'object' ? 'array of objects' : `array of ${typeName(items)}s`;
    }
    if (type === 'number' && typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
      return `number (${schema.minimum} to ${schema.maximum})`;
    }
    return type;
  });
  return names.join(' or ');
}

/** One table row per field; an array of objects adds a row per field of its items (`messages[].content`). */
function fieldRows(properties: Record<string, Schema>, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [key, schema] of Object.entries(properties)) {
    rows.push(`| \`${prefix}${key}\` | ${cell(typeName(schema))} | ${cell(String(schema.description ?? ''))} |`);
    const items = schema.items as Schema | undefined;
    if (items?.type === 'object' && items.properties) {
      rows.push(...fieldRows(items.properties as Record<string, Schema>, `${prefix}${key}[].`));
    }
  }
  return rows;
}

function eventSection(entry: WebhookCatalogEntry): string {
  const notes = NOTES[entry.name];
  const data = ((entry.schema.properties as Record<string, Schema>).data.properties ?? {}) as Record<string, Schema>;
  return [
    `## \`${entry.name}\``,
    '',
    entry.description,
    '',
    notes.details,
    '',
    `- Emitted object: ${notes.emitted}.`,
    `- Demo route: ${notes.demo}.`,
    `- JSON Schema: [\`events/${entry.name}.json\`](events/${entry.name}.json).`,
    '',
    'Sample payload:',
    '',
    '```json',
    JSON.stringify(entry.samplePayload, null, 2),
    '```',
    '',
    '| `data` field | type | meaning |',
    '| --- | --- | --- |',
    ...fieldRows(data),
    '',
  ].join('\n');
}

/** The generated docs, by path relative to `docs/`: `events.md` and `events/<event>.json`. */
export function renderWebhookEventDocs(catalog: WebhookCatalogEntry[]): Map<string, string> {
  const files = new Map<string, string>();
  const index = catalog.map((e) => `| [\`${e.name}\`](#${anchor(`\`${e.name}\``)}) | ${cell(e.description)} |`);
  const markdown = [
    '<!-- Generated from the event catalog by `npm run docs:events`; edit src/webhooks/events/, not this file. -->',
    '',
    '# Webhook events',
    '',
    'Your chat code emits a Nest event; the module maps the emitted object to a payload and POSTs it to every',
    'enabled webhook subscribed to that event (or to `*`, which means every event, including ones added later).',
    'Every body has the same envelope:',
    '',
    '| field | type | meaning |',
    '| --- | --- | --- |',
    '| `event` | string | the event name, also sent as the `X-Webhook-Event` header |',
    '| `timestamp` | ISO 8601 time | when the event was recorded for sending (a test delivery: when it was sent) |',
    '| `data` | object | what happened: the fields listed under each event below |',
    '',
    'The fields of `data` follow one style: snake_case keys; ids as `*_id`, of the type the host gave them',
    '(a number stays a number); times in ISO 8601, UTC; every key always present, with `null` for what the',
    'host left out; a message carries `author_type` (`visitor`, `agent`, `ai` or `trigger`) everywhere except',
    'in `message.received`, whose keys are fixed by the contract.',
    '',
    'Each event has a JSON Schema (draft 2020-12) of its whole body: in [`events/`](events/) beside this file,',
    'exported from the package as `webhookEventSchemas`, and in each entry of the admin API\'s `GET /events`',
    '(`{ name, description, samplePayload, schema }`). A test delivery (`POST /:id/test`) sends the sample shown',
    'here for the chosen event. The schemas and samples describe the built-in mappers: a host that passes its',
    'own `payloadMappers` for an event decides that event\'s `data` itself.',
    '',
    '| event | what happened |',
    '| --- | --- |',
    ...index,
    '',
    ...catalog.map(eventSection),
  ].join('\n');
  files.set('events.md', markdown);
  for (const entry of catalog) {
    files.set(`events/${entry.name}.json`, `${JSON.stringify(entry.schema, null, 2)}\n`);
  }
  return files;
}
