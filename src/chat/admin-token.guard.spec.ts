import { describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { AdminTokenGuard, DEMO_ADMIN_SCOPE, demoAdminScope } from './admin-token.guard.js';

function contextWith(authorization?: string, request: Record<string | symbol, unknown> = {}): ExecutionContext {
  request.headers = authorization === undefined ? {} : { authorization };
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

  describe('with account tokens', () => {
    const tokens = new AdminTokenGuard({ adminToken: 'platform-admin-token', accountTokens: { 'token-of-acct-1': 'acct-1', 'token-of-acct-2': 'acct-2' } });

    it.each([
      ['platform-admin-token', null],
      ['token-of-acct-1', { accountId: 'acct-1' }],
      ['token-of-acct-2', { accountId: 'acct-2' }],
    ])('marks the request of %s with its admin scope', (token, scope) => {
      const request: Record<string | symbol, unknown> = {};
      expect(tokens.canActivate(contextWith(`Bearer ${token}`, request))).toBe(true);
      expect(request[DEMO_ADMIN_SCOPE]).toEqual(scope);
      expect(demoAdminScope(request)).toEqual(scope);
    });

    it('answers 401 to any other token, and marks nothing', () => {
      const request: Record<string | symbol, unknown> = {};
      expect(() => tokens.canActivate(contextWith('Bearer token-of-acct-3', request))).toThrow('Missing or invalid admin token');
      expect(() => tokens.canActivate(contextWith(undefined, request))).toThrow(UnauthorizedException);
      expect(request[DEMO_ADMIN_SCOPE]).toBeUndefined();
      expect(demoAdminScope(request)).toBeUndefined();
    });

    it('works with account tokens alone: no platform admin then', () => {
      const only = new AdminTokenGuard({ accountTokens: { 'token-of-acct-1': 'acct-1' } });
      expect(only.canActivate(contextWith('Bearer token-of-acct-1'))).toBe(true);
      expect(() => only.canActivate(contextWith('Bearer platform-admin-token'))).toThrow(UnauthorizedException);
      expect(() => new AdminTokenGuard({})).toThrow(TypeError);
    });
  });
});
