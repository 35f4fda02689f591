import { signBodyHex, signStandard } from '../security/webhook-signature.js';

export interface WebhookHeaderInput {
  deliveryId: string;
  event: string;
  body: string;
  attempt: number;
  isTest: boolean;
  userAgent: string;
  /** The current secret signs both headers; a rotated-out one adds a second `webhook-signature` entry. */
  secret: string | null;
  previousSecret?: string | null;
  now: Date;
}

/** Every header of one attempt (section 3 of the contract). */
export function buildWebhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  const seconds = Math.floor(input.now.getTime() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': input.userAgent,
    'X-Webhook-Event': input.event,
    'X-Webhook-Timestamp': input.now.toISOString(),
    'X-Webhook-Id': input.deliveryId,
    'X-Webhook-Attempt': String(input.attempt),
    'webhook-id': input.deliveryId,
    'webhook-timestamp': String(seconds),
  };
  if (input.isTest) headers['X-Webhook-Test'] = 'true';
  if (input.secret) {
    headers['X-Webhook-Signature'] = signBodyHex(input.body, input.secret);
    const signatures = [signStandard(input.deliveryId, seconds, input.body, input.secret)];
    if (input.previousSecret) signatures.push(signStandard(input.deliveryId, seconds, input.body, input.previousSecret));
    headers['webhook-signature'] = signatures.join(' ');
  }
  return headers;
}
