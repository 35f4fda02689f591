import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReceivedRequest } from './https-receiver.js';

/** The check a receiver writes with nothing but Node's crypto: hex HMAC-SHA256 of the raw body. */
export function receiverAcceptsHexSignature(req: ReceivedRequest, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(req.rawBody).digest('hex');
  const given = String(req.headers['x-webhook-signature'] ?? '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** The Standard Webhooks check, written out: any `v1,` entry over `<id>.<timestamp>.<body>`. */
export function receiverAcceptsStandardSignature(req: ReceivedRequest, secret: string): boolean {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const signed = `${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.rawBody.toString('utf8')}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(req.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(Buffer.from(candidate), Buffer.from(expected)));
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
