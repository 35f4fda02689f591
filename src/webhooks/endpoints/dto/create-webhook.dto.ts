import { IsOptional } from 'class-validator';
import type { WebhookFormat, WebhookOrdering } from '../webhook-endpoint.entity.js';
import {
  AccountIdField,
  DescriptionField,
  EnabledField,
  EventsField,
  FormatField,
  InboxIdsField,
  NameField,
  OptionalField,
  OrderingField,
  RateLimitField,
  SecretField,
  SourceField,
  UrlField,
} from './webhook-fields.js';

/** Body of `POST /`. */
export class CreateWebhookDto {
  @NameField()
  name: string;

  @UrlField()
  url: string;

  /** Signing secret; `null` or omitted for none. */
  @IsOptional()
  @SecretField()
  secret?: string | null;

  @EventsField()
  events: string[];

  /** Default `true`. */
  @OptionalField()
  @EnabledField()
  enabled?: boolean;

  /** Default `json`. */
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

  /** What it is for, up to 500 characters; `null` for none. Default `null`. */
  @DescriptionField()
  description?: string | null;

  /** Who made it, up to 40 characters: `admin` or an integration (`zapier`, `n8n`, ...). Fixed once created. Default `admin`. */
  @OptionalField()
  @SourceField()
  source?: string;

  /**
   * The account it belongs to; `null` for platform-wide. An account admin's webhooks go in
   * their own account whatever this says. Default `null`.
   */
  @AccountIdField()
  accountId?: string | null;

  /** The inboxes whose events it takes; empty for every inbox. Default `[]`. */
  @OptionalField()
  @InboxIdsField()
  inboxIds?: string[];
}
