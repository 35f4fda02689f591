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

/** Request headers: a plain object (any case, as Node and Express give them) or a Fetch `Headers`. */
export type WebhookHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };

const DEFAULT_TOLERANCE_SECONDS = 300;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function assertFresh(sentAtMs: number, what: string, toleranceSeconds: number, now: Date): void {
  if (!Number.isFinite(sentAtMs)) {
    throw new WebhookVerificationError(`The ${what} header is not a valid time.`, 'invalid_timestamp');
  }
  const tolerance = toleranceSeconds * 1000;
  const nowMs = now.getTime();
  if (sentAtMs < nowMs - tolerance) {
    throw new WebhookVerificationError(
      `The webhook is too old: ${what} is more than ${toleranceSeconds} s in the past (a replay, or this server's clock is off).`,
      'timestamp_too_old',
    );
  }
  if (sentAtMs > nowMs + tolerance) {
    throw new WebhookVerificationError(
      `The webhook timestamp is too far in the future: ${what} is more than ${toleranceSeconds} s ahead (check the clocks).`,
      'timestamp_too_new',
    );
  }
}

/** Standard base64 with its padding, as Standard Webhooks libraries decode it (Node's own decoder skips junk). */
export function isCanonicalBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function assertInput(rawBody: unknown, headers: unknown, secret: unknown): asserts rawBody is string | Uint8Array {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new WebhookVerificationError('No secret given: pass the webhook secret shown in the admin.', 'missing_secret');
  }
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new WebhookVerificationError(
      'rawBody must be the raw request body as a string or Buffer, before any JSON parsing ' +
        "(with Express: express.raw({ type: 'application/json' })).",
      'invalid_input',
    );
  }
  if (secret.startsWith(STANDARD_PREFIX) && !isCanonicalBase64(secret.slice(STANDARD_PREFIX.length))) {
    throw new WebhookVerificationError(
      'The secret starts with whsec_ but the rest is not valid base64: copy it exactly as the admin shows it.',
      'invalid_secret',
    );
  }
  if (headers === null || typeof headers !== 'object') {
    throw new WebhookVerificationError('headers must be the request headers object (e.g. req.headers).', 'invalid_input');
  }
}

/**
 * Checks that a webhook request is authentic and recent. Uses the Standard Webhooks
 * headers when `webhook-signature` is present (any `v1` entry may match, so both
 * keys work during a secret rotation), else `X-Webhook-Signature` with
 * `X-Webhook-Timestamp` for the age check. Compares in constant time. Returns
 * nothing; throws `WebhookVerificationError` (its `reason` says which check failed).
 * `toleranceSeconds` defaults to 300.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): void {
  assertInput(rawBody, headers, secret);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError(`verifyWebhookSignature: toleranceSeconds must be a number >= 0; got ${String(toleranceSeconds)}.`);
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new TypeError('verifyWebhookSignature: now must be a valid Date.');
  }
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);

  const standard = header(headers, 'webhook-signature');
  if (standard !== undefined) {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    if (!id || !timestamp) {
      throw new WebhookVerificationError('Missing webhook-id or webhook-timestamp header.', 'missing_header');
    }
    if (!/^\d{1,15}$/.test(timestamp.trim())) {
      throw new WebhookVerificationError('The webhook-timestamp header is not a valid time (Unix seconds).', 'invalid_timestamp');
    }
    const seconds = Number(timestamp.trim());
    assertFresh(seconds * 1000, 'webhook-timestamp', toleranceSeconds, now);
    const expected = signStandard(id, seconds, body, secret);
    const matches = standard
      .split(/\s+/)
      .filter((candidate) => candidate.startsWith('v1,'))
      .some((candidate) => equalText(candidate, expected));
    if (!matches) {
      throw new WebhookVerificationError(
        'No matching signature in webhook-signature: wrong secret, or the body was changed (verify the raw bytes, not re-serialised JSON).',
        'signature_mismatch',
      );
    }
    return;
  }
  const hex = header(headers, 'x-webhook-signature');
  if (hex === undefined) {
    throw new WebhookVerificationError('Missing signature header (webhook-signature or X-Webhook-Signature).', 'missing_header');
  }
  const sentAt = header(headers, 'x-webhook-timestamp');
  if (sentAt === undefined) {
    throw new WebhookVerificationError('Missing X-Webhook-Timestamp header, needed for the age check.', 'missing_header');
  }
  assertFresh(Date.parse(sentAt), 'X-Webhook-Timestamp', toleranceSeconds, now);
  if (!equalText(hex.trim().toLowerCase(), signBodyHex(body, secret))) {
    throw new WebhookVerificationError(
      'The X-Webhook-Signature does not match the body: wrong secret, or the body was changed (verify the raw bytes, not re-serialised JSON).',
      'signature_mismatch',
    );
  }
}
