import { IsOptional } from 'class-validator';
import type { WebhookFormat } from '../webhook-endpoint.entity.js';
import { EnabledField, EventsField, FormatField, NameField, RateLimitField, OptionalField, SecretField, UrlField } from './webhook-fields.js';

/**
 * Body of `PATCH /`: any field of the create body. A field left out stays as it
 * is; `null` is refused except for `secret`, where it removes the secret.
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
}
