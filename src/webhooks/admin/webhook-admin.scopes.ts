import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions, WebhookAdminScope, WebhookAdminScopeResolver } from '../webhooks.options.js';

type Resolve = (request: unknown) => WebhookAdminScope | Promise<WebhookAdminScope>;

function isResolverClass(value: unknown): value is Type<WebhookAdminScopeResolver> {
  return typeof value === 'function' && typeof (value as { prototype?: { resolve?: unknown } }).prototype?.resolve === 'function';
}

/**
 * Answers, for an admin request, which account it may act in, from the `adminScope` option:
 * an account id (every route stays inside it), or undefined for "every account" (a platform
 * admin, or a host without `adminScope`). Anything but `null` or `{ accountId }` from the
 * host's resolver is refused with 403: a request whose account cannot be told never sees all.
 */
@Injectable()
export class WebhookAdminScopes implements OnModuleInit {
  private resolve?: Resolve;

  constructor(
    @Inject(WEBHOOKS_RESOLVED_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    const given = this.options.adminScope;
    if (given === undefined) return;
    if (isResolverClass(given)) {
      const instance = await this.instanceOf(given);
      this.resolve = (request) => instance.resolve(request);
    } else if (typeof given === 'function') {
      this.resolve = given as Resolve;
    } else {
      this.resolve = (request) => given.resolve(request);
    }
  }

  /** The account `request` is limited to; undefined when it may see every account. */
  async accountOf(request: unknown): Promise<string | undefined> {
    if (!this.resolve) return undefined;
    const scope: unknown = await this.resolve(request);
    if (scope === null) return undefined;
    const accountId = (scope as { accountId?: unknown } | undefined)?.accountId;
    if (typeof accountId === 'string' && accountId.length > 0) return accountId;
    if (typeof accountId === 'number' && Number.isFinite(accountId)) return String(accountId);
    throw new ForbiddenException('No admin scope for this request: adminScope answered neither { accountId } nor null');
  }

  /** The host's class as a provider it registered itself, else made here with its dependencies injected. */
  private async instanceOf(type: Type<WebhookAdminScopeResolver>): Promise<WebhookAdminScopeResolver> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}
