import { WebhookEvent } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';
import type { WebhookCatalogEntry } from './webhook-payload.factory.js';

/*
 * Renders docs/events.md and docs/events/<event>.json from the catalog, so the
 * docs cannot drift from what the module sends. Used by
 * docs/generate-event-docs.mjs (over dist) and by the test that checks the
 * committed docs are current. Not part of the public API.
 */

/** A field of an object the host emits: name, type, required. */
type InputField = readonly [name: string, type: string, required: boolean];

/** What the host emits: one of the objects below, or an object of fields. */
type EmittedShape = { object: InputObject } | { fields: readonly InputField[] };

type InputObject = 'Conversation' | 'Message' | 'Contact' | 'OfflineMessage' | 'Assignee';

const TIME = '`Date` · ISO string · epoch ms';
const TEXT = 'string';

/** The fields the built-in mappers read from each kind of object (`ConversationLike`, ... in payload-fields.ts). */
const INPUT_OBJECTS: Record<InputObject, readonly InputField[]> = {
  Conversation: [
    ['id', 'string · number', true],
    ['visitorName', TEXT, false],
    ['visitorEmail', TEXT, false],
    ['visitorPhone', TEXT, false],
    ['visitorIp', TEXT, false],
    ['currentUrl', TEXT, false],
    ['status', TEXT, false],
    ['createdAt', TIME, false],
    ['resolvedAt', `${TIME} (read by \`conversation.resolved\`)`, false],
  ],
  Message: [
    ['id', 'string · number', true],
    ['content', TEXT, false],
    ['isFromAdmin', 'boolean', false],
    ['adminName', TEXT, false],
    ['authorType', "`'visitor'` · `'agent'` · `'ai'` · `'trigger'` (default from `isFromAdmin`)", false],
    ['createdAt', TIME, false],
    ['updatedAt', `${TIME} (read by \`message.updated\`)`, false],
  ],
  Contact: [
    ['id', 'string · number', true],
    ['name', TEXT, false],
    ['email', TEXT, false],
    ['phone', TEXT, false],
    ['notes', TEXT, false],
    ['createdAt', TIME, false],
  ],
  OfflineMessage: [
    ['id', 'string · number', true],
    ['name', TEXT, false],
    ['email', TEXT, false],
    ['message', TEXT, false],
    ['createdAt', TIME, false],
  ],
  Assignee: [
    ['id', 'string · number', false],
    ['name', TEXT, true],
  ],
};

const CONVERSATION: InputField = ['conversation', 'Conversation', true];
const MESSAGE_AND_CONVERSATION: EmittedShape = { fields: [['message', 'Message', true], CONVERSATION] };

interface EventNotes {
  /** What the host emits (CONTRACT section 2). */
  emitted: string;
  /** The same, field by field, for the README's table. */
  shape: EmittedShape;
  /** The demo host's route that emits it. */
  demo: string;
  /** More on when it fires and what it carries, in our own words. */
  details: string;
}

