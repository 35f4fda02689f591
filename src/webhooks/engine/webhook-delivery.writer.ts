import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { WebhookDelivery, WebhookDeliveryStatus } from '../delivery-log/webhook-delivery.entity.js';
import { NEXT_BATCH, WebhookGroupCommit } from './webhook-group-commit.js';
import { NOT_SENT_WHILE_DISABLED } from './webhook-retry.policy.js';
import { WebhookSqlDialect, sqlErrorCode } from './webhook-sql.dialect.js';
import type { WebhookSqlType } from './webhook-sql.dialect.js';

export type NewWebhookDelivery = Pick<
  WebhookDelivery,
  'id' | 'webhookId' | 'event' | 'payload' | 'status' | 'attempts' | 'isTest' | 'nextAttemptAt' | 'createdAt' | 'updatedAt' | 'traceparent' | 'accountId' | 'orderingKey'
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

/** Whether two parameter values are the same (times by their instant). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** Thrown inside the fast path's transaction to roll it back: some row had moved on. */
class StaleOutcome extends Error {}

/** How often a publish drops the rows of webhooks deleted meanwhile and tries the others again. */
const MISSING_WEBHOOK_TRIES = 3;

/** Whether a failed statement is a foreign-key violation (a row naming a webhook that is gone). */
function isMissingParent(err: unknown): boolean {
  const { code, errno } = sqlErrorCode(err);
  return errno === 1452 || code === 'ER_NO_REFERENCED_ROW_2' || code === '23503';
}

/**
 * The delivery path's writes: new deliveries and attempt outcomes, each group-committed.
 * Concurrent publishes become one multi-row INSERT; concurrent outcomes become one
 * `UPDATE … CASE id WHEN …` and one multi-row INSERT of attempts, in one transaction.
 * Plain SQL that runs the same on MariaDB, MySQL 8 and PostgreSQL; the admin side's
 * reads stay in `WebhookDeliveryStore`.
 *
 * One outcome never costs another its write: a stale or duplicate one (another worker
 * recorded that attempt first, as happens after Redis loses data) answers false alone,
 * and a delivery row whose webhook was deleted meanwhile is dropped from its batch.
 */
