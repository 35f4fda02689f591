import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WebhookSecretKeyError } from '../errors/webhook-secret-key.error.js';
import { WEBHOOKS_RESOLVED_OPTIONS } from '../webhooks.constants.js';
import type { ResolvedWebhooksOptions } from '../webhooks.options.js';

const PREFIX = 'enc:v1:';

/** Reads `secretEncryptionKey` given as 32 raw bytes, 64 hex digits or base64 of 32 bytes. */
export function parseEncryptionKey(key: string | Buffer): Buffer {
  if (Buffer.isBuffer(key)) {
    if (key.length === 32) return key;
  } else if (/^[0-9a-fA-F]{64}$/.test(key)) {
    return Buffer.from(key, 'hex');
  } else {
    const decoded = Buffer.from(key, 'base64');
    if (decoded.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(key)) return decoded;
    if (Buffer.byteLength(key) === 32) return Buffer.from(key, 'utf8');
  }
  throw new TypeError(
    'WebhooksModule option "secretEncryptionKey" must be 32 bytes: a Buffer, 64 hex digits or base64 of 32 bytes ' +
      '(e.g. `openssl rand -base64 32`).',
  );
}

/**
 * Keeps signing secrets encrypted at rest (AES-256-GCM) when a key is set.
 * Rows written before the key was set are read as plain text and encrypted on their next write.
 */
@Injectable()
export class WebhookSecretBox implements OnModuleInit {
  private readonly logger = new Logger('WebhooksModule');
  private readonly key?: Buffer;

  constructor(@Inject(WEBHOOKS_RESOLVED_OPTIONS) options: ResolvedWebhooksOptions) {
    if (options.secretEncryptionKey !== undefined) this.key = parseEncryptionKey(options.secretEncryptionKey);
  }

  onModuleInit(): void {
    if (!this.key) {
      this.logger.warn('secretEncryptionKey is not set: webhook signing secrets are stored in plain text.');
    }
  }

  seal(secret: string | null | undefined): string | null {
    if (secret === null || secret === undefined) return null;
    if (!this.key) return secret;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
  }

  /**
   * The secret as typed. Throws `WebhookSecretKeyError` (saying which key to set) when
   * it is stored encrypted and this process's key is missing or another one; `webhook`
   * names whose secret it is in that message.
   */
  open(stored: string | null | undefined, webhook?: { id: string; name: string }): string | null {
    if (stored === null || stored === undefined) return null;
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new WebhookSecretKeyError('missing_key', webhook);
    const parts = stored.slice(PREFIX.length).split(':');
    const [iv, tag, data] = parts.map((part) => Buffer.from(part, 'base64'));
    if (parts.length !== 3 || iv.length !== 12 || tag.length !== 16) throw new WebhookSecretKeyError('unreadable', webhook);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch (err) {
      // GCM's tag check fails: another key (or a changed row).
      throw new WebhookSecretKeyError('wrong_key', webhook, { cause: err });
    }
  }
}
