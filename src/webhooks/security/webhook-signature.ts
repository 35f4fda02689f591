import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../errors/webhook-verification.error.js';

/**
 * Signing and verifying in one pure place: no NestJS, so receivers can load it
 * through `<package>/verify`.
 */

const STANDARD_PREFIX = 'whsec_';

/** `X-Webhook-Signature`: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret as typed. */
export function signBodyHex(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The Standard Webhooks key: the base64 part of a `whsec_` secret, else the secret's UTF-8 bytes. */
export function standardSigningKey(secret: string): Buffer {
  return secret.startsWith(STANDARD_PREFIX)
    ? Buffer.from(secret.slice(STANDARD_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** One `v1,<base64>` entry of `webhook-signature` over `<id>.<timestamp>.<body>`. */
export function signStandard(id: string, timestampSeconds: number, body: string | Buffer, secret: string): string {
  const mac = createHmac('sha256', standardSigningKey(secret))
    .update(`${id}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}

export interface VerifyWebhookOptions {
  /** How old (or how far in the future) a request may be, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time; for tests. */
  now?: Date;
}

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function assertFresh(sentAtMs: number, what: string, options: VerifyWebhookOptions): void {
  if (!Number.isFinite(sentAtMs)) {
    throw new WebhookVerificationError(`The ${what} header is not a valid time.`);
  }
  const tolerance = (options.toleranceSeconds ?? 300) * 1000;
  const now = (options.now ?? new Date()).getTime();
  if (sentAtMs < now - tolerance) throw new WebhookVerificationError('The webhook is too old (timestamp outside the tolerance).');
  if (sentAtMs > now + tolerance) throw new WebhookVerificationError('The webhook timestamp is too far in the future.');
}

/**
 * Checks that a webhook request is authentic and recent. Uses the Standard Webhooks
 * headers when `webhook-signature` is present, else `X-Webhook-Signature` (with
 * `X-Webhook-Timestamp` for the age check). Returns nothing; throws
 * `WebhookVerificationError` otherwise.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  headers: HeaderBag,
  secret: string,
  options: VerifyWebhookOptions = {},
): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new WebhookVerificationError('No secret given: pass the webhook secret shown in the admin.');
  }
  const standard = header(headers, 'webhook-signature');
  if (standard !== undefined) {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    if (!id || !timestamp) {
      throw new WebhookVerificationError('Missing webhook-id or webhook-timestamp header.');
    }
    if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('The webhook-timestamp header is not a valid time.');
    assertFresh(Number(timestamp) * 1000, 'webhook-timestamp', options);
    const expected = signStandard(id, Number(timestamp), rawBody, secret);
    const matches = standard.split(' ').some((candidate) => equalText(candidate, expected));
    if (!matches) throw new WebhookVerificationError('No matching signature in webhook-signature.');
    return;
  }
  const hex = header(headers, 'x-webhook-signature');
  if (hex === undefined) {
    throw new WebhookVerificationError('Missing signature header (webhook-signature or X-Webhook-Signature).');
  }
  const sentAt = header(headers, 'x-webhook-timestamp');
  if (sentAt !== undefined) assertFresh(Date.parse(sentAt), 'X-Webhook-Timestamp', options);
  if (!equalText(hex.trim().toLowerCase(), signBodyHex(rawBody, secret))) {
    throw new WebhookVerificationError('The X-Webhook-Signature does not match the body.');
  }
}