@Injectable()
export class WebhookDeliveryWriter {
  private readonly logger = new Logger('WebhooksModule');
  private readonly sql: WebhookSqlDialect;
  private readonly q = (name: string) => this.sql.q(name);
  private readonly inserts = new WebhookGroupCommit<NewWebhookDelivery, boolean>((rows) => this.insertRows(rows), 500);
  private readonly outcomes = new WebhookGroupCommit<WebhookAttemptRecord, boolean>((records) => this.recordNow(records), 200);

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.sql = new WebhookSqlDialect(dataSource);
  }

  /**
   * Writes new delivery rows. Inside the host's transaction (its manager given) they
   * are written there, at once; otherwise they join the next group commit. Resolves to
   * whether each row was written: false for a row whose webhook no longer exists (deleted
   * while the event was being published), which never fails the others or the host's
   * transaction.
   */
  async insert(rows: NewWebhookDelivery[], manager?: EntityManager): Promise<boolean[]> {
    if (rows.length === 0) return [];
    if (manager) return this.insertRows(rows, manager.queryRunner);
    return Promise.all(rows.map((row) => this.inserts.add(row)));
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

  /**
   * One multi-row INSERT. When a row names a webhook deleted meanwhile, the foreign key
   * refuses the statement: those rows are dropped (and logged) and the others written again.
   * Inside the host's transaction this runs under a savepoint, so the refusal never aborts it.
   */
  private async insertRows(rows: NewWebhookDelivery[], runner?: QueryRunner): Promise<boolean[]> {
    const inTransaction = runner?.isTransactionActive === true;
    let left = rows;
    for (let tries = 1; ; tries++) {
      try {
        // Outside a transaction the statement runs again if chosen as a deadlock's victim; inside the
        // host's, a deadlock rolls that transaction back on MariaDB: the host sees it, as with its own statements.
        if (inTransaction) await runner!.query('SAVEPOINT webhooks_publish');
        await this.insertStatement(left, runner);
        if (inTransaction) await runner!.query('RELEASE SAVEPOINT webhooks_publish');
        break;
      } catch (err) {
        if (inTransaction) await runner!.query('ROLLBACK TO SAVEPOINT webhooks_publish');
        if (!isMissingParent(err) || tries >= MISSING_WEBHOOK_TRIES) throw err;
        const existing = await this.existingWebhooks(left.map((r) => r.webhookId), runner);
        const kept = left.filter((r) => existing.has(r.webhookId));
        const gone = [...new Set(left.filter((r) => !existing.has(r.webhookId)).map((r) => r.webhookId))];
        this.logger.warn(
          `Dropped ${left.length - kept.length} webhook deliveries of ${gone.length} webhook(s) deleted while the event was published (${gone.join(', ')}).`,
        );
        left = kept;
        if (left.length === 0) break;
      }
    }
    const written = new Set(left);
    return rows.map((r) => written.has(r));
  }

  private async insertStatement(rows: NewWebhookDelivery[], runner?: QueryRunner): Promise<void> {
    const q = this.q;
    const p = this.sql.params();
    const columns = ['id', 'webhookId', 'event', 'payload', 'status', 'attempts', 'isTest', 'nextAttemptAt', 'createdAt', 'updatedAt', 'traceparent', 'accountId'];
    // Only a statement with a delivery of an ordered webhook names the ordering columns.
    const ordered = rows.some((r) => r.orderingKey);
    if (ordered) columns.push('orderingKey', 'orderingSeq');
    const values = rows.map((r, i) => {
      const row = p.row([
        r.id, r.webhookId, r.event, r.payloadJson ?? JSON.stringify(r.payload), r.status, r.attempts, r.isTest, r.nextAttemptAt ?? null, r.createdAt, r.updatedAt,
        r.traceparent ?? null, r.accountId ?? null,
      ]);
      if (!ordered) return row;
      // Its place in its key's order, on the database's clock: one clock, whichever process published.
      const seq = r.orderingKey ? this.sql.orderingSeq(i) : 'NULL';
      return `${row.slice(0, -1)}, ${p.p(r.orderingKey ?? null)}, ${seq})`;
    });
    await this.sql.run(`INSERT INTO ${q('webhook_deliveries')} (${columns.map(q).join(', ')}) VALUES ${values.join(', ')}`, p.values, runner);
  }

  private async existingWebhooks(ids: string[], runner?: QueryRunner): Promise<Set<string>> {
    const q = this.q;
    const p = this.sql.params();
    const list = [...new Set(ids)].map((id) => p.p(id)).join(', ');
    const { rows } = await this.sql.run<{ id: string }>(`SELECT ${q('id')} FROM ${q('webhook_endpoints')} WHERE ${q('id')} IN (${list})`, p.values, runner);
    return new Set(rows.map((r) => r.id));
  }

  private async recordNow(records: WebhookAttemptRecord[]): Promise<Array<boolean | typeof NEXT_BATCH>> {
    // One outcome per delivery in a batch: a second one of the same delivery goes in the next batch.
    const seen = new Set<string>();
    const batch: WebhookAttemptRecord[] = [];
    const later = new Set<WebhookAttemptRecord>();
    for (const r of records) {
      if (seen.has(r.deliveryId)) later.add(r);
      else batch.push(r);
      seen.add(r.deliveryId);
    }
    const written = await this.writeOutcomes(batch);
    return records.map((r) => (later.has(r) ? NEXT_BATCH : written.has(r)));
  }

  /**
   * Fast path: the fenced UPDATE moves every row, then the attempts are logged. When it
   * moves fewer (a stale or duplicate outcome among them), that transaction is rolled back
   * and the batch is written again with its rows locked first, logging only the current ones.
   */
  private async writeOutcomes(batch: WebhookAttemptRecord[]): Promise<Set<WebhookAttemptRecord>> {
    if (batch.length === 0) return new Set();
    const all = await this.sql
      .transaction(async (runner) => {
        if ((await this.updateDeliveries(batch, runner)) !== batch.length) throw new StaleOutcome();
        await this.insertAttempts(batch, runner);
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof StaleOutcome) return false;
        throw err;
      });
    if (all) return new Set(batch);
    return this.sql.transaction(async (runner) => {
      const current = await this.lockCurrent(batch, runner);
      if (current.length > 0) {
        await this.updateDeliveries(current, runner);
        await this.insertAttempts(current, runner);
      }
      return new Set(current);
    });
  }

  /** Locks the batch's rows and answers the records whose delivery still stands where their attempt began. */
  private async lockCurrent(batch: WebhookAttemptRecord[], runner: QueryRunner): Promise<WebhookAttemptRecord[]> {
    const q = this.q;
    const p = this.sql.params();
    const ids = batch.map((r) => p.p(r.deliveryId)).join(', ');
    const { rows } = await this.sql.run<{ id: string; attempts: number; status: string; error: string | null; nextAttemptAt: unknown }>(
      `SELECT ${q('id')}, ${q('attempts')}, ${q('status')}, ${q('error')}, ${q('nextAttemptAt')} FROM ${this.sql.from('webhook_deliveries', 'PRIMARY')} WHERE ${q('id')} IN (${ids}) FOR UPDATE`,
      p.values,
      runner,
    );
    const now = new Map(rows.map((row) => [row.id, row]));
    return batch.filter((r) => {
      const row = now.get(r.deliveryId);
      if (row === undefined || Number(row.attempts) !== r.attempt - 1) return false;
      if (row.status === 'pending' || row.status === 'retrying') return true;
      return row.status === 'failed' && row.nextAttemptAt === null && (row.error ?? '').startsWith(NOT_SENT_WHILE_DISABLED);
    });
  }

  /** The fenced write: each row changes only while it has made one attempt fewer than this one. */
  private async updateDeliveries(batch: WebhookAttemptRecord[], runner: QueryRunner): Promise<number> {
    const q = this.q;
    const p = this.sql.params();
    const now = new Date();
    // A value the whole batch shares (under load most outcomes are alike: 2xx, attempt 1, no error)
    // is one parameter; only the others take a CASE over the ids.
    const column = (name: string, type: WebhookSqlType, value: (r: WebhookAttemptRecord) => unknown) => `${q(name)} = ${byId(type, value)}`;
    const byId = (type: WebhookSqlType, value: (r: WebhookAttemptRecord) => unknown) => {
      const values = batch.map(value);
      if (values.every((v) => sameValue(v, values[0]))) return p.p(values[0], type);
      return `CASE ${q('id')} ${batch.map((r, i) => `WHEN ${p.p(r.deliveryId)} THEN ${p.p(values[i], type)}`).join(' ')} END`;
    };
    const sets = [
      column('status', 'text', (r) => r.status),
      column('attempts', 'int', (r) => r.attempt),
      column('statusCode', 'int', (r) => r.statusCode),
      column('durationMs', 'int', (r) => r.durationMs),
      column('error', 'text', (r) => clip(r.error)),
      column('responseBody', 'json', (r) => (r.responseBody === null ? null : JSON.stringify(r.responseBody))),
      column('nextAttemptAt', 'time', (r) => r.nextAttemptAt),
      `${q('lockedUntil')} = NULL`,
      `${q('updatedAt')} = ${p.p(now, 'time')}`,
    ];
    // A delivery ended as "not sent" by a disable while this attempt was in flight takes the attempt's truth.
    const open = `(${q('status')} IN ('pending', 'retrying') OR (${q('status')} = 'failed' AND ${q('nextAttemptAt')} IS NULL AND ${q('error')} LIKE '${NOT_SENT_WHILE_DISABLED}%'))`;
    // The ids as an IN list, so the rows are found by primary key, each locked alone.
    const ids = batch.map((r) => p.p(r.deliveryId)).join(', ');
    const expected = byId('int', (r) => r.attempt - 1);
    const fence = `${q('id')} IN (${ids}) AND ${q('attempts')} = ${expected} AND ${open}`;
    const result = await this.sql.run(`UPDATE ${this.sql.from('webhook_deliveries', 'PRIMARY')} SET ${sets.join(', ')} WHERE ${fence}`, p.values, runner);
    return result.affected;
  }

  private async insertAttempts(records: WebhookAttemptRecord[], runner: QueryRunner): Promise<void> {
    const q = this.q;
    const p = this.sql.params();
    const columns = ['deliveryId', 'attempt', 'at', 'success', 'statusCode', 'durationMs', 'error', 'requestHeaders', 'responseHeaders', 'responseBody'];
    const values = records.map((r) =>
      p.row([
        r.deliveryId, r.attempt, r.at, r.success, r.statusCode, r.durationMs, clip(r.error), JSON.stringify(r.requestHeaders),
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
