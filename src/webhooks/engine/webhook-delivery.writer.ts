import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { WebhookDelivery } from '../delivery-log/webhook-delivery.entity.js';
import type { WebhookDeliveryStatus } from '../delivery-log/webhook-delivery.entity.js';
import { WebhookGroupCommit } from './webhook-group-commit.js';
import { WebhookSqlDialect } from './webhook-sql.dialect.js';
import type { WebhookSqlParams } from './webhook-sql.dialect.js';

export type NewWebhookDelivery = Pick<
  WebhookDelivery,
  'id' | 'webhookId' | 'event' | 'payload' | 'status' | 'attempts' | 'isTest' | 'nextAttemptAt' | 'createdAt' | 'updatedAt' | 'traceparent'
> & {
  /** The payload as JSON, when the caller made it already: written as it is, not stringified again. */
  payloadJson?: string;
};

/** The outcome of one attempt, as the delivery log keeps it. */
export interface WebhookAttemptRecord {
  deliveryId: string;
  attempt: number;
  at: Date;
  success: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  responseHeaders?: Record<string, string> | null;
  requestHeaders: Record<string, string>;
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

const ERROR_MAX = 1000;

export function clip(text: string | null, max = ERROR_MAX): string | null {
  return text === null || text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The delivery path's writes: new deliveries and attempt outcomes, each group-committed.
 * Concurrent publishes become one multi-row INSERT; concurrent outcomes become one
 * `UPDATE … CASE id WHEN …` and one multi-row INSERT of attempts, in one transaction.
 * Plain SQL that runs the same on MariaDB, MySQL 8 and PostgreSQL; the admin side's
 * reads stay in `WebhookDeliveryStore`.
 */
@Injectable()
export class WebhookDeliveryWriter {
  private readonly sql: WebhookSqlDialect;
  private readonly q = (name: string) => this.sql.q(name);
  private readonly inserts = new WebhookGroupCommit<NewWebhookDelivery, void>((rows) => this.insertNow(rows), 500);
  private readonly outcomes = new WebhookGroupCommit<WebhookAttemptRecord, boolean>((records) => this.recordNow(records), 200);

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.sql = new WebhookSqlDialect(dataSource);
  }

  /**
   * Writes new delivery rows. Inside the host's transaction (its manager given) they
   * are written there, at once; otherwise they join the next group commit.
   */
  async insert(rows: NewWebhookDelivery[], manager?: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    if (manager) {
      const entities = rows.map(({ payloadJson: _json, ...row }) => row);
      await manager.getRepository(WebhookDelivery).insert(entities as QueryDeepPartialEntity<WebhookDelivery>[]);
      return;
    }
    await Promise.all(rows.map((row) => this.inserts.add(row)));
  }

  /**
   * Logs an attempt and moves its delivery to its new state, both or neither, and only
   * while the delivery still stands where the attempt began (`attempts` one less):
   * false when it does not (deleted with its webhook, or recorded by another worker).
   */
  record(record: WebhookAttemptRecord): Promise<boolean> {
    return this.outcomes.add(record);
  }

  /** Resolves once every write handed in so far is done (for a graceful stop). */
  async drain(): Promise<void> {
    await Promise.all([this.inserts.drain(), this.outcomes.drain()]);
  }

  private async insertNow(rows: NewWebhookDelivery[]): Promise<void[]> {
    const q = this.q;
    const p = this.sql.params();
    const columns = ['id', 'webhookId', 'event', 'payload', 'status', 'attempts', 'isTest', 'nextAttemptAt', 'createdAt', 'updatedAt', 'traceparent'];
    const values = rows.map((r) =>
      p.row([
        r.id, r.webhookId, r.event, r.payloadJson ?? JSON.stringify(r.payload), r.status, r.attempts, r.isTest, r.nextAttemptAt ?? null, r.createdAt, r.updatedAt,
        r.traceparent ?? null,
      ]),
    );
    await this.sql.run(`INSERT INTO ${q('webhook_deliveries')} (${columns.map(q).join(', ')}) VALUES ${values.join(', ')}`, p.values);
    return rows.map(() => undefined);
  }

  private async recordNow(records: WebhookAttemptRecord[]): Promise<boolean[]> {
    // One attempt per delivery in a statement: a second of the same delivery waits for the next batch.
    const seen = new Set<string>();
    const batch: WebhookAttemptRecord[] = [];
    const later: WebhookAttemptRecord[] = [];
    for (const r of records) {
      (seen.has(r.deliveryId) ? later : batch).push(r);
      seen.add(r.deliveryId);
    }
    const recorded = await this.sql.transaction(async (runner) => {
      const moved = await this.updateDeliveries(batch, runner);
      const logged = moved === batch.length ? batch : await this.stillCurrent(batch, runner);
      if (logged.length > 0) await this.insertAttempts(logged, runner);
      return new Set(logged);
    });
    const laterResults = await Promise.all(later.map((r) => this.record(r)));
    return records.map((r) => (later.includes(r) ? laterResults[later.indexOf(r)] : recorded.has(r)));
  }

  /** The fenced write: each row changes only while it has made one attempt fewer than this one. */
  private async updateDeliveries(batch: WebhookAttemptRecord[], runner: QueryRunner): Promise<number> {
    const q = this.q;
    const p = this.sql.params();
    const now = new Date();
    const column = (name: string, type: Parameters<WebhookSqlParams['p']>[1], value: (r: WebhookAttemptRecord) => unknown) =>
      batch.length === 1
        ? `${q(name)} = ${p.p(value(batch[0]), type)}`
        : `${q(name)} = CASE ${q('id')} ${batch.map((r) => `WHEN ${p.p(r.deliveryId)} THEN ${p.p(value(r), type)}`).join(' ')} END`;
    const sets = [
      column('status', 'text', (r) => r.status),
      column('attempts', 'int', (r) => r.attempt),
      column('statusCode', 'int', (r) => r.statusCode),
      column('durationMs', 'int', (r) => r.durationMs),
      column('error', 'text', (r) => clip(r.error)),
      column('responseBody', 'json', (r) => (r.responseBody === null ? null : JSON.stringify(r.responseBody))),
      column('requestHeaders', 'text', (r) => JSON.stringify(r.requestHeaders)),
      column('nextAttemptAt', 'time', (r) => r.nextAttemptAt),
      `${q('lockedUntil')} = NULL`,
      `${q('updatedAt')} = ${p.p(now, 'time')}`,
    ];
    const fence = batch
      .map((r) => `(${q('id')} = ${p.p(r.deliveryId)} AND ${q('attempts')} = ${p.p(r.attempt - 1)} AND ${q('status')} IN ('pending', 'retrying'))`)
      .join(' OR ');
    const result = await this.sql.run(`UPDATE ${q('webhook_deliveries')} SET ${sets.join(', ')} WHERE ${fence}`, p.values, runner);
    return result.affected;
  }

  /** After a partial update: the records whose delivery now shows their attempt (the ones the update moved). */
  private async stillCurrent(batch: WebhookAttemptRecord[], runner: QueryRunner): Promise<WebhookAttemptRecord[]> {
    const q = this.q;
    const p = this.sql.params();
    const ids = batch.map((r) => p.p(r.deliveryId)).join(', ');
    const { rows } = await this.sql.run<{ id: string; attempts: number }>(
      `SELECT ${q('id')}, ${q('attempts')} FROM ${q('webhook_deliveries')} WHERE ${q('id')} IN (${ids})`,
      p.values,
      runner,
    );
    const attempts = new Map(rows.map((row) => [row.id, Number(row.attempts)]));
    return batch.filter((r) => attempts.get(r.deliveryId) === r.attempt);
  }

  private async insertAttempts(records: WebhookAttemptRecord[], runner: QueryRunner): Promise<void> {
    const q = this.q;
    const p = this.sql.params();
    const columns = ['deliveryId', 'attempt', 'at', 'success', 'statusCode', 'durationMs', 'error', 'responseHeaders', 'responseBody'];
    const values = records.map((r) =>
      p.row([
        r.deliveryId, r.attempt, r.at, r.success, r.statusCode, r.durationMs, clip(r.error),
        r.statusCode !== null && r.responseHeaders ? JSON.stringify(r.responseHeaders) : null, r.responseBody === null ? null : JSON.stringify(r.responseBody),
      ]),
    );
    await this.sql.run(
      `INSERT INTO ${q('webhook_delivery_attempts')} (${columns.map(q).join(', ')}) VALUES ${values.join(', ')}`,
      p.values,
      runner,
    );
  }

}
