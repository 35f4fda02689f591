import { IsBoolean, IsOptional } from 'class-validator';
import type { WebhookDeliveryStatus } from '../../delivery-log/webhook-delivery.entity.js';
import { DeliveryEventFilter, DeliveryStatusFilter, DeliveryTimeFilter } from './webhook-fields.js';

/** Body of `POST /:id/deliveries/replay`: which deliveries of the webhook go again. */
export class ReplayDeliveriesDto {
  /** Created at or after this ISO 8601 time. Required. */
  @DeliveryTimeFilter('since', true)
  since: string;

  /** Created before this ISO 8601 time; default now. */
  @DeliveryTimeFilter('until')
  until?: string;

  @DeliveryStatusFilter()
  status?: WebhookDeliveryStatus;

  @DeliveryEventFilter()
  event?: string;

  /** Only count what would go again; nothing is sent. Default false. */
  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}
