import { IsOptional } from 'class-validator';
import type { WebhookFormat, WebhookOrdering } from '../webhook-endpoint.entity.js';
import {
  DescriptionField,
  EnabledField,
  EventsField,
  FixedAfterCreate,
  FormatField,
  InboxIdsField,
  NameField,
  OptionalField,
  OrderingField,
  RateLimitField,
  SecretField,
  UrlField,
} from './webhook-fields.js';

/**
 * Body of `PATCH /`: any field of the create body but `source` and `accountId`, which
 * are fixed once created. A field left out stays as it is; `null` is refused except
 * for `secret` and `description`, where it removes them.
 */
export class UpdateWebhookDto {
  @OptionalField()
  @NameField()
  name?: string;

  @OptionalField()
  @UrlField()
  url?: string;

  @IsOptional()
  @SecretField()
  secret?: string | null;

  @OptionalField()
  @EventsField()
  events?: string[];

  @OptionalField()
  @EnabledField()
  enabled?: boolean;

  @OptionalField()
  @FormatField()
  format?: WebhookFormat;

  /** Most requests per second to this webhook (0.1 to 1000); `null` for no limit. Default `null`. */
  @RateLimitField()
  rateLimit?: number | null;

  /**
   * `conversation`: the events of one conversation (of one contact for `contact.*`) go one at a
   * time, in the order published; different conversations in parallel. Default `none`.
   */
  @OptionalField()
  @OrderingField()
  ordering?: WebhookOrdering;

  /** `null` removes it. */
  @DescriptionField()
  description?: string | null;

  @OptionalField()
  @InboxIdsField()
  inboxIds?: string[];

  /** Refused: an integration relies on it. */
  @FixedAfterCreate('source', 'the integration that made this webhook relies on it; create a new webhook instead')
  source?: never;

  /** Refused: a webhook stays in its account. */
  @FixedAfterCreate('accountId', 'a webhook stays in its account; create one in the other account instead')
  accountId?: never;
}
