import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { WebhookDeliveryStatus } from '../../delivery-log/webhook-delivery.entity.js';
import { DeliveryEventFilter, DeliveryStatusFilter } from './webhook-fields.js';

/** Query of `GET /:id/deliveries`. */
export class ListDeliveriesQuery {
  @DeliveryStatusFilter()
  status?: WebhookDeliveryStatus;

  @DeliveryEventFilter()
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
