import { IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import type { WebhookDeliveryStatus } from '../../delivery-log/webhook-delivery.entity.js';
import { DeliveryEventFilter, DeliveryStatusFilter } from './webhook-fields.js';

/** Body of `POST /:id/deliveries/replay`: which deliveries of the webhook go again. */
export class ReplayDeliveriesDto {
  /** Created at or after this ISO 8601 time. Required. */
  @IsString({ message: 'since must be an ISO 8601 date-time, e.g. 2025-01-15T10:00:00Z' })
  @IsNotEmpty({ message: 'since must be an ISO 8601 date-time, e.g. 2025-01-15T10:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time, e.g. 2025-01-15T10:00:00Z' })
  since: string;

  /** Created before this ISO 8601 time; default now. */
  @IsOptional()
  @IsString({ message: 'until must be an ISO 8601 date-time, e.g. 2025-01-15T11:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time, e.g. 2025-01-15T11:00:00Z' })
  until?: string;

  @DeliveryStatusFilter()
  status?: WebhookDeliveryStatus;

  @DeliveryEventFilter()
  event?: string;
}
