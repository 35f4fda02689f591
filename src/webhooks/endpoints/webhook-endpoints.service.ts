import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, MoreThan, MoreThanOrEqual } from 'typeorm';
import type { Repository } from 'typeorm';
import { WebhookGroupCommit } from '../engine/webhook-group-commit.js';
import { WebhookBlockedAddressError } from '../errors/webhook-blocked-address.error.js';
import { WebhookUrlError } from '../errors/webhook-url.error.js';
import { WebhookSecretBox } from '../security/webhook-secret.box.js';
import { WEBHOOK_SECRET_ROTATION_GRACE_MS, generateWebhookSecret } from '../security/webhook-secret.generator.js';
import { WebhookUrlPolicy } from '../security/webhook-url.policy.js';
import { WEBHOOK_DISABLED_EVENT, WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';
import type { CreateWebhookDto } from './dto/create-webhook.dto.js';
import type { UpdateWebhookDto } from './dto/update-webhook.dto.js';
import { WebhookEndpointCache } from './webhook-endpoint.cache.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { webhookRef } from './webhook.view.js';

/** Payload of the `webhook.disabled` Nest event. */
export interface WebhookDisabledEvent {
  webhook: { id: string; name: string; url: string };
  reason: string;
}

/** The secrets that sign an attempt: the current one, and a rotated-out one while it lasts. */
export interface WebhookSigningSecrets {
  secret: string | null;
  previousSecret: string | null;
}

/** Endpoints: CRUD with validation, subscriptions, secrets and health counters. */
@Injectable()
export class WebhookEndpointsService {
  private readonly successes = new WebhookGroupCommit<string, void>((ids) => this.resetStreaks(ids), 500);

  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly secrets: WebhookSecretBox,
    private readonly events: EventEmitter2,
    private readonly cache: WebhookEndpointCache,
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /** The webhooks, oldest first; with `accountId`, that account's only (read by `IDX_webhook_endpoints_account_created`). */
  list(accountId?: string): Promise<WebhookEndpoint[]> {
    return this.endpoints.find({ where: accountId === undefined ? {} : { accountId }, order: { createdAt: 'ASC' } });
  }

  /**
   * One webhook; with `accountId`, only when it belongs to that account. Any other
   * account's webhook is "not found", exactly like an id that does not exist.
   */
  async get(id: string, accountId?: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findOne({ where: accountId === undefined ? { id } : { id, accountId } });
    if (!endpoint) throw new NotFoundException('Webhook not found');
    return endpoint;
  }

  /** Creates a webhook; `accountId`, when given (an account admin's), wins over the body's. */
  async create(dto: CreateWebhookDto, accountId?: string): Promise<WebhookEndpoint> {
    await this.checkUrl(dto.url);
    const endpoint = this.endpoints.create({
      id: randomUUID(),
      name: dto.name,
      url: dto.url,
      description: dto.description ?? null,
      source: dto.source ?? 'admin',
      accountId: accountId ?? dto.accountId ?? null,
      inboxIds: unique(dto.inboxIds ?? []),
      secret: this.secrets.seal(dto.secret ?? null),
      events: unique(dto.events),
      enabled: dto.enabled ?? true,
      format: dto.format ?? 'json',
      rateLimit: dto.rateLimit ?? null,
      ordering: dto.ordering ?? 'none',
      consecutiveFailures: 0,
    });
    return this.changed(await this.endpoints.save(endpoint));
  }

  async update(id: string, dto: UpdateWebhookDto, accountId?: string): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id, accountId);
    if (dto.url !== undefined) {
      await this.checkUrl(dto.url);
      endpoint.url = dto.url;
    }
    if (dto.name !== undefined) endpoint.name = dto.name;
    if (dto.events !== undefined) endpoint.events = unique(dto.events);
    if (dto.format !== undefined) endpoint.format = dto.format;
    if (dto.rateLimit !== undefined) endpoint.rateLimit = dto.rateLimit;
    if (dto.ordering !== undefined) endpoint.ordering = dto.ordering;
    if (dto.description !== undefined) endpoint.description = dto.description;
    if (dto.inboxIds !== undefined) endpoint.inboxIds = unique(dto.inboxIds);
    if (dto.secret !== undefined) {
      endpoint.secret = this.secrets.seal(dto.secret);
      endpoint.previousSecret = null;
      endpoint.previousSecretExpiresAt = null;
    } else {
      this.resealSecrets(endpoint);
    }
    if (dto.enabled === true) {
      // Re-enabling starts a new failure streak, whether or not it was disabled.
      endpoint.consecutiveFailures = 0;
      endpoint.disabledAt = null;
      endpoint.disabledReason = null;
    }
    if (dto.enabled === false && endpoint.enabled) {
      endpoint.disabledAt = new Date();
      endpoint.disabledReason = 'Disabled by an admin';
    }
    if (dto.enabled !== undefined) endpoint.enabled = dto.enabled;
    return this.changed(await this.endpoints.save(endpoint));
  }

  async remove(id: string, accountId?: string): Promise<void> {
    const result = await this.endpoints.delete(accountId === undefined ? { id } : { id, accountId });
    if (!result.affected) throw new NotFoundException('Webhook not found');
    this.changed();
  }

  /**
   * The secrets to sign an attempt with. Throws `WebhookSecretKeyError` when they are
   * stored encrypted and this process cannot open them (no `secretEncryptionKey`, or
   * another one than the node that saved them): its message names the webhook and says
   * which key to set. Nothing should be sent unsigned in that case.
   */
  signingSecrets(endpoint: WebhookEndpoint, now = new Date()): WebhookSigningSecrets {
    const previousValid = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
    const owner = { id: endpoint.id, name: endpoint.name };
    return {
      secret: this.secrets.open(endpoint.secret, owner),
      previousSecret: previousValid ? this.secrets.open(endpoint.previousSecret, owner) : null,
    };
  }

  async revealSecret(id: string, accountId?: string): Promise<string | null> {
    return this.secrets.open((await this.get(id, accountId)).secret);
  }

  /**
   * Replaces the secret with a generated `whsec_` one. The old secret keeps
   * signing `webhook-signature` beside the new one for 24 h (a secret rotated
   * out earlier is dropped now); `X-Webhook-Signature` uses the new one at once.
   */
  async rotateSecret(id: string, accountId?: string, now = new Date()): Promise<string> {
    const endpoint = await this.get(id, accountId);
    const current = this.secrets.open(endpoint.secret);
    const secret = generateWebhookSecret();
    endpoint.secret = this.secrets.seal(secret);
    endpoint.previousSecret = current ? this.secrets.seal(current) : null;
    endpoint.previousSecretExpiresAt = current ? new Date(now.getTime() + WEBHOOK_SECRET_ROTATION_GRACE_MS) : null;
    this.changed(await this.endpoints.save(endpoint));
    return secret;
  }

  /**
   * A delivery succeeded: the failure streak ends. Decided against the row, not a copy
   * taken when the attempt began (a failure recorded meanwhile elsewhere is reset too);
   * successes ending together are reset in one statement.
   */
  recordSuccess(endpoint: Pick<WebhookEndpoint, 'id'>): Promise<void> {
    return this.successes.add(endpoint.id);
  }

  /**
   * A delivery failed its last retry: count it, and disable the endpoint at
   * `autoDisableAfter`. Both are single statements against the row, so a success or
   * a failure recorded meanwhile by another worker counts. Resolves to the reason
   * when this failure disabled it.
   */
  async recordFinalFailure(endpoint: WebhookEndpoint): Promise<string | undefined> {
    await this.endpoints.increment({ id: endpoint.id }, 'consecutiveFailures', 1);
    const limit = this.options.autoDisableAfter;
    const reason = `Disabled after ${limit} consecutive failed deliveries; re-enable it once the receiver works.`;
    const disabled = await this.endpoints.update(
      { id: endpoint.id, enabled: true, consecutiveFailures: MoreThanOrEqual(limit) },
      { enabled: false, disabledAt: new Date(), disabledReason: reason, updatedAt: new Date() },
    );
    if (!disabled.affected) return undefined;
    this.announceDisabled(endpoint, reason);
    return reason;
  }

  /**
   * Disables an endpoint and tells the host through the `webhook.disabled` event.
   * Resolves to false when it was disabled already (no second event).
   */
  async disable(endpoint: WebhookEndpoint, reason: string): Promise<boolean> {
    const result = await this.endpoints.update(
      { id: endpoint.id, enabled: true },
      { enabled: false, disabledAt: new Date(), disabledReason: reason.slice(0, 500), updatedAt: new Date() },
    );
    if (!result.affected) return false;
    this.announceDisabled(endpoint, reason);
    return true;
  }

  private announceDisabled(endpoint: WebhookEndpoint, reason: string): void {
    this.changed();
    const event: WebhookDisabledEvent = { webhook: webhookRef(endpoint), reason };
    this.events.emit(WEBHOOK_DISABLED_EVENT, event);
  }

  private async resetStreaks(ids: string[]): Promise<void[]> {
    const unique = [...new Set(ids)];
    await this.endpoints.update({ id: In(unique), consecutiveFailures: MoreThan(0) }, { consecutiveFailures: 0 });
    return ids.map(() => undefined);
  }

  /**
   * Re-seals the secrets on every write, so rows stored before a key was set
   * become encrypted, and drops a rotated-out secret whose 24 h are over.
   */
  private resealSecrets(endpoint: WebhookEndpoint, now = new Date()): void {
    if (endpoint.secret) endpoint.secret = this.secrets.seal(this.secrets.open(endpoint.secret));
    const previousValid = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
    endpoint.previousSecret = previousValid ? this.secrets.seal(this.secrets.open(endpoint.previousSecret)) : null;
    endpoint.previousSecretExpiresAt = previousValid ? endpoint.previousSecretExpiresAt : null;
  }

  /** Every write ends here: the in-memory copies (this process's and the others') are dropped. */
  private changed<T>(value?: T): T {
    this.cache.invalidate();
    return value as T;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.urlPolicy.check(url);
    } catch (err) {
      if (err instanceof WebhookUrlError || err instanceof WebhookBlockedAddressError) {
        // An array, as every other 400 of the admin API has it, and naming the field.
        throw new BadRequestException([err.fieldMessage]);
      }
      throw err;
    }
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
