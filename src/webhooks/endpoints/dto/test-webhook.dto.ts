import { IsIn, IsOptional } from 'class-validator';
import { WEBHOOK_EVENT_NAMES } from '../../events/webhook-event.js';
import type { WebhookEventName } from '../../events/webhook-event.js';

/** Body of `POST /:id/test`. */
export class TestWebhookDto {
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_NAMES, { message: 'Invalid subscription event type: event must be one of the names of GET /events' })
  event?: WebhookEventName;
}
