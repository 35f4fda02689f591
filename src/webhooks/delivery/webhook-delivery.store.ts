import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, IsNull, LessThan, Or } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from './webhook-delivery.entity.js';

export type NewWebhookDelivery = Pick<
  WebhookDelivery,
  'id' | 'webhookId' | 'event' | 'payload' | 'status' | 'attempts' | 'isTest' | 'nextAttemptAt' | 'createdAt' | 'updatedAt'
>;

export interface WebhookAttemptRecord {
  attempt: number;
  at: Date;
  success: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  requestHeaders: Record<string, string>;
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

export interface WebhookDeliveryQuery {
  status?: WebhookDeliveryStatus;
  event?: string;
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  before?: string;
}

const ERROR_MAX = 1000;

function clip(text: string | null, max = ERROR_MAX): string | null {
  return text === null || text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function encodeCursor(d: Pick<WebhookDelivery, 'createdAt' | 'id'>): string {
  return Buffer.from(`${d.createdAt.toISOString()}|${d.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso);
  if (!id || Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, id };
}

/** Every read and write of the delivery log goes through here. */
@Injectable()
export class WebhookDeliveryStore {
  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookDeliveryAttempt) private readonly attempts: Repository<WebhookDeliveryAttempt>,
  ) {}

  /** Writes new delivery rows in one statement; inside the caller's transaction when given its manager. */
  async insertMany(rows: NewWebhookDelivery[], manager?: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    const repo = manager ? manager.getRepository(WebhookDelivery) : this.deliveries;
    await repo.insert(rows as QueryDeepPartialEntity<WebhookDelivery>[]);
  }

  /**
   * Takes a due delivery for one sender until `leaseMs` from now. False when it
   * has ended or another worker holds it, so no two send it at the same moment.
   */
  async claim(id: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const result = await this.deliveries.update(
      { id, status: In(['pending', 'retrying']), lockedUntil: Or(IsNull(), LessThan(now)) },
      { lockedUntil: new Date(now.getTime() + leaseMs), updatedAt: now },
    );
    return (result.affected ?? 0) > 0;
  }

  findWithWebhook(id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOne({ where: { id }, relations: { webhook: true } });
  }

  /** Logs an attempt and moves the delivery to its new state, both or neither. */
  async recordAttempt(deliveryId: string, record: WebhookAttemptRecord): Promise<void> {
    await this.deliveries.manager.transaction(async (tx) => {
      await tx.insert(WebhookDeliveryAttempt, {
        deliveryId,
        attempt: record.attempt,
        at: record.at,
        success: record.success,
        statusCode: record.statusCode,
        durationMs: record.durationMs,
        error: clip(record.error),
      });
      await tx.update(WebhookDelivery, deliveryId, {
        status: record.status,
        attempts: record.attempt,
        statusCode: record.statusCode,
        durationMs: record.durationMs,
        error: clip(record.error),
        responseBody: record.responseBody,
        requestHeaders: record.requestHeaders,
        nextAttemptAt: record.nextAttemptAt,
        lockedUntil: null,
        updatedAt: new Date(),
      });
    });
  }

  /** Ends a delivery without sending it (e.g. its endpoint is disabled). */
  async fail(deliveryId: string, error: string): Promise<void> {
    await this.deliveries.update(deliveryId, {
      status: 'failed',
      error: clip(error),
      nextAttemptAt: null,
      lockedUntil: null,
      updatedAt: new Date(),
    });
  }

  /** Makes a delivery due again now, keeping its id and attempt count. */
  async requeue(deliveryId: string): Promise<void> {
    const now = new Date();
    await this.deliveries.update(deliveryId, { status: 'pending', nextAttemptAt: now, lockedUntil: null, updatedAt: now });
  }

  async list(webhookId: string, query: WebhookDeliveryQuery): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .select([
        'd.id', 'd.webhookId', 'd.event', 'd.status', 'd.statusCode', 'd.attempts', 'd.durationMs',
        'd.error', 'd.isTest', 'd.createdAt', 'd.nextAttemptAt',
      ])
      .where('d.webhookId = :webhookId', { webhookId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.event) qb.andWhere('d.event = :event', { event: query.event });
    const cursor = query.before ? decodeCursor(query.before) : undefined;
    if (cursor) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('d.createdAt < :cAt', { cAt: cursor.createdAt })
            .orWhere('d.createdAt = :cAt AND d.id < :cId', { cAt: cursor.createdAt, cId: cursor.id }),
        ),
      );
    }
    const rows = await qb
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(query.limit + 1)
      .getMany();
    const items = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? encodeCursor(items[items.length - 1]) : null;
    return { items, nextCursor };
  }

  async findOne(webhookId: string, id: string): Promise<{ delivery: WebhookDelivery; attempts: WebhookDeliveryAttempt[] } | null> {
    const delivery = await this.deliveries.findOne({ where: { id, webhookId } });
    if (!delivery) return null;
    const attempts = await this.attempts.find({ where: { deliveryId: id }, order: { attempt: 'ASC' } });
    return { delivery, attempts };
  }
}
