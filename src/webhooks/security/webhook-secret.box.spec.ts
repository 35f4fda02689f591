import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { WebhookEndpointsService } from '../endpoints/webhook-endpoints.service.js';
import type { WebhookEndpoint } from '../endpoints/webhook-endpoint.entity.js';
import { WebhookSecretKeyError } from '../errors/webhook-secret-key.error.js';
import { resolveWebhooksOptions } from '../webhooks.options.js';
import { WebhookSecretBox } from './webhook-secret.box.js';

const box = (secretEncryptionKey?: Buffer) => new WebhookSecretBox(resolveWebhooksOptions({ secretEncryptionKey }));
const caught = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('WebhookSecretBox', () => {
  const key = randomBytes(32);
  const webhook = { id: '0b6a8c5e-5d4e-4a4b-9a55-1f1d1f1d1f1d', name: 'CRM' };

  it('opens what it sealed, and reads plain-text rows as they are', () => {
    const sealed = box(key).seal('s3cret')!;
    expect(sealed).toMatch(/^enc:v1:/);
    expect(box(key).open(sealed)).toBe('s3cret');
    expect(box(key).open('plain')).toBe('plain');
    expect(box().open(null)).toBeNull();
  });

  it('refuses an encrypted secret without a key, saying which key to set and whose secret it is', () => {
    const err = caught(() => box().open(box(key).seal('s3cret'), webhook)) as WebhookSecretKeyError;
    expect(err).toBeInstanceOf(WebhookSecretKeyError);
    expect(err.problem).toBe('missing_key');
    expect(err.webhook).toEqual(webhook);
    expect(err.message).toContain(`webhook "CRM" (${webhook.id})`);
    expect(err.message).toContain('secretEncryptionKey is not set in this process');
    expect(err.message).toContain('the same secretEncryptionKey as the node that saved the webhook');
    expect(err.message).not.toContain('s3cret');
  });

  it('refuses an encrypted secret under another key as wrong_key', () => {
    const err = caught(() => box(randomBytes(32)).open(box(key).seal('s3cret'))) as WebhookSecretKeyError;
    expect(err).toBeInstanceOf(WebhookSecretKeyError);
    expect(err.problem).toBe('wrong_key');
    expect(err.message).toContain("another secretEncryptionKey than this process's");
  });

  it('refuses a damaged stored value as unreadable', () => {
    const err = caught(() => box(key).open('enc:v1:abc')) as WebhookSecretKeyError;
    expect(err.problem).toBe('unreadable');
  });
});

describe('WebhookEndpointsService.signingSecrets on a worker without the key', () => {
  it('throws WebhookSecretKeyError naming the webhook, rather than signing with nothing', () => {
    const options = resolveWebhooksOptions();
    const key = randomBytes(32);
    // Only the secret box is used by signingSecrets; the other collaborators are not reached.
    const service = new WebhookEndpointsService(null as never, null as never, box(), null as never, null as never, options);
    const endpoint = { id: 'w-1', name: 'Billing', secret: box(key).seal('s3cret'), previousSecret: null, previousSecretExpiresAt: null } as WebhookEndpoint;
    const err = caught(() => service.signingSecrets(endpoint)) as WebhookSecretKeyError;
    expect(err).toBeInstanceOf(WebhookSecretKeyError);
    expect(err.message).toMatch(/^Cannot open the signing secret of webhook "Billing" \(w-1\) to sign its deliveries/);
  });
});
