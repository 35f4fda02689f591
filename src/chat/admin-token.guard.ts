import { UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The demo's admin auth: `Authorization: Bearer <token>`. The token is compared
 * as SHA-256 digests with `timingSafeEqual`, so neither its content nor its
 * length leaks through timing. Given to `WebhooksModule` as an instance.
 */
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (!token) throw new TypeError('AdminTokenGuard needs a non-empty token: set ADMIN_TOKEN.');
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(header) : null;
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('Missing or invalid admin token');
    }
    return true;
  }
}
