import { MESSAGE_AUTHOR_TYPES } from './payload-fields.js';
import { WEBHOOK_EVENT_DESCRIPTIONS } from './webhook-event.catalog.js';
import { WEBHOOK_EVENT_NAMES, WebhookEvent } from './webhook-event.js';
import type { WebhookEventName } from './webhook-event.js';

/**
 * A JSON Schema (draft 2020-12) as a plain object. The module only publishes
 * schemas; validating with them is the receiver's (or a test's) business, so
 * the runtime carries no validator.
 */
export type WebhookEventSchema = { readonly [keyword: string]: unknown };

export const WEBHOOK_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

interface Field {
  description: string;
  [keyword: string]: unknown;
}
type Fields = Record<string, Field>;

const id = (description: string): Field => ({ type: ['integer', 'string'], description });
const nullableId = (description: string): Field => ({ type: ['integer', 'string', 'null'], description });
const text = (description: string): Field => ({ type: 'string', description });
const nullableText = (description: string): Field => ({ type: ['string', 'null'], description });
const time = (description: string): Field => ({ type: 'string', format: 'date-time', description });
const nullableTime = (description: string): Field => ({ type: ['string', 'null'], format: 'date-time', description });

/** An object with exactly these keys, all of them present (a value the host left out is `null`). */
function exactly(fields: Fields, description?: string): Field {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    additionalProperties: false,
    required: Object.keys(fields),
    properties: fields,
  } as Field;
}

const ID_NOTE = 'of the type the host gave it (a number stays a number)';

const conversationFields = {
  conversation_id: id(`The conversation's id, ${ID_NOTE}.`),
  visitor_name: nullableText("The visitor's name."),
  visitor_email: nullableText("The visitor's email address; null when not given."),
  visitor_phone: nullableText("The visitor's phone number; null when not given."),
  visitor_ip: nullableText("The visitor's IP address; null when unknown."),
  current_url: nullableText('The page the visitor was on when the conversation started; null when unknown.'),
  status: nullableText("The conversation's status now (open, pending, resolved, ...)."),
  created_at: nullableTime('When the conversation started.'),
} satisfies Fields;

const { created_at: _conversationCreatedAt, ...conversationFieldsWithoutTime } = conversationFields;

const messageOwnFields = {
  message_id: id(`The message's id, ${ID_NOTE}.`),
  content: nullableText("The message's text."),
  is_from_admin: { type: 'boolean', description: 'true when an agent (or the bot, or a trigger) wrote it; false for the visitor.' },
  admin_name: nullableText("The agent's name on an agent's message; null otherwise."),
} satisfies Fields;

const authorTypeField: Field = {
  type: 'string',
  enum: [...MESSAGE_AUTHOR_TYPES],
  description: 'Who wrote it: visitor, agent, ai (the AI bot) or trigger (an automatic message).',
};

/** A message in a transcript. */
const transcriptMessage = exactly({
  ...messageOwnFields,
  author_type: authorTypeField,
  created_at: nullableTime('When the message was sent.'),
});

/** A message with its conversation: the message's fields, the conversation's, then the message's time. */
const messageWithConversation = (withAuthor: boolean): Fields => ({
  ...messageOwnFields,
  ...(withAuthor ? { author_type: authorTypeField } : {}),
  ...conversationFieldsWithoutTime,
  status: nullableText("The conversation's status (open, pending, resolved, ...)."),
  created_at: nullableTime('When the message was sent (the message\'s time, not the conversation\'s).'),
});

const contactFields = {
  contact_id: id(`The contact's id, ${ID_NOTE}.`),
  name: nullableText("The contact's name."),
  email: nullableText("The contact's email address; null when not known."),
  phone: nullableText("The contact's phone number; null when not known."),
  notes: nullableText("The agents' notes on the contact; null when none."),
  created_at: nullableTime('When the contact was created.'),
} satisfies Fields;

/** The `data` of each event. */
const DATA: Record<WebhookEventName, Fields> = {
  [WebhookEvent.ConversationStarted]: conversationFields,
  [WebhookEvent.ConversationAssigned]: {
    ...conversationFields,
    assignee_id: nullableId(`The id of the agent who now has the conversation, ${ID_NOTE}; null when the host gave only a name.`),
    assignee_name: nullableText('The name of the agent who now has the conversation.'),
    previous_assignee_id: nullableId('The id of who had it before; null when nobody did or the host gave only a name.'),
    previous_assignee_name: nullableText('The name of who had it before (an agent, or the bot on a takeover); null when nobody did.'),
  },
  [WebhookEvent.ConversationStatusChanged]: {
    ...conversationFields,
    status: nullableText('The new status.'),
    previous_status: nullableText('The status before the change; null when unknown.'),
  },
  [WebhookEvent.ConversationResolved]: {
    ...conversationFields,
    resolved_at: time('When the conversation was closed.'),
    messages: { type: 'array', items: transcriptMessage, description: 'The full transcript, oldest message first.' },
    tags: { type: 'array', items: { type: 'string' }, description: "The conversation's tags (labels)." },
  },
  [WebhookEvent.ConversationRated]: {
    ...conversationFields,
    rating: { type: 'number', minimum: 1, maximum: 5, description: "The visitor's rating, 1 (worst) to 5 (best)." },
    comment: nullableText("The visitor's comment; null when none."),
  },
  [WebhookEvent.MessageReceived]: messageWithConversation(false),
  [WebhookEvent.MessageSent]: messageWithConversation(true),
  [WebhookEvent.MessageUpdated]: {
    ...messageWithConversation(true),
    content: nullableText("The message's text after the edit."),
    updated_at: time('When the message was edited.'),
  },
  [WebhookEvent.ContactCreated]: contactFields,
  [WebhookEvent.ContactUpdated]: contactFields,
  [WebhookEvent.ContactBanned]: contactFields,
  [WebhookEvent.ContactUnbanned]: contactFields,
  [WebhookEvent.OfflineMessageCreated]: {
    offline_message_id: id(`The offline message's id, ${ID_NOTE}.`),
    name: nullableText('The name the visitor gave.'),
    email: nullableText('The email address the visitor gave.'),
    message: nullableText("The visitor's message."),
    created_at: nullableTime('When the form was sent.'),
  },
  [WebhookEvent.TagAdded]: { ...conversationFields, tag: text('The tag that was put on.') },
  [WebhookEvent.TakeoverRequested]: conversationFields,
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function payloadSchema(event: WebhookEventName): WebhookEventSchema {
  // Spread into fresh objects so that events sharing field definitions share no schema nodes.
  const data = JSON.parse(JSON.stringify(exactly(DATA[event], 'What happened; the keys are always all present.')));
  return deepFreeze({
    $schema: WEBHOOK_SCHEMA_DIALECT,
    title: event,
    description: WEBHOOK_EVENT_DESCRIPTIONS[event],
    type: 'object',
    additionalProperties: false,
    required: ['event', 'timestamp', 'data'],
    properties: {
      event: { const: event, description: 'The event name.' },
      timestamp: time('When the event was recorded for sending.'),
      data,
    },
  });
}

/**
 * The JSON Schema of each event's payload `{ event, timestamp, data }` as the
 * built-in mappers make it. Also in each `GET /events` entry and in
 * `docs/events/<event>.json`. A host's own `payloadMappers` may send other shapes.
 */
export const webhookEventSchemas: Readonly<Record<WebhookEventName, WebhookEventSchema>> = Object.freeze(
  Object.fromEntries(WEBHOOK_EVENT_NAMES.map((event) => [event, payloadSchema(event)])) as Record<
    WebhookEventName,
    WebhookEventSchema
  >,
);
