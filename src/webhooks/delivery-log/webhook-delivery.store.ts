import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In } from 'typeorm';
import type { Repository } from 'typeorm';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { clip } from '../engine/webhook-delivery.writer.js';
import { WebhookGroupCommit } from '../engine/webhook-group-commit.js';
import { WebhookSqlDialect } from '../engine/webhook-sql.dialect.js';
import type { WebhookDeliveryStatus } from './webhook-delivery.entity.js';

export interface WebhookDeliveryQuery {
  status?: WebhookDeliveryStatus;
  event?: string;
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  before?: string;
  /** Created at or after. */
  since?: Date;
  /** Created before. */
  until?: Date;
  /** Only the delivery with this id. */
  id?: string;
}

/** The error of a test delivery whose sender stopped before it was recorded. */
export const INTERRUPTED_TEST = 'Interrupted: the process sending this test delivery stopped before its answer was recorded. Send the test again.';

/** The index along which an ordered webhook's key is read: (webhookId, orderingKey, status, orderingSeq). */
const ORDERING_INDEX = 'IDX_webhook_deliveries_ordering';

/** What a job needs of a stored delivery, as an ordered key's next one is queued. */
export type WebhookOrderedDelivery = Pick<WebhookDelivery, 'id' | 'webhookId' | 'attempts' | 'event' | 'payload' | 'status' | 'traceparent' | 'orderingKey'>;