const NOTES: Record<WebhookEventName, EventNotes> = {
  [WebhookEvent.ConversationStarted]: {
    emitted: 'the conversation',
    shape: { object: 'Conversation' },
    demo: '`POST /conversations`',
    details: 'Fires once per conversation, when the visitor opens it. The data is the conversation as it is at that moment.',
  },
  [WebhookEvent.ConversationAssigned]: {
    emitted: '`{ conversation, assignee, previousAssignee? }`; an assignee is `{ id?, name }` or just a name',
    shape: { fields: [CONVERSATION, ['assignee', 'Assignee · string', true], ['previousAssignee', 'Assignee · string', false]] },
    demo: '`POST /conversations/:id/assign`',
    details:
      'Fires whenever a conversation gets a new owner: an agent picks it up, takes over from the bot (the previous ' +
      'assignee is then the bot), or accepts a transfer from another agent (the previous assignee is that agent). ' +
      '`previous_assignee_*` are null for a first assignment; an `*_id` is null when the host gave only a name.',
  },
  [WebhookEvent.ConversationStatusChanged]: {
    emitted: '`{ conversation, previousStatus }`',
    shape: { fields: [CONVERSATION, ['previousStatus', 'string', true]] },
    demo: '`POST /conversations/:id/resolve` (open → resolved)',
    details:
      'Fires on every status move, with the old status in `previous_status` and the new one in `status`. ' +
      'Closing a conversation sends this event first, then `conversation.resolved`.',
  },
  [WebhookEvent.ConversationResolved]: {
    emitted: '`{ conversation, messages, tags }` (and optionally `resolvedAt`, on the event or on the conversation)',
    shape: { fields: [CONVERSATION, ['messages', 'Message[]', true], ['tags', 'string[] (or `{ name }[]`)', true], ['resolvedAt', TIME, false]] },
    demo: '`POST /conversations/:id/resolve`',
    details:
      'Fires when a conversation is closed, with everything a CRM or archive needs in one delivery: the visitor, ' +
      'the full transcript (`messages`, oldest first, each with its `author_type`) and the tags. `resolved_at` is ' +
      "the host's own time of closing (`resolvedAt` of the event, else of the conversation); only when the host " +
      'gives neither is it the time the event was recorded.',
  },
  [WebhookEvent.ConversationRated]: {
    emitted: '`{ conversation, rating, comment? }`',
    shape: { fields: [CONVERSATION, ['rating', 'number 1..5', true], ['comment', 'string', false]] },
    demo: '`POST /conversations/:id/rating`',
    details: 'Fires when the visitor rates the conversation, usually after it is closed. `comment` is null when the visitor left none.',
  },
  [WebhookEvent.MessageReceived]: {
    emitted: '`{ message, conversation }`',
    shape: MESSAGE_AND_CONVERSATION,
    demo: '`POST /conversations/:id/messages` without `fromAdmin`',
    details:
      "Fires for every message the visitor sends. Its keys are fixed (CONTRACT section 3) and carry no `author_type`: " +
      "the author is always the visitor. `created_at` is the message's time and `status` the conversation's.",
  },
  [WebhookEvent.MessageSent]: {
    emitted: '`{ message, conversation }`; the message\'s `authorType` is `agent`, `ai` or `trigger` (default: `agent` when `isFromAdmin`)',
    shape: MESSAGE_AND_CONVERSATION,
    demo: '`POST /conversations/:id/messages` with `fromAdmin: true` (and `authorType: "ai"` or `"trigger"` for the bot or a trigger)',
    details:
      'Fires for every message sent to the visitor, whoever wrote it: an agent, the AI bot or an automatic trigger; ' +
      "`author_type` tells them apart. `created_at` is the message's time.",
  },
  [WebhookEvent.MessageUpdated]: {
    emitted: "`{ message, conversation }`; the message's `updatedAt` is read for `updated_at`",
    shape: MESSAGE_AND_CONVERSATION,
    demo: '`PATCH /conversations/:id/messages/:messageId`',
    details:
      "Fires when a message is edited. `content` is the new text, `created_at` the message's original time and " +
      "`updated_at` the time of the edit (the time the event was recorded when the host gives no `updatedAt`).",
  },
  [WebhookEvent.ContactCreated]: {
    emitted: 'the contact',
    shape: { object: 'Contact' },
    demo: '`POST /contacts`',
    details: 'Fires when a contact (a visitor the team keeps a record of) is created.',
  },
  [WebhookEvent.ContactUpdated]: {
    emitted: 'the contact, after the change',
    shape: { object: 'Contact' },
    demo: '`PATCH /contacts/:id`',
    details: "Fires when a contact's name, email, phone or notes change. The data is the whole contact after the change.",
  },
  [WebhookEvent.ContactBanned]: {
    emitted: 'the contact',
    shape: { object: 'Contact' },
    demo: '`POST /contacts/:id/ban`',
    details: 'Fires when an agent blocks the visitor from chatting.',
  },
  [WebhookEvent.ContactUnbanned]: {
    emitted: 'the contact',
    shape: { object: 'Contact' },
    demo: '`POST /contacts/:id/unban`',
    details: 'Fires when an agent lifts the block.',
  },
  [WebhookEvent.OfflineMessageCreated]: {
    emitted: 'the offline message',
    shape: { object: 'OfflineMessage' },
    demo: '`POST /offline-messages`',
    details: 'Fires when a visitor fills in the offline form, typically while no agent is online, so someone can follow up by email.',
  },
  [WebhookEvent.TagAdded]: {
    emitted: '`{ conversation, tag }`; a tag is a string (or `{ name }`)',
    shape: { fields: [CONVERSATION, ['tag', 'string (or `{ name }`)', true]] },
    demo: '`POST /conversations/:id/tags`',
    details: 'Fires once for each tag (label) put on a conversation.',
  },
  [WebhookEvent.TakeoverRequested]: {
    emitted: '`{ conversation }`',
    shape: { fields: [CONVERSATION] },
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

/** Where docs/events.md is published; the README links there so its links work on npm too. */
export const EVENTS_DOC_URL = 'https://github.com/nestjs-chat-webhooks/nestjs-chat-webhooks/blob/main/docs/events.md';

export const README_EVENTS_START = '<!-- events-table:start: generated by `npm run docs:events` from src/webhooks/events/ -->';
export const README_EVENTS_END = '<!-- events-table:end -->';

function shapeCell(shape: EmittedShape): string {
  if ('object' in shape) return `the ${shape.object}`;
  return shape.fields.map(([name, type, required]) => `\`${name}${required ? '' : '?'}\`: ${type}`).join(', ');
}

/**
 * The README's table of events for a host developer: when to emit each, what to
 * emit, and a link to its payload sample; then the fields of each kind of object.
 * Between README_EVENTS_START and README_EVENTS_END, kept current like docs/events.md.
 */
export function renderReadmeEventsTable(catalog: WebhookCatalogEntry[]): string {
  const rows = catalog.map((e) => {
    const notes = NOTES[e.name];
    return `| \`${e.name}\` | ${cell(e.description)} | ${cell(shapeCell(notes.shape))} | [sample](${EVENTS_DOC_URL}#${anchor(`\`${e.name}\``)}) |`;
  });
  const objectRows = Object.entries(INPUT_OBJECTS).flatMap(([object, fields]) =>
    fields.map(([name, type, required], i) => `| ${i === 0 ? object : ''} | \`${name}\` | ${cell(type)} | ${required ? 'required' : 'optional'} |`),
  );
  return [
    README_EVENTS_START,
    '',
    '| event | emit it when | what to emit (`?`: optional) | payload |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'The objects, as the built-in mappers read them (camelCase; a missing optional field is sent as `null`;',
    'extra fields are ignored, so your entities fit as they are):',
    '',
    '| object | field | type | |',
    '| --- | --- | --- | --- |',
    ...objectRows,
    '',
    README_EVENTS_END,
  ].join('\n');
}
