import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookVerificationError } from '../errors/webhook-verification.error.js';
import type { WebhookVerificationFailure } from '../errors/webhook-verification.error.js';
import { buildWebhookHeaders } from '../engine/webhook-request.headers.js';
import * as receiverEntry from '../verify.js';
import { signBodyHex, signStandard, standardSigningKey, verifyWebhookSignature } from './webhook-signature.js';
import { generateWebhookSecret, invalidStandardSecret } from './webhook-secret.generator.js';

const NOW = new Date('2025-01-15T10:31:00.000Z');
const SECONDS = Math.floor(NOW.getTime() / 1000);
const BODY = '{"event":"message.received","timestamp":"2025-01-15T10:31:00.000Z","data":{"message_id":1,"content":"Grüße"}}';
const ID = '4f1c2b7e-9d3a-4c55-8e21-0a6b3c9d7e10';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function headersFor(secret: string | null, previousSecret: string | null = null, now = NOW) {
  return buildWebhookHeaders({
    deliveryId: ID,
    event: 'message.received',
    body: BODY,
    attempt: 1,
    isTest: false,
    userAgent: 'test',
    secret,
    previousSecret,
    now,
  });
}

/** Only the legacy headers: what a receiver sees from a sender without Standard Webhooks. */
function legacyOnly(headers: Record<string, string>): Record<string, string> {
  const { 'webhook-id': _i, 'webhook-timestamp': _t, 'webhook-signature': _s, ...rest } = headers;
  return rest;
}

function failure(fn: () => void): { error: WebhookVerificationError; reason: WebhookVerificationFailure } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect((err as Error).name).toBe('WebhookVerificationError');
    return { error: err as WebhookVerificationError, reason: (err as WebhookVerificationError).reason };
  }
  throw new Error('expected verifyWebhookSignature to throw');
}