/** What the reconciler needs of a due delivery. */
export type WebhookDueDelivery = Pick<WebhookDelivery, 'id' | 'webhookId' | 'attempts'> & { nextAttemptAt: Date };

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
  private readonly sql: WebhookSqlDialect;
  /** Keys whose delivery ended at about the same time: their next ones are looked up in one statement. */
  private readonly nextLookups = new WebhookGroupCommit<{ webhookId: string; orderingKey: string }, WebhookOrderedDelivery | undefined>(
    (keys) => this.nextInOrderNow(keys),
    200,
  );

  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookDeliveryAttempt) private readonly attempts: Repository<WebhookDeliveryAttempt>,
  ) {
    this.sql = new WebhookSqlDialect(deliveries.manager.connection);
  }

  /**
   * Takes a delivery for one sender until `leaseMs` from now on the database's clock, so no
   * two send it at the same moment whatever their own clocks say. With `expectedAttempts`,
   * only while it has made exactly that many attempts: a stale job for an attempt already
   * made takes nothing. Resolves to whether it was taken (its `lockedUntil` tells until when).
   */
  async claim(id: string, leaseMs: number, expectedAttempts?: number): Promise<boolean> {
    const sql = this.sql;
    const result = await this.deliveries
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ lockedUntil: () => sql.nowPlus(leaseMs), updatedAt: new Date() })
      .where('id = :id', { id })
      .andWhere('status IN (:...statuses)', { statuses: ['pending', 'retrying'] })
      .andWhere(`(${sql.q('lockedUntil')} IS NULL OR ${sql.q('lockedUntil')} < ${sql.now()})`)
      .andWhere(expectedAttempts === undefined ? '1 = 1' : 'attempts = :attempts', { attempts: expectedAttempts })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Gives up a lease without sending: the delivery is due again at once (the reconciler queues it). */
  async release(id: string, lockedUntil: Date): Promise<void> {
    await this.deliveries.update({ id, lockedUntil }, { lockedUntil: null, updatedAt: new Date() });
  }

  findOneById(id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOne({ where: { id } });
  }

  /**
   * Ends a delivery still waiting to be sent, without sending it (its endpoint is disabled,
   * or stayed paused past the retry schedule); with `expectedAttempts`, only while it has
   * made exactly that many. Resolves to whether it ended now.
   */
  async fail(deliveryId: string, error: string, expectedAttempts?: number): Promise<boolean> {
    const result = await this.deliveries.update(
      { id: deliveryId, status: In(['pending', 'retrying']), ...(expectedAttempts === undefined ? {} : { attempts: expectedAttempts }) },
      { status: 'failed', error: clip(error), nextAttemptAt: null, lockedUntil: null, updatedAt: new Date() },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Ends every delivery of a webhook that is still waiting to be sent; resolves to how many. */
  async failWaiting(webhookId: string, error: string): Promise<number> {
    const result = await this.deliveries.update(
      { webhookId, status: In(['pending', 'retrying']), isTest: false },
      { status: 'failed', error: clip(error), nextAttemptAt: null, updatedAt: new Date() },
    );
    return result.affected ?? 0;
  }

  /**
   * Ends test deliveries whose sender stopped before it recorded them (they have no retry
   * and no due time, so nothing else would): claimed and the claim run out on the database's
   * clock, or never claimed though made before `unclaimedBefore`. Resolves to how many.
   */
  async failInterruptedTests(unclaimedBefore: Date): Promise<number> {
    const q = (name: string) => this.sql.q(name);
    const result = await this.deliveries
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: 'failed', error: INTERRUPTED_TEST, lockedUntil: null, updatedAt: new Date() })
      .where('status = :pending', { pending: 'pending' })
      .andWhere(`${q('isTest')} = :t`, { t: true })
      .andWhere(
        `((${q('lockedUntil')} IS NOT NULL AND ${q('lockedUntil')} < ${this.sql.now()}) OR (${q('lockedUntil')} IS NULL AND ${q('createdAt')} < :before))`,
        { before: unclaimedBefore },
      )
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Makes a delivery due again now, keeping its id and attempt count. A lease
   * stays: an attempt in flight finishes first, and no second one starts beside it.
   * An ended delivery leaves its key's order (a redelivery goes as asked, and holds
   * back nothing); one still waiting keeps its place.
   */
  async requeue(deliveryId: string): Promise<void> {
    const now = new Date();
    const q = (name: string) => this.sql.q(name);
    const p = this.sql.params();
    // The key first: MySQL reads a column after its own assignment in the same SET as the new value.
    await this.sql.run(
      `UPDATE ${q('webhook_deliveries')} SET ${q('orderingKey')} = CASE WHEN ${q('status')} IN ('success', 'failed') THEN NULL ELSE ${q('orderingKey')} END, ` +
        `${q('status')} = 'pending', ${q('nextAttemptAt')} = ${p.p(now, 'time')}, ${q('updatedAt')} = ${p.p(now, 'time')} WHERE ${q('id')} = ${p.p(deliveryId)}`,
      p.values,
    );
  }

  /**
   * The SQL condition "no older delivery of the same webhook and ordering key has yet to end"
   * on the row aliased `alias`: true for a delivery without a key. One short range read of
   * `IDX_webhook_deliveries_ordering` per row.
   */
  private notHeldBack(alias: string): string {
    const q = (name: string) => this.sql.q(name);
    const a = (name: string) => `${alias}.${q(name)}`;
    return (
      `(${a('orderingKey')} IS NULL OR NOT EXISTS (SELECT 1 FROM ${this.sql.from('webhook_deliveries', ORDERING_INDEX, 'o')} WHERE o.${q('webhookId')} = ${a('webhookId')} ` +
      `AND o.${q('orderingKey')} = ${a('orderingKey')} AND o.${q('status')} IN ('pending', 'retrying') AND o.${q('orderingSeq')} < ${a('orderingSeq')}))`
    );
  }

  /**
   * Of these deliveries, the ones that may go now: no older delivery of their webhook and
   * ordering key has yet to end (the database decides, so a Redis that lost everything loses
   * no order). One statement.
   */
  async firstInOrder(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const q = (name: string) => this.sql.q(name);
    const p = this.sql.params();
    const list = ids.map((id) => p.p(id)).join(', ');
    const { rows } = await this.sql.run<{ id: string }>(
      `SELECT d.${q('id')} AS ${q('id')} FROM ${q('webhook_deliveries')} d WHERE d.${q('id')} IN (${list}) AND ${this.notHeldBack('d')}`,
      p.values,
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * The delivery of a webhook and ordering key whose turn it is, when it waits to be sent for
   * the first time (pending, and no older one of its key has yet to end); undefined when there
   * is none, or the key's oldest is retrying (its own job sends it). Keys asked for at about the
   * same time are looked up in one statement.
   */
  nextInOrder(webhookId: string, orderingKey: string): Promise<WebhookOrderedDelivery | undefined> {
    return this.nextLookups.add({ webhookId, orderingKey });
  }

  private async nextInOrderNow(keys: Array<{ webhookId: string; orderingKey: string }>): Promise<Array<WebhookOrderedDelivery | undefined>> {
    const q = (name: string) => this.sql.q(name);
    const p = this.sql.params();
    const unique = [...new Map(keys.map((k) => [`${k.webhookId}|${k.orderingKey}`, k])).values()];
    const columns = ['id', 'webhookId', 'attempts', 'event', 'payload', 'status', 'traceparent', 'orderingKey', 'orderingSeq'];
    // Per key, its oldest pending and its oldest retrying delivery: two probes of one index entry
    // each, however long the key's backlog. The older of the two is the key's turn.
    const probe = (k: { webhookId: string; orderingKey: string }, status: 'pending' | 'retrying') =>
      `(SELECT ${columns.map((c) => `d.${q(c)} AS ${q(c)}`).join(', ')} FROM ${this.sql.from('webhook_deliveries', ORDERING_INDEX, 'd')} ` +
      `WHERE d.${q('webhookId')} = ${p.p(k.webhookId)} AND d.${q('orderingKey')} = ${p.p(k.orderingKey)} AND d.${q('status')} = '${status}' ` +
      `ORDER BY d.${q('orderingSeq')} LIMIT 1)`;
    const { rows } = await this.sql.run<WebhookOrderedDelivery & { orderingSeq: string | number }>(
      unique.flatMap((k) => [probe(k, 'pending'), probe(k, 'retrying')]).join(' UNION ALL '),
      p.values,
    );
    const oldest = new Map<string, WebhookOrderedDelivery & { orderingSeq: string | number }>();
    for (const row of rows) {
      const k = `${row.webhookId}|${row.orderingKey}`;
      const seen = oldest.get(k);
      if (!seen || BigInt(row.orderingSeq) < BigInt(seen.orderingSeq)) oldest.set(k, row);
    }
    return keys.map((k) => {
      const row = oldest.get(`${k.webhookId}|${k.orderingKey}`);
      // None waits, or the key's turn is a retrying one (its own job sends it).
      if (!row || row.status !== 'pending') return undefined;
      const { orderingSeq: _seq, ...delivery } = row;
      // Read raw: a driver may hand the JSON column back as its text.
      return { ...delivery, attempts: Number(delivery.attempts), payload: typeof delivery.payload === 'string' ? JSON.parse(delivery.payload) : delivery.payload };
    });
  }

  /**
   * A webhook's `ordering` was turned off: none of its waiting deliveries waits for another
   * any more. Resolves to those that were held back (pending), to be queued now; at most
   * `limit`, the reconciler queues any others.
   */
  async releaseOrder(webhookId: string, limit: number): Promise<WebhookOrderedDelivery[]> {
    const waiting = ['pending', 'retrying'];
    const held = await this.deliveries
      .createQueryBuilder('d')
      .select(['d.id', 'd.webhookId', 'd.attempts', 'd.event', 'd.payload', 'd.status', 'd.traceparent', 'd.orderingKey'])
      .where('d.webhookId = :webhookId', { webhookId })
      .andWhere('d.orderingKey IS NOT NULL')
      .andWhere('d.status = :pending', { pending: 'pending' })
      .orderBy('d.orderingSeq', 'ASC')
      .take(limit)
      .getMany();
    await this.deliveries
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ orderingKey: null, orderingSeq: null })
      .where('webhookId = :webhookId', { webhookId })
      .andWhere(`${this.sql.q('orderingKey')} IS NOT NULL`)
      .andWhere('status IN (:...waiting)', { waiting })
      .execute();
    return held.map((d) => ({ ...d, orderingKey: null }));
  }

  /**
   * Due deliveries that no worker holds, oldest due first, `limit` at a time;
   * `after` is the last row of the previous page. The reconciler's query
   * (index `IDX_webhook_deliveries_due`). A delivery of an ordered webhook whose
   * key has an older delivery yet to end is left out: it is queued when that one ends.
   */
  findDue(now: Date, limit: number, after?: WebhookDueDelivery): Promise<WebhookDueDelivery[]> {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .select(['d.id', 'd.webhookId', 'd.attempts', 'd.nextAttemptAt'])
      .where('d.status IN (:...statuses)', { statuses: ['pending', 'retrying'] })
      .andWhere('d.nextAttemptAt <= :now', { now })
      .andWhere(`(d.${this.sql.q('lockedUntil')} IS NULL OR d.${this.sql.q('lockedUntil')} < ${this.sql.now()})`)
      .andWhere(this.notHeldBack('d'));
    if (after) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('d.nextAttemptAt > :aAt', { aAt: after.nextAttemptAt })
            .orWhere('d.nextAttemptAt = :aAt AND d.id > :aId', { aAt: after.nextAttemptAt, aId: after.id }),
        ),
      );
    }
    return qb
      .orderBy('d.nextAttemptAt', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .take(limit)
      .getMany() as Promise<WebhookDueDelivery[]>;
  }

  /**
   * Deletes up to `limit` ended deliveries (and, by cascade, their attempts) created
   * before `cutoff`: one short statement on a primary-key list, so no long locks.
   * Deliveries still waiting to be sent are kept whatever their age.
   * Resolves to how many rows went.
   */
  async pruneBatch(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.id')
      .where('d.createdAt < :cutoff', { cutoff })
      .andWhere(new Brackets((w) => w.where('d.status IN (:...ended)', { ended: ['success', 'failed'] }).orWhere('d.isTest = :t', { t: true })))
      .orderBy('d.createdAt', 'ASC')
      .take(limit)
      .getMany();
    if (rows.length === 0) return 0;
    const result = await this.deliveries.delete({ id: In(rows.map((r) => r.id)) });
    return result.affected ?? rows.length;
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
    if (query.id !== undefined) qb.andWhere('d.id = :id', { id: query.id });
    // A range on the second column of `IDX_webhook_deliveries_webhook_created` (webhookId, createdAt).
    if (query.since) qb.andWhere('d.createdAt >= :since', { since: query.since });
    if (query.until) qb.andWhere('d.createdAt < :until', { until: query.until });
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
    const [attempts, responseBody] = await Promise.all([this.attemptsOf(id), this.responseBodyOf(id)]);
    delivery.responseBody = responseBody;
    return { delivery, attempts };
  }

  /** Every attempt of a delivery, oldest first; read raw, for its `responseBody` (see `responseBodyOf`). */
  private async attemptsOf(deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    const rows = await this.attempts
      .createQueryBuilder('a')
      .select('a.attempt', 'attempt')
      .addSelect('a.at', 'at')
      .addSelect('a.success', 'success')
      .addSelect('a.statusCode', 'statusCode')
      .addSelect('a.durationMs', 'durationMs')
      .addSelect('a.error', 'error')
      .addSelect('a.requestHeaders', 'requestHeaders')
      .addSelect('a.responseHeaders', 'responseHeaders')
      .addSelect('a.responseBody', 'responseBody')
      .where('a.deliveryId = :deliveryId', { deliveryId })
      .orderBy('a.attempt', 'ASC')
      .getRawMany<Record<keyof WebhookDeliveryAttempt, unknown>>();
    return rows.map((r) => ({
      deliveryId,
      attempt: Number(r.attempt),
      at: r.at instanceof Date ? r.at : new Date(String(r.at)),
      success: r.success === true || Number(r.success) === 1,
      statusCode: r.statusCode === null ? null : Number(r.statusCode),
      durationMs: Number(r.durationMs),
      error: (r.error as string | null) ?? null,
      requestHeaders: headersOf(r.requestHeaders),
      responseHeaders: headersOf(r.responseHeaders),
      responseBody: asBodyText(r.responseBody),
    }));
  }

  /**
   * The last response body as the receiver sent it. Read raw: on MariaDB and MySQL,
   * mysql2 already decodes the JSON column and TypeORM decodes it a second time, so
   * a body that is itself JSON (`{"ok":true}`) would come back as an object.
   */
  private async responseBodyOf(id: string): Promise<string | null> {
    const row = await this.deliveries
      .createQueryBuilder('d')
      .select('d.responseBody', 'body')
      .where('d.id = :id', { id })
      .getRawOne<{ body: unknown }>();
    return asBodyText(row?.body);
  }
}

/** A response body column as read raw: the string it holds (a driver may have decoded it to another JSON value). */
function asBodyText(body: unknown): string | null {
  if (body === null || body === undefined) return null;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** A `simple-json` headers column as read raw: an object, or null where none was kept. */
function headersOf(raw: unknown): Record<string, string> | null {
  return typeof raw === 'string' && raw !== '' ? (JSON.parse(raw) as Record<string, string>) : null;
}
