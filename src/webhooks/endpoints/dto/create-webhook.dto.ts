import { IsOptional } from 'class-validator';
import type { WebhookFormat } from '../webhook-endpoint.entity.js';
import { EnabledField, EventsField, FormatField, NameField, RateLimitField, OptionalField, SecretField, UrlField } from './webhook-fields.js';

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
}
