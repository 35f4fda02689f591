import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';

/** Keys that class-transformer drops without a word, so the whitelist would never see them. */
const SILENTLY_DROPPED = ['__proto__', 'constructor', 'prototype'];

/**
 * The admin API's validation at the edge: unknown fields and wrong types are
 * refused with 400 naming the field, including the prototype keys a plain
 * ValidationPipe would drop silently and accept.
 */
export class WebhooksValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true, stopAtFirstError: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (value !== null && typeof value === 'object' && (metadata.type === 'body' || metadata.type === 'query')) {
      const found = SILENTLY_DROPPED.filter((key) => Object.prototype.hasOwnProperty.call(value, key));
      if (found.length > 0) throw new BadRequestException(found.map((key) => `property ${key} should not exist`));
    }
    return super.transform(value, metadata);
  }
}
