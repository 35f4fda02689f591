import { NotFoundException } from '@nestjs/common';
import type { PipeTransform } from '@nestjs/common';

/** Ids are generated UUIDs: anything else (10 KB, control characters, emoji) cannot name a row. */
const ID_SHAPE = /^[A-Za-z0-9-]{1,36}$/;

/**
 * A path id that cannot exist is answered 404 at once, without a query: the
 * answer is the same as for an unknown id, and hostile text never reaches the database.
 */
export class WebhookIdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly notFound: 'Webhook not found' | 'Delivery not found') {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !ID_SHAPE.test(value)) throw new NotFoundException(this.notFound);
    return value;
  }
}
