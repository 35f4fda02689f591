import { describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard.js';

function contextWith(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard('s3cret-admin-token');

  it('lets the right bearer token through', () => {
    expect(guard.canActivate(contextWith('Bearer s3cret-admin-token'))).toBe(true);
    expect(guard.canActivate(contextWith('bearer s3cret-admin-token'))).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['s3cret-admin-token'],
    ['Basic s3cret-admin-token'],
    ['Bearer'],
    ['Bearer wrong'],
    ['Bearer s3cret-admin-token-and-more'],
    ['Bearer s3cret-admin-toke'],
  ])('answers 401 to Authorization %j', (header) => {
    expect(() => guard.canActivate(contextWith(header))).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(contextWith(header))).toThrow('Missing or invalid admin token');
  });

  it('refuses to be built without a token', () => {
    expect(() => new AdminTokenGuard('')).toThrow(TypeError);
  });
});