describe('signing', () => {
  it('matches the Standard Webhooks reference vector', () => {
    expect(signStandard('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', WHSEC)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('keys a whsec_ secret with its base64-decoded bytes and any other secret with its UTF-8 bytes', () => {
    expect(standardSigningKey(WHSEC)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    expect(standardSigningKey('plain-sécret')).toEqual(Buffer.from('plain-sécret', 'utf8'));
  });

  it('signs X-Webhook-Signature as lowercase hex of the body keyed with the secret as typed, even a whsec_ one', () => {
    expect(signBodyHex('{}', 'abc')).toBe(createHmac('sha256', Buffer.from('abc')).update('{}').digest('hex'));
    expect(signBodyHex(BODY, WHSEC)).toMatch(/^[0-9a-f]{64}$/);
    expect(signBodyHex(BODY, WHSEC)).not.toBe(signBodyHex(BODY, 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'));
  });

  it('is verified by the standardwebhooks package, unchanged', () => {
    const fresh = headersFor(WHSEC, null, new Date());
    expect(new Webhook(WHSEC).verify(BODY, fresh)).toEqual(JSON.parse(BODY));
    const raw = headersFor('plain-secret', null, new Date());
    expect(new Webhook('plain-secret', { format: 'raw' }).verify(BODY, raw)).toEqual(JSON.parse(BODY));
  });
});

describe('verifyWebhookSignature', () => {
  const opts = { now: NOW };

  it('accepts a delivery by its Standard Webhooks headers, and by X-Webhook-Signature alone', () => {
    const headers = headersFor(WHSEC);
    expect(verifyWebhookSignature(BODY, headers, WHSEC, opts)).toBeUndefined();
    expect(verifyWebhookSignature(Buffer.from(BODY), headers, WHSEC, opts)).toBeUndefined();
    expect(verifyWebhookSignature(BODY, legacyOnly(headers), WHSEC, opts)).toBeUndefined();
    const plain = headersFor('my-secret');
    expect(verifyWebhookSignature(BODY, plain, 'my-secret', opts)).toBeUndefined();
    expect(verifyWebhookSignature(BODY, legacyOnly(plain), 'my-secret', opts)).toBeUndefined();
  });

  it('reads headers in any case, as Node arrays, and from a Fetch Headers object', () => {
    const headers = headersFor(WHSEC);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhookSignature(BODY, upper, WHSEC, opts)).toBeUndefined();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]]));
    expect(verifyWebhookSignature(BODY, lower, WHSEC, opts)).toBeUndefined();
    expect(verifyWebhookSignature(BODY, new Headers(headers), WHSEC, opts)).toBeUndefined();
    expect(verifyWebhookSignature(new Uint8Array(Buffer.from(BODY)) as Buffer, headers, WHSEC, opts)).toBeUndefined();
  });

  it('accepts either key during a rotation: both signatures are in webhook-signature, X-Webhook-Signature is the new one', () => {
    const fresh = generateWebhookSecret();
    const headers = headersFor(fresh, WHSEC);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhookSignature(BODY, headers, fresh, opts)).toBeUndefined();
    expect(verifyWebhookSignature(BODY, headers, WHSEC, opts)).toBeUndefined();
    expect(verifyWebhookSignature(BODY, legacyOnly(headers), fresh, opts)).toBeUndefined();
    expect(failure(() => verifyWebhookSignature(BODY, legacyOnly(headers), WHSEC, opts)).reason).toBe('signature_mismatch');
    expect(failure(() => verifyWebhookSignature(BODY, headers, generateWebhookSecret(), opts)).reason).toBe('signature_mismatch');
  });

  it('refuses a wrong secret, a changed body and a changed id, in both header styles', () => {
    const headers = headersFor(WHSEC);
    const wrong = failure(() => verifyWebhookSignature(BODY, headers, 'whsec_' + Buffer.alloc(24, 1).toString('base64'), opts));
    expect(wrong.reason).toBe('signature_mismatch');
    expect(wrong.error.message).toMatch(/No matching signature in webhook-signature: wrong secret, or the body was changed/);
    expect(failure(() => verifyWebhookSignature(BODY.replace('Grüße', 'Grüsse'), headers, WHSEC, opts)).reason).toBe('signature_mismatch');
    expect(failure(() => verifyWebhookSignature(BODY, { ...headers, 'webhook-id': 'other' }, WHSEC, opts)).reason).toBe('signature_mismatch');
    expect(
      failure(() => verifyWebhookSignature(JSON.stringify(JSON.parse(BODY), null, 2), legacyOnly(headers), WHSEC, opts)).error.message,
    ).toMatch(/X-Webhook-Signature does not match the body/);
  });

  it('ignores entries of other versions and does not accept a signature without its v1 prefix', () => {
    const headers = headersFor(WHSEC);
    const bare = headers['webhook-signature'].slice(3);
    expect(failure(() => verifyWebhookSignature(BODY, { ...headers, 'webhook-signature': bare }, WHSEC, opts)).reason).toBe(
      'signature_mismatch',
    );
    expect(failure(() => verifyWebhookSignature(BODY, { ...headers, 'webhook-signature': `v2,${bare}` }, WHSEC, opts)).reason).toBe(
      'signature_mismatch',
    );
    const mixed = `v1a,xyz  ${headers['webhook-signature']}`;
    expect(verifyWebhookSignature(BODY, { ...headers, 'webhook-signature': mixed }, WHSEC, opts)).toBeUndefined();
  });

  it('keeps to the tolerance: 300 s by default, either way, and the one given', () => {
    const headers = headersFor(WHSEC);
    const at = (offsetSeconds: number, options: object = {}) => () =>
      verifyWebhookSignature(BODY, headers, WHSEC, { now: new Date(NOW.getTime() + offsetSeconds * 1000), ...options });
    expect(at(300)()).toBeUndefined();
    expect(at(-300)()).toBeUndefined();
    const old = failure(at(301));
    expect(old.reason).toBe('timestamp_too_old');
    expect(old.error.message).toMatch(/too old: webhook-timestamp is more than 300 s in the past/);
    const future = failure(at(-301));
    expect(future.reason).toBe('timestamp_too_new');
    expect(future.error.message).toMatch(/too far in the future/);
    expect(at(3000, { toleranceSeconds: 3600 })()).toBeUndefined();
    expect(failure(at(11, { toleranceSeconds: 10 })).reason).toBe('timestamp_too_old');
    expect(failure(() => verifyWebhookSignature(BODY, legacyOnly(headers), WHSEC, { now: new Date(NOW.getTime() + 301_000) })).reason).toBe(
      'timestamp_too_old',
    );
    expect(() => verifyWebhookSignature(BODY, headers, WHSEC, { now: NOW, toleranceSeconds: -1 })).toThrow(TypeError);
    expect(() => verifyWebhookSignature(BODY, headers, WHSEC, { now: NOW, toleranceSeconds: Number.NaN })).toThrow(/toleranceSeconds/);
    expect(() => verifyWebhookSignature(BODY, headers, WHSEC, { now: new Date(Number.NaN) })).toThrow(/now must be a valid Date/);
  });

  it('checks the age against the current clock when no time is given', () => {
    const headers = headersFor(WHSEC, null, new Date());
    expect(verifyWebhookSignature(BODY, headers, WHSEC)).toBeUndefined();
    expect(failure(() => verifyWebhookSignature(BODY, headersFor(WHSEC), WHSEC)).reason).toBe('timestamp_too_old');
  });

  it.each<[string, (h: Record<string, string>) => Record<string, unknown>, WebhookVerificationFailure, RegExp]>([
    ['no signature header at all', (h) => ({ 'content-type': h['Content-Type'] }), 'missing_header', /Missing signature header/],
    ['webhook-signature without webhook-id', ({ 'webhook-id': _, ...h }) => h, 'missing_header', /Missing webhook-id or webhook-timestamp/],
    ['webhook-signature without webhook-timestamp', ({ 'webhook-timestamp': _, ...h }) => h, 'missing_header', /webhook-timestamp/],
    ['a webhook-timestamp that is not Unix seconds', (h) => ({ ...h, 'webhook-timestamp': '2025-01-15T10:31:00Z' }), 'invalid_timestamp', /not a valid time/],
    ['a negative webhook-timestamp', (h) => ({ ...h, 'webhook-timestamp': '-1' }), 'invalid_timestamp', /not a valid time/],
    ['X-Webhook-Signature without its timestamp', (h) => {
      const { 'X-Webhook-Timestamp': _, ...rest } = legacyOnly(h);
      return rest;
    }, 'missing_header', /Missing X-Webhook-Timestamp/],
    ['an X-Webhook-Timestamp that is not a time', (h) => ({ ...legacyOnly(h), 'X-Webhook-Timestamp': 'yesterday' }), 'invalid_timestamp', /X-Webhook-Timestamp header is not a valid time/],
  ])('refuses %s with a message that says so', (_what, change, reason, message) => {
    const result = failure(() => verifyWebhookSignature(BODY, change(headersFor(WHSEC)) as Record<string, string>, WHSEC, opts));
    expect(result.reason).toBe(reason);
    expect(result.error.message).toMatch(message);
  });

  it('says what is wrong with its own arguments', () => {
    const headers = headersFor(WHSEC);
    const noSecret = failure(() => verifyWebhookSignature(BODY, headers, '', opts));
    expect(noSecret.reason).toBe('missing_secret');
    expect(noSecret.error.message).toMatch(/No secret given/);
    expect(failure(() => verifyWebhookSignature(BODY, headers, undefined as unknown as string, opts)).reason).toBe('missing_secret');
    const parsed = failure(() => verifyWebhookSignature(JSON.parse(BODY), headers, WHSEC, opts));
    expect(parsed.reason).toBe('invalid_input');
    expect(parsed.error.message).toMatch(/raw request body.*before any JSON parsing/);
    expect(failure(() => verifyWebhookSignature(BODY, undefined as never, WHSEC, opts)).reason).toBe('invalid_input');
    const damaged = failure(() => verifyWebhookSignature(BODY, headers, `${WHSEC}x`, opts));
    expect(damaged.reason).toBe('invalid_secret');
    expect(damaged.error.message).toMatch(/whsec_ but the rest is not valid base64/);
    expect(damaged.error.message).not.toContain(WHSEC);
  });

  it('never puts the secret in its messages', () => {
    const secret = generateWebhookSecret();
    const messages = [
      failure(() => verifyWebhookSignature(BODY, headersFor(WHSEC), secret, opts)).error.message,
      failure(() => verifyWebhookSignature(BODY, legacyOnly(headersFor(WHSEC)), secret, opts)).error.message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain(secret.slice(6));
    }
  });

  it('is the same function, with the same error class, from the receiver entry point', () => {
    expect(receiverEntry.verifyWebhookSignature).toBe(verifyWebhookSignature);
    expect(receiverEntry.WebhookVerificationError).toBe(WebhookVerificationError);
  });
});

