import type { Type } from '@nestjs/common';
import { WEBHOOK_DELIVERY_STATUSES } from '../../delivery-log/webhook-delivery.entity.js';
import { CreateWebhookDto } from '../../endpoints/dto/create-webhook.dto.js';
import { ListDeliveriesQuery } from '../../endpoints/dto/list-deliveries.query.js';
import { ListWebhooksQuery } from '../../endpoints/dto/list-webhooks.query.js';
import { ReplayDeliveriesDto } from '../../endpoints/dto/replay-deliveries.dto.js';
import { TestWebhookDto } from '../../endpoints/dto/test-webhook.dto.js';
import { UpdateWebhookDto } from '../../endpoints/dto/update-webhook.dto.js';
import { WebhookStatsQuery } from '../../endpoints/dto/webhook-stats.query.js';
import {
  DESCRIPTION_MAX_LENGTH,
  EVENTS_MAX,
  INBOXES_MAX,
  NAME_MAX_LENGTH,
  RATE_LIMIT_MAX,
  RATE_LIMIT_MIN,
  SECRET_MAX_LENGTH,
  SOURCE_MAX_LENGTH,
  URL_MAX_LENGTH,
} from '../../endpoints/dto/webhook-fields.js';
import { WEBHOOK_FORMATS, WEBHOOK_ORDERINGS, WEBHOOK_SCOPE_ID_MAX_LENGTH } from '../../endpoints/webhook-endpoint.entity.js';
import { ALL_EVENTS, WEBHOOK_EVENT_NAMES } from '../../events/webhook-event.js';
import type { WebhooksAdminController } from '../webhooks-admin.controller.js';
import {
  WebhookDeliveryAttemptModel,
  WebhookDeliveryDetailModel,
  WebhookDeliveryPageModel,
  WebhookDeliverySummaryModel,
  WebhookErrorModel,
  WebhookEventModel,
  WebhookHealthStatsModel,
  WebhookHealthSummaryModel,
  WebhookHourStatsModel,
  WebhookListItemModel,
  WebhookRedeliveryModel,
  WebhookReplayModel,
  WebhooksOverviewStatsModel,
  WebhookScopeModel,
  WebhookSecretModel,
  WebhookTestResultModel,
  WebhookViewModel,
} from './webhooks-openapi.models.js';

/**
 * The OpenAPI description of the admin API, as plain data: nothing here loads
 * `@nestjs/swagger`, which is optional. `webhooks-openapi.apply.ts` turns it into
 * swagger decorators when the package is installed. A new field is one entry in
 * its class's table; a new route one entry in WEBHOOKS_ROUTE_DOCS (a test fails
 * while a route of the controller has none).
 */

