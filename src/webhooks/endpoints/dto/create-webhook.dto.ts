import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_FORMATS } from '../webhook-endpoint.entity.js';
import type { WebhookFormat } from '../webhook-endpoint.entity.js';
import { IsWebhookEventList } from './webhook-events.validator.js';

// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const NO_SPACE_OR_CONTROL = /^[^\s\u0000-\u001f\u007f]*$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of `POST /`. */
export class CreateWebhookDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL, { message: 'name must not contain control characters' })
  name: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  @Matches(NO_SPACE_OR_CONTROL, { message: 'url must not contain spaces or control characters' })
  url: string;

  /** Signing secret; `null` or omitted for none. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(NO_SPACE_OR_CONTROL, { message: 'secret must not contain spaces or control characters' })
  secret?: string | null;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(32)
  @IsWebhookEventList()
  events: string[];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;
}
