import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_DELIVERY_STATUSES } from '../../delivery/webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from '../../delivery/webhook-delivery.entity.js';
import { WEBHOOK_EVENT_NAMES } from '../../events/webhook-event.js';

/** Query of `GET /:id/deliveries`. */
export class ListDeliveriesQuery {
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  @IsOptional()
  @IsIn(WEBHOOK_EVENT_NAMES)
  event?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;
}
