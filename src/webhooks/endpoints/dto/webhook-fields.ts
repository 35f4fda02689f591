import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';
import { invalidStandardSecret } from '../../security/webhook-secret.generator.js';
import { WEBHOOK_DELIVERY_STATUSES } from '../../delivery-log/webhook-delivery.entity.js';
import { WEBHOOK_EVENT_NAMES } from '../../events/webhook-event.js';
import { WEBHOOK_FORMATS, WEBHOOK_ORDERINGS, WEBHOOK_SCOPE_ID_MAX_LENGTH } from '../webhook-endpoint.entity.js';
import { IsWebhookEventList } from './webhook-events.validator.js';

/**
 * The rules of each webhook field, shared by the create and the update body so
 * both refuse the same input with the same message (each names its field).
 */

// C0 and C1 controls, DEL and the Unicode line separators: nothing that can break a line or a log.
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
// eslint-disable-next-line no-control-regex
const NO_SPACE_OR_CONTROL = /^[^\s\u0000-\u001f\u007f-\u009f]*$/;
// Leading and trailing spaces (not tabs or line breaks: those are refused, not trimmed away).
// eslint-disable-next-line no-control-regex
const EDGE_SPACES = /^[^\S\u0000-\u001f\u2028\u2029]+|[^\S\u0000-\u001f\u2028\u2029]+$/g;

const trimSpaces = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(EDGE_SPACES, '') : value);

/** The field may be left out; `null` is validated like any value (and so refused where a value is needed). */
export const OptionalField = () => ValidateIf((_object, value) => value !== undefined);

export const NAME_MAX_LENGTH = 200;
export const URL_MAX_LENGTH = 2048;
export const SECRET_MAX_LENGTH = 256;
export const EVENTS_MAX = 32;

export const NameField = () =>
  applyDecorators(
    Transform(trimSpaces),
    IsString(),
    IsNotEmpty({ message: 'name must not be empty' }),
    MaxLength(NAME_MAX_LENGTH),
    Matches(NO_CONTROL, { message: 'name must not contain control characters or line breaks' }),
  );

export const UrlField = () =>
  applyDecorators(
    IsString(),
    IsNotEmpty({ message: 'url must not be empty' }),
    MaxLength(URL_MAX_LENGTH),
    Matches(NO_SPACE_OR_CONTROL, { message: 'url must not contain spaces, control characters or line breaks' }),
  );

export const SecretField = () =>
  applyDecorators(
    IsString(),
    IsNotEmpty({ message: 'secret must not be empty; send null for no secret' }),
    MaxLength(SECRET_MAX_LENGTH),
    Matches(NO_SPACE_OR_CONTROL, { message: 'secret must not contain spaces, control characters or line breaks' }),
    ValidateBy({
      name: 'isUsableWebhookSecret',
      validator: {
        validate: (value) => typeof value !== 'string' || invalidStandardSecret(value) === undefined,
        defaultMessage: (args) => (typeof args?.value === 'string' && invalidStandardSecret(args.value)) || 'secret is invalid',
      },
    }),
  );

export const EventsField = () =>
  applyDecorators(
    IsArray({ message: 'events must be an array of event names' }),
    ArrayNotEmpty({ message: 'events must name at least one event, or "*" for all' }),
    ArrayMaxSize(EVENTS_MAX, { message: `events must contain no more than ${EVENTS_MAX} entries` }),
    IsWebhookEventList(),
  );

export const EnabledField = () => IsBoolean({ message: 'enabled must be true or false' });

export const FormatField = () => IsIn(WEBHOOK_FORMATS, { message: `format must be one of ${WEBHOOK_FORMATS.join(', ')}` });

/** `none` (the default) or `conversation`: one conversation's deliveries go one at a time, in the order published. */
export const OrderingField = () =>
  IsIn(WEBHOOK_ORDERINGS, { message: `ordering must be one of ${WEBHOOK_ORDERINGS.join(', ')} (conversation: a conversation's events arrive one at a time, in order)` });

export const RATE_LIMIT_MIN = 0.1;
export const RATE_LIMIT_MAX = 1000;

/** Requests per second, fractional allowed; `null` (or left out) for no limit. */
export const RateLimitField = () =>
  applyDecorators(
    ValidateIf((_object, value) => value !== undefined && value !== null),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'rateLimit must be a number of requests per second, or null for no limit' }),
    Min(RATE_LIMIT_MIN, { message: `rateLimit must be at least ${RATE_LIMIT_MIN} requests per second (or null for no limit)` }),
    Max(RATE_LIMIT_MAX, { message: `rateLimit must be at most ${RATE_LIMIT_MAX} requests per second (or null for no limit)` }),
  );

