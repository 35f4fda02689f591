import { UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookAdminScope } from '../webhooks/index.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Where the guard leaves, on the request, whose admin the token belongs to. */
export const DEMO_ADMIN_SCOPE = Symbol('demoAdminScope');

/** The demo's admin tokens: `ADMIN_TOKEN` (a platform admin) and `ACCOUNT_TOKENS` (each an account's admin). */
export interface AdminTokens {
  adminToken?: string;
  /** Token → the account its holder administers. */
  accountTokens?: Record<string, string>;
}

/**
 * The demo's admin auth: `Authorization: Bearer <token>`. The token is compared
 * as SHA-256 digests with `timingSafeEqual`, against every known token whichever
 * matches, so neither its content, its length nor which one it is leaks through
 * timing. The request is then marked with its admin scope (`DEMO_ADMIN_SCOPE`):
 * `null` for the platform admin, `{ accountId }` for an account's, which
 * `demoAdminScope` hands to the module's `adminScope`. Given to `WebhooksModule`
 * as an instance.
 */
export class AdminTokenGuard implements CanActivate {
  private readonly known: Array<{ digest: Buffer; scope: WebhookAdminScope }>;

  constructor(tokens: string | AdminTokens) {
    const { adminToken, accountTokens = {} } = typeof tokens === 'string' ? { adminToken: tokens } : tokens;
    this.known = [
      ...(adminToken ? [{ digest: digest(adminToken), scope: null }] : []),
      ...Object.entries(accountTokens).map(([token, accountId]) => ({ digest: digest(token), scope: { accountId } })),
    ];
    if (this.known.length === 0 || Object.keys(accountTokens).some((token) => !token)) {
      throw new TypeError('AdminTokenGuard needs non-empty tokens: set ADMIN_TOKEN or ACCOUNT_TOKENS.');
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; [DEMO_ADMIN_SCOPE]?: WebhookAdminScope }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(header) : null;
    const given = digest(match ? match[1] : '');
    let found: { scope: WebhookAdminScope } | undefined;
    for (const entry of this.known) {
      if (timingSafeEqual(given, entry.digest) && match) found = entry;
    }
    if (!found) throw new UnauthorizedException('Missing or invalid admin token');
    request[DEMO_ADMIN_SCOPE] = found.scope;
    return true;
  }
}

/** The demo's `adminScope`: the scope `AdminTokenGuard` found for the request's token. */
export function demoAdminScope(request: { [DEMO_ADMIN_SCOPE]?: WebhookAdminScope }): WebhookAdminScope {
  const scope = request[DEMO_ADMIN_SCOPE];
  // Not marked: the guard did not run; answering neither null nor an account makes the module refuse it.
  return scope === undefined ? (undefined as unknown as WebhookAdminScope) : scope;
}
