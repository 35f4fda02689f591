import { randomBytes } from 'node:crypto';
import { isCanonicalBase64 } from './webhook-signature.js';

/** How long a rotated-out secret keeps signing beside the new one. */
export const WEBHOOK_SECRET_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/** Random bytes in a generated secret (Standard Webhooks asks for 24 to 64). */
export const WEBHOOK_SECRET_BYTES = 32;

/** A new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(WEBHOOK_SECRET_BYTES).toString('base64')}`;
}

/**
 * Why a `whsec_` secret is unusable, or undefined when it is fine (or not a `whsec_` one).
 * Its key is the base64 after the prefix, which Standard Webhooks libraries decode strictly:
 * a loosely encoded one would sign with a key the receiver's library never derives.
 */
export function invalidStandardSecret(secret: string): string | undefined {
  if (!secret.startsWith('whsec_')) return undefined;
  const encoded = secret.slice('whsec_'.length);
  if (encoded !== '' && !isCanonicalBase64(encoded)) {
    return 'secret starting with whsec_ must continue with standard base64 (A-Z, a-z, 0-9, +, /, = padding)';
  }
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < 24 || bytes > 64) {
    return `secret starting with whsec_ must encode 24 to 64 bytes (it encodes ${bytes}); omit the prefix to use the text as the key`;
  }
  return undefined;
}
