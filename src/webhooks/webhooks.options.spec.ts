import { describe, expect, it } from '@jest/globals';
import { rootCertificates } from 'node:tls';
import { WebhookModuleOptionsError } from './errors/webhook-module-options.error.js';
import { resolveWebhooksOptions } from './webhooks.options.js';

describe('resolveWebhooksOptions', () => {
  it('fills every option with its documented default', () => {
    const o = resolveWebhooksOptions();
    expect(o).toMatchObject({
      adminPath: 'admin/live-chat/webhooks',
      adminGuards: [],
      requireHttps: true,
      allowPrivateNetworks: false,
      requestTimeoutMs: 10_000,
      retryDelaysMs: [60_000, 300_000, 1_200_000, 3_600_000, 7_200_000],
      autoDisableAfter: 5,
      maxResponseBodyBytes: 65_536,
      concurrency: 50,
      processDeliveries: true,
      deliveryRetentionDays: 30,
      payloadMappers: {},
      adminUi: true,
    });
    expect(o.userAgent).toMatch(/^nestjs-chat-webhooks\/\d+\.\d+\.\d+/);
    expect(o.secretEncryptionKey).toBeUndefined();
  });

  it('keeps given values, ignores undefined ones and trims slashes off adminPath', () => {
    const o = resolveWebhooksOptions({ requestTimeoutMs: 500, concurrency: undefined, retryDelaysMs: [] }, { adminPath: '/x/y/' });
    expect(o.requestTimeoutMs).toBe(500);
    expect(o.concurrency).toBe(50);
    expect(o.retryDelaysMs).toEqual([]);
    expect(o.adminPath).toBe('x/y');
  });

  it.each([
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    [{ concurrency: 2.5 }, 'concurrency'],
    [{ autoDisableAfter: -1 }, 'autoDisableAfter'],
    [{ retryDelaysMs: [1000, -5] }, 'retryDelaysMs'],
  ])('refuses %p with an error naming the option', (given, name) => {
    expect(() => resolveWebhooksOptions(given)).toThrow(name);
  });

  it('refuses a transport without send()', () => {
    expect(() => resolveWebhooksOptions({ transport: {} as never })).toThrow(/option "transport" must have a send\(request\) method/);
    const transport = { send: async () => ({ statusCode: 200, durationMs: 0, responseBody: '', responseHeaders: {}, error: null }) };
    expect(resolveWebhooksOptions({ transport }).transport).toBe(transport);
  });

  it('refuses a module-shaping option among the options (what forRootAsync\'s factory returned)', () => {
    const given = { requestTimeoutMs: 500, processDeliveries: false } as never;
    expect(() => resolveWebhooksOptions(given)).toThrow(WebhookModuleOptionsError);
    expect(() => resolveWebhooksOptions(given)).toThrow(/"processDeliveries" was returned from useFactory.*beside useFactory/);
    expect(() => resolveWebhooksOptions({ adminPath: undefined } as never)).not.toThrow();
  });

  it("adds tls.ca to Node's public CAs rather than replacing them", () => {
    expect(resolveWebhooksOptions().tls).toEqual({});
    const ca = resolveWebhooksOptions({ tls: { ca: 'INTERNAL-CA-PEM' } }).tls.ca as string[];
    expect(ca.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(ca.slice(rootCertificates.length)).toEqual(['INTERNAL-CA-PEM']);
    const two = resolveWebhooksOptions({ tls: { ca: ['A', 'B'] } }).tls.ca as string[];
    expect(two.slice(rootCertificates.length)).toEqual(['A', 'B']);
  });

  it('takes adminScope as a function, a class or an object with resolve(), and refuses anything else', () => {
    class Resolver {
      resolve() {
        return null;
      }
    }
    const object = { resolve: () => ({ accountId: 'a' }) };
    const fn = () => null;
    expect(resolveWebhooksOptions({}).adminScope).toBeUndefined();
    expect(resolveWebhooksOptions({ adminScope: fn }).adminScope).toBe(fn);
    expect(resolveWebhooksOptions({ adminScope: Resolver }).adminScope).toBe(Resolver);
    expect(resolveWebhooksOptions({ adminScope: object }).adminScope).toBe(object);
    for (const bad of ['acct-1', 5, {}, { resolve: 'x' }]) {
      expect(() => resolveWebhooksOptions({ adminScope: bad as never })).toThrow(/option "adminScope" must be a function/);
    }
  });

  it('has a built-in scopeOf, and refuses a scopeOf that is not a function', () => {
    expect(typeof resolveWebhooksOptions({}).scopeOf).toBe('function');
    expect(() => resolveWebhooksOptions({ scopeOf: 'accountId' as never })).toThrow(/option "scopeOf" must be a function/);
  });
});
