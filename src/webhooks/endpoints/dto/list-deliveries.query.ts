import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { WebhookDeliveryStatus } from '../../delivery-log/webhook-delivery.entity.js';
import { DeliveryEventFilter, DeliveryStatusFilter, DeliveryTimeFilter } from './webhook-fields.js';

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

  /** Created at or after this ISO 8601 time. */
  @DeliveryTimeFilter('since')
  since?: string;

  /** Created before this ISO 8601 time. */
  @DeliveryTimeFilter('until')
  until?: string;

  /** A delivery id, as pasted: only that delivery (none when it is not this webhook's). Blank: no filter. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() || undefined : value))
  @IsOptional()
  @IsString({ message: 'q must be a delivery id' })
  @MaxLength(200, { message: 'q must be a delivery id' })
  q?: string;
}