describe('generated secrets', () => {
  it('are whsec_ and the base64 of 32 random bytes, and work with the standardwebhooks package', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
      expect(invalidStandardSecret(secret)).toBeUndefined();
    }
    const secret = [...secrets][0];
    expect(new Webhook(secret).verify(BODY, headersFor(secret, null, new Date()))).toEqual(JSON.parse(BODY));
  });

  it.each([
    ['whsec_', /encode 24 to 64 bytes \(it encodes 0\)/],
    ['whsec_abc', /standard base64/],
    ['whsec_' + Buffer.alloc(16).toString('base64'), /encode 24 to 64 bytes/],
    ['whsec_' + Buffer.alloc(65).toString('base64'), /encode 24 to 64 bytes/],
    ['whsec_' + Buffer.alloc(24).toString('base64url').replace(/A/g, '-'), /standard base64/],
    ['whsec_' + 'x'.repeat(31) + '!', /standard base64/],
  ])('refuses the unusable Standard Webhooks secret %j', (secret, message) => {
    expect(invalidStandardSecret(secret)).toMatch(message);
  });

  it.each(['my-secret', WHSEC, 'whsec_' + Buffer.alloc(64, 7).toString('base64')])('accepts %j', (secret) => {
    expect(invalidStandardSecret(secret)).toBeUndefined();
  });
});
