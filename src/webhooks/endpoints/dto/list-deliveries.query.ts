import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_DELIVERY_STATUSES } from '../../delivery/webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from '../../delivery/webhook-delivery.entity.js';
import { WEBHOOK_EVENT_NAMES } from '../../events/webhook-event.js';

/** Query of `GET /:id/deliveries`. */
export class ListDeliveriesQuery {
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES, { message: `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` })
  status?: WebhookDeliveryStatus;

  @IsOptional()
  @IsIn(WEBHOOK_EVENT_NAMES, { message: 'event must be one of the names of GET /events' })
  event?: string;

  // applyDecorators keeps this order when validating (stopAtFirstError): "abc" is "not an integer", not "greater than 200".
  @IsOptional()
  @Type(() => Number)
  @applyDecorators(IsInt({ message: 'limit must be an integer' }), Min(1), Max(200))
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;
}