export const DESCRIPTION_MAX_LENGTH = 500;
export const SOURCE_MAX_LENGTH = 40;
export const INBOXES_MAX = 100;

/** What the webhook is for; free text up to 500 characters (line breaks allowed), `null` for none. */
export const DescriptionField = () =>
  applyDecorators(
    ValidateIf((_object, value) => value !== undefined && value !== null),
    IsString({ message: 'description must be a string, or null for none' }),
    MaxLength(DESCRIPTION_MAX_LENGTH, { message: `description must be at most ${DESCRIPTION_MAX_LENGTH} characters` }),
    // eslint-disable-next-line no-control-regex
    Matches(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, { message: 'description must not contain control characters' }),
  );

/** Who made the webhook: `admin`, or an integration's name such as `zapier`. */
export const SourceField = () =>
  applyDecorators(
    Transform(trimSpaces),
    IsString({ message: 'source must be a string such as admin, zapier or n8n' }),
    IsNotEmpty({ message: 'source must not be empty' }),
    MaxLength(SOURCE_MAX_LENGTH, { message: `source must be at most ${SOURCE_MAX_LENGTH} characters` }),
    Matches(NO_CONTROL, { message: 'source must not contain control characters or line breaks' }),
  );

/** An account or inbox id: a non-empty string without spaces or control characters. */
const scopeIdRules = (field: string, each = false) => [
  IsString({ each, message: `${field} must be ${each ? 'an array of strings' : 'a string'}` }),
  IsNotEmpty({ each, message: `${field} must not ${each ? 'contain empty strings' : 'be empty'}` }),
  MaxLength(WEBHOOK_SCOPE_ID_MAX_LENGTH, { each, message: `${field} must ${each ? 'hold ids of' : 'be'} at most ${WEBHOOK_SCOPE_ID_MAX_LENGTH} characters` }),
  Matches(NO_SPACE_OR_CONTROL, { each, message: `${field} must not contain spaces, control characters or line breaks` }),
];

/** A webhook's account on create: a string, or `null` (or left out) for a platform-wide webhook. */
export const AccountIdField = () =>
  applyDecorators(ValidateIf((_object, value) => value !== undefined && value !== null), ...scopeIdRules('accountId'));

/** The `?accountId=` filter of the list. */
export const AccountIdFilter = () => applyDecorators(IsOptional(), ...scopeIdRules('accountId'));

/** The inboxes a webhook takes events of; empty for every inbox. */
export const InboxIdsField = () =>
  applyDecorators(
    IsArray({ message: 'inboxIds must be an array of inbox ids, empty for every inbox' }),
    ArrayMaxSize(INBOXES_MAX, { message: `inboxIds must contain no more than ${INBOXES_MAX} entries` }),
    ...scopeIdRules('inboxIds', true),
  );

/**
 * A field set on create that a PATCH may not change: present at all, it is refused with a
 * message naming it (`source` would silently break the integration that made the webhook).
 */
export const FixedAfterCreate = (field: 'source' | 'accountId', why: string) =>
  ValidateBy({
    name: 'isFixedAfterCreate',
    validator: { validate: (value) => value === undefined, defaultMessage: () => `${field} is set when the webhook is created and cannot be changed: ${why}` },
  });

/** A delivery-log filter on `status`, as the list query and the replay body take it. */
export const DeliveryStatusFilter = () =>
  applyDecorators(IsOptional(), IsIn(WEBHOOK_DELIVERY_STATUSES, { message: `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` }));

/** A delivery-log filter on `event`, as the list query and the replay body take it. */
export const DeliveryEventFilter = () => applyDecorators(IsOptional(), IsIn(WEBHOOK_EVENT_NAMES, { message: 'event must be one of the names of GET /events' }));

/**
 * A delivery-log bound on the time of creation (`since`, `until`), as the list query and the
 * replay body take it: an ISO 8601 time, refused with a message naming the field.
 */
export const DeliveryTimeFilter = (field: 'since' | 'until', required = false) => {
  const message = `${field} must be an ISO 8601 date-time, e.g. ${field === 'since' ? '2025-01-15T10:00:00Z' : '2025-01-15T11:00:00Z'}`;
  return applyDecorators(
    ...(required ? [IsNotEmpty({ message })] : [IsOptional()]),
    IsString({ message }),
    IsISO8601({ strict: true }, { message }),
    // ISO 8601 forms JavaScript cannot read (week dates, ordinal dates, the basic format) would reach the database as an invalid date.
    ValidateBy({ name: 'isReadableTime', validator: { validate: (value) => !Number.isNaN(new Date(String(value)).getTime()), defaultMessage: () => message } }),
  );
};

/** `until` before `since`: the message of the 400, for the list and the replay alike. */
export const UNTIL_BEFORE_SINCE = 'until must not be before since';
