import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { WebhookPublisher } from './webhook.publisher.js';
import { WebhookEvent } from './webhook-event.js';

/**
 * One method per chat event: each maps and records, nothing more. Errors are not
 * suppressed, so a failing mapper rejects the host's `emitAsync` instead of
 * losing the event silently.
 */
@Injectable()
export class WebhookEventListener {
  constructor(private readonly publisher: WebhookPublisher) {}

  @OnEvent(WebhookEvent.ConversationStarted, { suppressErrors: false })
  onConversationStarted(conversation: unknown) {
    return this.publisher.publish(WebhookEvent.ConversationStarted, conversation);
  }

  @OnEvent(WebhookEvent.ConversationAssigned, { suppressErrors: false })
  onConversationAssigned(event: unknown) {
    return this.publisher.publish(WebhookEvent.ConversationAssigned, event);
  }

  @OnEvent(WebhookEvent.ConversationStatusChanged, { suppressErrors: false })
  onConversationStatusChanged(event: unknown) {
    return this.publisher.publish(WebhookEvent.ConversationStatusChanged, event);
  }

  @OnEvent(WebhookEvent.ConversationResolved, { suppressErrors: false })
  onConversationResolved(event: unknown) {
    return this.publisher.publish(WebhookEvent.ConversationResolved, event);
  }

  @OnEvent(WebhookEvent.ConversationRated, { suppressErrors: false })
  onConversationRated(event: unknown) {
    return this.publisher.publish(WebhookEvent.ConversationRated, event);
  }

  @OnEvent(WebhookEvent.MessageReceived, { suppressErrors: false })
  onMessageReceived(event: unknown) {
    return this.publisher.publish(WebhookEvent.MessageReceived, event);
  }

  @OnEvent(WebhookEvent.MessageSent, { suppressErrors: false })
  onMessageSent(event: unknown) {
    return this.publisher.publish(WebhookEvent.MessageSent, event);
  }

  @OnEvent(WebhookEvent.MessageUpdated, { suppressErrors: false })
  onMessageUpdated(event: unknown) {
    return this.publisher.publish(WebhookEvent.MessageUpdated, event);
  }

  @OnEvent(WebhookEvent.ContactCreated, { suppressErrors: false })
  onContactCreated(contact: unknown) {
    return this.publisher.publish(WebhookEvent.ContactCreated, contact);
  }

  @OnEvent(WebhookEvent.ContactUpdated, { suppressErrors: false })
  onContactUpdated(contact: unknown) {
    return this.publisher.publish(WebhookEvent.ContactUpdated, contact);
  }

  @OnEvent(WebhookEvent.ContactBanned, { suppressErrors: false })
  onContactBanned(contact: unknown) {
    return this.publisher.publish(WebhookEvent.ContactBanned, contact);
  }

  @OnEvent(WebhookEvent.ContactUnbanned, { suppressErrors: false })
  onContactUnbanned(contact: unknown) {
    return this.publisher.publish(WebhookEvent.ContactUnbanned, contact);
  }

  @OnEvent(WebhookEvent.OfflineMessageCreated, { suppressErrors: false })
  onOfflineMessageCreated(message: unknown) {
    return this.publisher.publish(WebhookEvent.OfflineMessageCreated, message);
  }

  @OnEvent(WebhookEvent.TagAdded, { suppressErrors: false })
  onTagAdded(event: unknown) {
    return this.publisher.publish(WebhookEvent.TagAdded, event);
  }

  @OnEvent(WebhookEvent.TakeoverRequested, { suppressErrors: false })
  onTakeoverRequested(event: unknown) {
    return this.publisher.publish(WebhookEvent.TakeoverRequested, event);
  }
}