/** The options of swagger's `@ApiProperty()` that are used here. */
export interface PropertyDoc {
  description: string;
  example?: unknown;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | (() => Type<unknown>);
  isArray?: boolean;
  required?: boolean;
  nullable?: boolean;
  enum?: readonly unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  additionalProperties?: boolean | Record<string, unknown>;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  /** The success status and what comes with it (none for 204). */
  status: number;
  answer?: Type<unknown>;
  isArray?: boolean;
  /** Other success statuses, with when (their answer is `answer` too). */
  alsoStatus?: Record<number, string>;
  /** Error statuses this route can answer, with when. */
  errors: Record<number, string>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

const ID = { type: 'string', format: 'uuid', example: '3f0c9a52-6a55-4c1b-9a57-1f1c1d9b3f10' } as const;
const TIME = { type: 'string', format: 'date-time', example: '2025-01-15T10:31:00.000Z' } as const;
const EVENT_LIST_EXAMPLE = ['conversation.started', 'message.received'];

const webhookFields = (partial: boolean): Record<string, PropertyDoc> => ({
  name: { type: 'string', description: 'What the admin calls this endpoint.', example: 'CRM', maxLength: NAME_MAX_LENGTH, required: !partial },
  url: {
    type: 'string',
    format: 'uri',
    description: 'Where deliveries are POSTed; HTTPS unless `requireHttps` is off, and not on a private network unless allowed.',
    example: 'https://crm.example.com/hooks/chat',
    maxLength: URL_MAX_LENGTH,
    required: !partial,
  },
  secret: {
    type: 'string',
    nullable: true,
    required: false,
    description: 'Signing secret (any string, or a Standard Webhooks `whsec_` secret); `null` for none.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    maxLength: SECRET_MAX_LENGTH,
  },
  events: {
    type: 'string',
    isArray: true,
    enum: [...WEBHOOK_EVENT_NAMES, ALL_EVENTS],
    description: `Subscribed events (names of GET /events), or "${ALL_EVENTS}" for all.`,
    example: EVENT_LIST_EXAMPLE,
    maxItems: EVENTS_MAX,
    required: !partial,
  },
  enabled: { type: 'boolean', required: false, description: 'Whether deliveries are made. Default `true`.', example: true },
  format: { type: 'string', enum: WEBHOOK_FORMATS, required: false, description: 'Body format. Default `json`.', example: 'json' },
  rateLimit: {
    type: 'number',
    nullable: true,
    minimum: RATE_LIMIT_MIN,
    maximum: RATE_LIMIT_MAX,
    required: false,
    description: "Most requests per second to this endpoint; null for no limit (Slack's incoming webhooks take about 1). Default null.",
    example: 1,
  },
  ordering: {
    type: 'string',
    enum: WEBHOOK_ORDERINGS,
    required: false,
    description:
      '`conversation`: the events of one conversation (of one contact for `contact.*`) arrive one at a time, in the order published; ' +
      'the next starts once the one before has ended (2xx, or failed after its last retry). Different conversations go in parallel; ' +
      '`offline_message.created`, redeliveries and replays are outside the order. Turning it off sends every waiting delivery at once. Default `none`.',
    example: 'conversation',
  },
  description: {
    type: 'string',
    nullable: true,
    required: false,
    maxLength: DESCRIPTION_MAX_LENGTH,
    description: partial ? 'What it is for; null removes it.' : 'What it is for. Default null.',
    example: 'Leads to the CRM',
  },
  inboxIds: {
    type: 'string',
    isArray: true,
    required: false,
    maxItems: INBOXES_MAX,
    description: partial ? 'The inboxes whose events it takes; empty for every inbox.' : 'The inboxes whose events it takes; empty for every inbox. Default [].',
    example: ['inbox-1'],
  },
  ...(partial
    ? {}
    : {
        source: {
          type: 'string',
          required: false,
          maxLength: SOURCE_MAX_LENGTH,
          description: 'Who makes it: `admin`, or an integration such as `zapier`, `n8n`, `make`, `pabbly`. Fixed once created. Default `admin`.',
          example: 'zapier',
        },
        accountId: {
          type: 'string',
          nullable: true,
          required: false,
          maxLength: WEBHOOK_SCOPE_ID_MAX_LENGTH,
          description: "Its account; null for platform-wide. An account admin's webhooks go in their own account whatever this says. Default null.",
          example: 'acct-1',
        },
      }),
});

/** The fields of a delivery in the log; one delivery's detail adds to them. */
const DELIVERY_SUMMARY_FIELDS: Record<string, PropertyDoc> = {
  id: { ...ID, description: 'The delivery id, sent as `X-Webhook-Id` and `webhook-id`.' },
  event: { type: 'string', description: 'The event.', example: 'message.received' },
  status: { type: 'string', enum: WEBHOOK_DELIVERY_STATUSES, description: 'Where it stands.', example: 'success' },
  statusCode: { type: 'integer', nullable: true, description: "The last attempt's HTTP status.", example: 200 },
  attempts: { type: 'integer', description: 'Attempts made.', example: 1 },
  durationMs: { type: 'integer', nullable: true, description: "The last attempt's duration.", example: 84 },
  error: { type: 'string', nullable: true, description: "The last attempt's error.", example: null },
  isTest: { type: 'boolean', description: 'Sent by POST /{id}/test.', example: false },
  createdAt: { ...TIME, description: 'When the event was recorded.' },
  nextAttemptAt: { ...TIME, nullable: true, description: 'When the next attempt is due; null once ended.', example: null },
};

/** The request DTOs and answer models, each with its properties. */
const MODEL_DOCS: Array<[Type<unknown>, Record<string, PropertyDoc>]> = [
  [CreateWebhookDto, webhookFields(false)],
  [UpdateWebhookDto, webhookFields(true)],
  [
    TestWebhookDto,
    {
      event: {
        type: 'string',
        enum: WEBHOOK_EVENT_NAMES,
        required: false,
        description: "The event whose sample is sent. Default: the webhook's first subscribed event.",
        example: 'message.received',
      },
    },
  ],
  [
    ListWebhooksQuery,
    {
      accountId: {
        type: 'string',
        required: false,
        maxLength: WEBHOOK_SCOPE_ID_MAX_LENGTH,
        description: "Only this account's webhooks (a platform admin's filter; an account admin only ever sees their own).",
        example: 'acct-1',
      },
    },
  ],
  [
    ListDeliveriesQuery,
    {
      status: { type: 'string', enum: WEBHOOK_DELIVERY_STATUSES, required: false, description: 'Only deliveries in this status.', example: 'failed' },
      event: { type: 'string', enum: WEBHOOK_EVENT_NAMES, required: false, description: 'Only deliveries of this event.', example: 'message.received' },
      limit: { type: 'integer', minimum: 1, maximum: 200, required: false, description: 'Page size. Default 50.', example: 50 },
      before: { type: 'string', required: false, description: 'The `nextCursor` of the previous page.', example: 'MjAyNS0wMS0xNVQxMDozMTowMC4wMDBafDNmMGM5YTUy' },
      since: { ...TIME, required: false, description: 'Only deliveries created at or after this ISO 8601 time.', example: '2025-01-15T10:00:00.000Z' },
      until: {
        ...TIME,
        required: false,
        description: 'Only deliveries created before this ISO 8601 time; not before `since`.',
        example: '2025-01-15T11:00:00.000Z',
      },
      q: {
        type: 'string',
        required: false,
        maxLength: 200,
        description: 'A delivery id: only that delivery (an empty page when it is not one of this webhook). Spaces around it are ignored.',
        example: '3f0c9a52-6a55-4c1b-9a57-1f1c1d9b3f10',
      },
    },
  ],
  [
    ReplayDeliveriesDto,
    {
      since: { ...TIME, required: true, description: 'Deliveries created at or after this time.' },
      until: { ...TIME, required: false, description: 'Deliveries created before this time. Default now.', example: '2025-01-15T11:00:00.000Z' },
      status: { type: 'string', enum: WEBHOOK_DELIVERY_STATUSES, required: false, description: 'Only deliveries in this status.', example: 'failed' },
      event: { type: 'string', enum: WEBHOOK_EVENT_NAMES, required: false, description: 'Only deliveries of this event.', example: 'message.received' },
      dryRun: {
        type: 'boolean',
        required: false,
        description: 'Only count the deliveries this call would send (at most 10,000), answering 200; nothing is sent. Default false.',
        example: false,
      },
    },
  ],
  [
    WebhookStatsQuery,
    { hours: { type: 'integer', minimum: 1, maximum: 720, required: false, description: 'The window in hours. Default 24.', example: 24 } },
  ],
  [
    WebhooksOverviewStatsModel,
    {
      pending: { type: 'integer', description: 'Deliveries waiting for their first attempt.', example: 3 },
      retrying: { type: 'integer', description: 'Deliveries waiting for a retry.', example: 1 },
      failedLast24h: { type: 'integer', description: 'Deliveries of the last 24 h that failed their last retry.', example: 0 },
      oldestDueAgeMs: { type: 'integer', description: 'How late the most overdue waiting delivery is; 0 when none is.', example: 0 },
      pausedWebhooks: { type: 'integer', description: 'Webhooks the breaker paused.', example: 0 },
      disabledWebhooks: { type: 'integer', description: 'Disabled webhooks.', example: 1 },
    },
  ],
  [
    WebhookHourStatsModel,
    {
      hour: { ...TIME, description: 'The start of the clock hour (UTC).', example: '2025-01-15T10:00:00.000Z' },
      success: { type: 'integer', description: 'Deliveries of that hour that succeeded.', example: 42 },
      failed: { type: 'integer', description: 'Deliveries of that hour that failed.', example: 1 },
    },
  ],
  [
    WebhookHealthStatsModel,
    {
      hours: { type: 'integer', description: 'The window in hours.', example: 24 },
      total: { type: 'integer', description: 'Deliveries created in the window, whatever their status.', example: 120 },
      success: { type: 'integer', description: 'Of those, succeeded.', example: 117 },
      failed: { type: 'integer', description: 'Of those, failed their last retry.', example: 2 },
      successRate: { type: 'number', nullable: true, description: 'success / (success + failed); null when none has ended.', example: 0.983 },
      p50Ms: { type: 'integer', nullable: true, description: "Median of the last attempt's duration.", example: 84 },
      p95Ms: { type: 'integer', nullable: true, description: "95th percentile of the last attempt's duration.", example: 310 },
      lastDeliveryAt: { ...TIME, nullable: true, description: 'When the newest delivery was created.' },
      lastStatus: { type: 'string', enum: WEBHOOK_DELIVERY_STATUSES, nullable: true, description: 'Its status.', example: 'success' },
      perHour: { type: () => WebhookHourStatsModel, isArray: true, description: 'One entry per clock hour, oldest first.' },
    },
  ],
  [
    WebhookReplayModel,
    { count: { type: 'integer', description: 'How many deliveries were queued again (with `dryRun`: would be).', example: 12 } },
  ],
  [
    WebhookViewModel,
    {
      id: { ...ID, description: 'The webhook id.' },
      name: { type: 'string', description: 'What the admin calls it.', example: 'CRM' },
      url: { type: 'string', format: 'uri', description: 'Where deliveries go.', example: 'https://crm.example.com/hooks/chat' },
      events: { type: 'string', isArray: true, description: 'Subscribed events, or `*`.', example: EVENT_LIST_EXAMPLE },
      enabled: { type: 'boolean', description: 'Whether deliveries are made.', example: true },
      format: { type: 'string', enum: WEBHOOK_FORMATS, description: 'Body format.', example: 'json' },
      hasSecret: { type: 'boolean', description: 'Whether deliveries are signed; the secret itself comes from GET /{id}/secret.', example: true },
      createdAt: { ...TIME, description: 'When it was created.' },
      updatedAt: { ...TIME, description: 'When it last changed.' },
      consecutiveFailures: { type: 'integer', description: 'Deliveries in a row that failed their last retry.', example: 0 },
      disabledAt: { ...TIME, nullable: true, description: 'When the module or an admin disabled it; null while enabled.', example: null },
      disabledReason: { type: 'string', nullable: true, description: 'Why it was disabled.', example: null },
      rateLimit: { type: 'number', nullable: true, description: 'Most requests per second to it; null for no limit.', example: null },
      ordering: { type: 'string', enum: WEBHOOK_ORDERINGS, description: '`conversation`: one conversation\'s events arrive one at a time, in order; `none`: no order.', example: 'none' },
      description: { type: 'string', nullable: true, description: 'What it is for.', example: 'Leads to the CRM' },
      source: { type: 'string', description: 'Who made it: `admin` or an integration (`zapier`, ...); fixed once created.', example: 'admin' },
      accountId: { type: 'string', nullable: true, description: 'Its account; null for a platform-wide webhook.', example: 'acct-1' },
      inboxIds: { type: 'string', isArray: true, description: 'The inboxes whose events it takes; empty for every inbox.', example: [] },
      pausedUntil: {
        ...TIME,
        nullable: true,
        description: "When the breaker's next probe may go, after failures in a row; null while not paused.",
        example: null,
      },
    },
  ],
  [
    WebhookHealthSummaryModel,
    {
      total: { type: 'integer', description: 'Deliveries created in the last 24 clock hours (test deliveries left out), whatever their status.', example: 120 },
      successRate: { type: 'number', nullable: true, description: 'success / (success + failed) of those; null when none has ended.', example: 0.983 },
      p95Ms: { type: 'integer', nullable: true, description: "95th percentile of the last attempt's duration of those that ended.", example: 310 },
      lastDeliveryAt: { ...TIME, nullable: true, description: 'When the newest delivery was created, however long ago.' },
      lastStatus: { type: 'string', enum: WEBHOOK_DELIVERY_STATUSES, nullable: true, description: 'Its status.', example: 'success' },
    },
  ],
  [
    WebhookEventModel,
    {
      name: { type: 'string', enum: WEBHOOK_EVENT_NAMES, description: 'The event name.', example: 'conversation.started' },
      description: { type: 'string', description: 'When the host emits it.', example: 'A visitor starts a conversation.' },
      samplePayload: {
        type: 'object',
        description: 'A sample body as an endpoint receives it.',
        example: { event: 'conversation.started', timestamp: '2025-01-15T10:30:00.000Z', data: { conversation_id: 17, visitor_name: 'Ada Lovelace' } },
      },
      schema: { type: 'object', description: 'JSON Schema (draft 2020-12) of the payload.', example: { type: 'object' } },
    },
  ],
  [
    WebhookScopeModel,
    {
      accountId: { type: 'string', nullable: true, description: "The account every route acts in for this caller; null for every account (a platform admin, or an install without accounts).", example: 'acct-1' },
      platform: { type: 'boolean', description: 'The caller sees every account and may filter the list with `?accountId=`.', example: false },
      multiAccount: { type: 'boolean', description: 'The install has accounts (the `adminScope` option is set); false for a single tenant.', example: true },
    },
  ],
  [WebhookSecretModel, { secret: { type: 'string', nullable: true, description: 'The signing secret; null when it has none.', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }],
  [
    WebhookTestResultModel,
    {
      deliveryId: { ...ID, description: 'The test delivery, listed in the log with `isTest`.' },
      success: { type: 'boolean', description: 'Whether the endpoint answered 2xx in time.', example: true },
      statusCode: { type: 'integer', nullable: true, description: 'The HTTP status; null when no answer came.', example: 200 },
      durationMs: { type: 'integer', description: 'How long the attempt took.', example: 84 },
      responseBody: { type: 'string', nullable: true, description: 'The answer, cut at `maxResponseBodyBytes`.', example: 'ok' },
      error: { type: 'string', nullable: true, description: 'Why it failed.', example: null },
    },
  ],
  [
    WebhookDeliverySummaryModel,
    DELIVERY_SUMMARY_FIELDS
  ],
  [
    WebhookDeliveryPageModel,
    {
      items: { type: () => WebhookDeliverySummaryModel, isArray: true, description: 'Newest first.' },
      nextCursor: { type: 'string', nullable: true, description: 'Pass as `before` for the next page; null on the last.', example: null },
    },
  ],
  [
    WebhookDeliveryAttemptModel,
    {
      attempt: { type: 'integer', description: '1 for the first try.', example: 1 },
      at: { ...TIME, description: 'When it was made.' },
      statusCode: { type: 'integer', nullable: true, description: 'The HTTP status.', example: 200 },
      durationMs: { type: 'integer', description: 'How long it took.', example: 84 },
      error: { type: 'string', nullable: true, description: 'Why it failed.', example: null },
      requestHeaders: {
        type: 'object',
        nullable: true,
        additionalProperties: { type: 'string' },
        description: 'The headers this attempt was sent with (its `X-Webhook-Attempt`, time and signatures); null for attempts logged before they were kept.',
        example: { 'x-webhook-attempt': '1' },
      },
      responseHeaders: {
        type: 'object',
        nullable: true,
        additionalProperties: { type: 'string' },
        description: "The answer's headers, names in lower case; null when no answer came, or for attempts logged before they were kept.",
        example: { 'content-type': 'application/json' },
      },
      responseBody: {
        type: 'string',
        nullable: true,
        description: "The answer's body, cut at `maxResponseBodyBytes`; null when none came, or for attempts logged before they were kept.",
        example: '{"received":true}',
      },
    },
  ],
  [
    WebhookDeliveryDetailModel,
    {
      ...DELIVERY_SUMMARY_FIELDS,
      payload: { type: 'object', description: 'The body sent.', example: { event: 'message.received', timestamp: '2025-01-15T10:31:00.000Z', data: { message_id: 58211 } } },
      requestHeaders: {
        type: 'object',
        nullable: true,
        additionalProperties: { type: 'string' },
        description: "The last attempt's request headers.",
        example: { 'X-Webhook-Event': 'message.received', 'X-Webhook-Attempt': '1' },
      },
      responseBody: { type: 'string', nullable: true, description: "The last answer's body, cut at `maxResponseBodyBytes`.", example: 'ok' },
      attemptLog: { type: () => WebhookDeliveryAttemptModel, isArray: true, description: 'Every attempt, oldest first.' },
    },
  ],
  [
    WebhookRedeliveryModel,
    {
      deliveryId: { ...ID, description: 'The same delivery id: receivers de-duplicate on it.' },
      status: { type: 'string', enum: ['pending'], description: 'Queued to be sent again.', example: 'pending' },
    },
  ],
  [
    WebhookErrorModel,
    {
      statusCode: { type: 'integer', description: 'The HTTP status.', example: 400 },
      message: {
        type: 'string',
        description: 'What is wrong: on a 400 an array of strings, one per problem, each starting with the field it names; otherwise one string.',
        example: ['url must use HTTPS: Webhook URL must use HTTPS'],
      },
      error: { type: 'string', description: 'The status text.', example: 'Bad Request' },
    },
  ],
];

/** The models, and a webhook in the list: the webhook's fields and its health. */
export const WEBHOOKS_MODEL_DOCS: Array<[Type<unknown>, Record<string, PropertyDoc>]> = [
  ...MODEL_DOCS,
  [
    WebhookListItemModel,
    {
      ...MODEL_DOCS.find(([model]) => model === WebhookViewModel)![1],
      health: { type: () => WebhookHealthSummaryModel, description: 'Its health over the last 24 clock hours, as `GET /{id}/stats` counts it.' },
    },
  ],
];

const NOT_FOUND = "Unknown webhook id, or another account's webhook (`Webhook not found`).";
const BAD_BODY = 'A field is invalid; the message names it (`Webhook URL must use HTTPS`, `Invalid subscription event type`, `... private ...`).';

/** Every route of the admin controller, by method name. */
export const WEBHOOKS_ROUTE_DOCS: Record<Exclude<keyof WebhooksAdminController, 'webhooks'>, RouteDoc> = {
  list: {
    summary: 'List webhooks',
    description: "Each with its `health` over the last 24 hours; an account admin's own only.",
    status: 200,
    answer: WebhookListItemModel,
    isArray: true,
    errors: {},
  },
  create: { summary: 'Create a webhook', status: 201, answer: WebhookViewModel, errors: { 400: BAD_BODY } },
  events: {
    summary: 'The event catalog',
    description: 'Every event with a description, a sample payload and its JSON Schema.',
    status: 200,
    answer: WebhookEventModel,
    isArray: true,
    errors: {},
  },
  scope: {
    summary: 'Whose admin is calling',
    description: 'The account this caller acts in, as the `adminScope` option resolves it, so a client can name it even when the list is empty.',
    status: 200,
    answer: WebhookScopeModel,
    errors: {},
  },
  stats: { summary: 'The whole module at a glance', status: 200, answer: WebhooksOverviewStatsModel, errors: {} },
  webhookStats: {
    summary: "One webhook's health over the last hours",
    status: 200,
    answer: WebhookHealthStatsModel,
    errors: { 400: '`hours` is not an integer from 1 to 720.', 404: NOT_FOUND },
  },
  replay: {
    summary: 'Send again every delivery of a time range',
    description:
      'Same delivery ids, attempt numbers going on; oldest first, at most 10,000 a call. With `dryRun`, only counts them. ' +
      'For a webhook with `ordering: conversation`, deliveries that had ended go outside their conversation\'s order.',
    status: 202,
    alsoStatus: { 200: 'A dry run: how many would be sent; nothing was.' },
    answer: WebhookReplayModel,
    errors: { 400: 'A field is invalid (`since` is required; `until` not before it).', 404: NOT_FOUND },
  },
  get: { summary: 'One webhook', status: 200, answer: WebhookViewModel, errors: { 404: NOT_FOUND } },
  update: {
    summary: 'Change a webhook',
    description: 'Any field of the create body; a field left out stays. `{ "enabled": true }` re-enables it and resets `consecutiveFailures`.',
    status: 200,
    answer: WebhookViewModel,
    errors: { 400: BAD_BODY, 404: NOT_FOUND },
  },
  resume: {
    summary: "End a breaker pause now",
    description:
      'The deliveries the pause held go at once, as first attempts rather than one probe, and the count of failures in a row starts again. ' +
      'Emits `webhook.resumed` when the webhook was paused; a webhook that was not is answered as it is.',
    status: 200,
    answer: WebhookViewModel,
    errors: { 404: NOT_FOUND, 503: "The queue's Redis did not answer in time; try again." },
  },
  remove: { summary: 'Delete a webhook and its delivery log', status: 204, errors: { 404: NOT_FOUND } },
  secret: {
    summary: 'Reveal the signing secret',
    status: 200,
    answer: WebhookSecretModel,
    errors: { 404: NOT_FOUND },
    headers: { 'Cache-Control': 'no-store' },
  },
  rotateSecret: {
    summary: 'Rotate the signing secret',
    description: 'A new generated `whsec_` secret; the old one keeps signing alongside it for 24 h.',
    status: 200,
    answer: WebhookSecretModel,
    errors: { 404: NOT_FOUND },
    headers: { 'Cache-Control': 'no-store' },
  },
  test: {
    summary: 'Send a test delivery now and wait for its outcome',
    status: 200,
    answer: WebhookTestResultModel,
    errors: { 400: 'Unknown event name.', 404: NOT_FOUND },
  },
  deliveries: {
    summary: 'The delivery log of a webhook, newest first',
    description: 'Filtered by status, event, time of creation (`since` inclusive, `until` exclusive) and delivery id (`q`).',
    status: 200,
    answer: WebhookDeliveryPageModel,
    errors: { 400: 'A query parameter is invalid (the message names it), or `until` is before `since`.', 404: NOT_FOUND },
  },
  delivery: {
    summary: 'One delivery: payload, request headers, response body and every attempt',
    status: 200,
    answer: WebhookDeliveryDetailModel,
    errors: { 404: 'Unknown webhook or delivery id (`Delivery not found`).' },
  },
  redeliver: {
    summary: 'Send a delivery again, with the same id',
    description:
      'Attempt numbers go on; a delivery waiting for a retry is sent now instead. For a webhook with `ordering: conversation`, ' +
      'a delivery that had ended goes outside its conversation\'s order; one still waiting for its turn keeps it.',
    status: 202,
    answer: WebhookRedeliveryModel,
    errors: { 404: 'Unknown webhook or delivery id (`Delivery not found`).' },
  },
};
