import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryWriter } from '../src/webhooks/engine/webhook-delivery.writer.js';
import type { WebhookAttemptRecord } from '../src/webhooks/engine/webhook-delivery.writer.js';
import { WebhookEvent } from '../src/webhooks/index.js';
import { bootWebhooksHost } from './support/webhooks-host.js';
import type { WebhooksHost } from './support/webhooks-host.js';

class WarnLog extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override error(): void {}
  override log(): void {}
}

/** Settles, or rejects after `ms` with what did not settle: a hung write fails the test instead of the suite. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function outcome(deliveryId: string, attempt: number, statusCode = 200): WebhookAttemptRecord {
  return {
    deliveryId,
    attempt,
    at: new Date(),
    success: statusCode < 300,
    statusCode,
    durationMs: 12,
    error: statusCode < 300 ? null : `HTTP ${statusCode}`,
    responseBody: 'ok',
    requestHeaders: { 'x-webhook-attempt': String(attempt) },
    status: statusCode < 300 ? 'success' : 'retrying',
    nextAttemptAt: statusCode < 300 ? null : new Date(Date.now() + 60_000),
  };
}

describe.each(['mariadb', 'postgres'] as const)('the delivery writer under the faults it expects (%s)', (engine) => {
  let host: WebhooksHost;
  let writer: WebhookDeliveryWriter;
  let webhookId: string;
  const log = new WarnLog();

  /** Fresh pending deliveries of the test webhook, written as a publish writes them. */
  async function deliveries(count: number, webhook = webhookId, ids?: string[]): Promise<string[]> {
    const now = new Date();
    const rows = Array.from({ length: count }, (_, i) => ({
      id: ids?.[i] ?? randomUUID(),
      webhookId: webhook,
      event: 'tag.added',
      payload: { event: 'tag.added' },
      status: 'pending' as const,
      attempts: 0,
      isTest: false,
      nextAttemptAt: new Date(now.getTime() + 3_600_000),
      createdAt: now,
      updatedAt: now,
    }));
    expect(await writer.insert(rows)).toEqual(rows.map(() => true));
    return rows.map((r) => r.id);
  }

  async function attemptRows(ids: string[]): Promise<Array<{ deliveryId: string; attempt: number }>> {
    const q = engine === 'postgres' ? '"' : '`';
    const list = ids.map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?')).join(', ');
    const rows: Array<{ deliveryId: string; attempt: number }> = await host.dataSource.query(
      `SELECT ${q}deliveryId${q} AS "deliveryId", attempt FROM webhook_delivery_attempts WHERE ${q}deliveryId${q} IN (${list}) ORDER BY attempt`,
      ids,
    );
    return rows.map((r) => ({ deliveryId: r.deliveryId, attempt: Number(r.attempt) }));
  }

  beforeAll(async () => {
    // No worker: the test alone writes outcomes.
    host = await bootWebhooksHost({ engine, logger: log, options: { processDeliveries: false } });
    writer = host.app.get(WebhookDeliveryWriter);
    const created = await host.http.post(host.admin).send({ name: 'w', url: 'https://127.0.0.1:9/hook', events: ['*'] }).expect(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await host?.close();
  });

  it('answers false for a stale outcome alone, and writes the rest of its batch', async () => {
    const [stale, ...others] = await deliveries(4);
    expect(await writer.record(outcome(stale, 1))).toBe(true);

    // Attempt 1 of `stale` is recorded already (another worker's, after Redis lost its data): its second outcome comes in one batch with three fresh ones.
    const answers = await within(Promise.all([writer.record(outcome(stale, 1, 500)), ...others.map((id) => writer.record(outcome(id, 1)))]), 10_000, 'the batch');
    expect(answers).toEqual([false, true, true, true]);

    const attempts = await attemptRows([stale, ...others]);
    expect(attempts.filter((a) => a.deliveryId === stale)).toHaveLength(1);
    for (const id of others) expect(attempts.filter((a) => a.deliveryId === id)).toEqual([{ deliveryId: id, attempt: 1 }]);
    const [row] = await host.dataSource.query(`SELECT status FROM webhook_deliveries WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [stale]);
    expect(row.status).toBe('success');
  });

  it('writes each outcome of a batch to its own row, the values they share and those they do not', async () => {
    const [second, failing, ...fresh] = await deliveries(4);
    expect(await writer.record(outcome(second, 1, 500))).toBe(true);

    // One batch: attempt 2 of one delivery, a 503 and two 2xx: some columns alike, some not.
    const batch = [outcome(second, 2), outcome(failing, 1, 503), ...fresh.map((id) => outcome(id, 1))];
    expect(await within(Promise.all(batch.map((o) => writer.record(o))), 10_000, 'the batch')).toEqual([true, true, true, true]);

    const q = engine === 'postgres' ? '"' : '`';
    const list = [second, failing, ...fresh].map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?')).join(', ');
    const rows: Array<{ id: string; status: string; attempts: number; statusCode: number; nextAttemptAt: Date | null }> = await host.dataSource.query(
      `SELECT id, status, attempts, ${q}statusCode${q} AS "statusCode", ${q}nextAttemptAt${q} AS "nextAttemptAt" FROM webhook_deliveries WHERE id IN (${list})`,
      [second, failing, ...fresh],
    );
    const byId = new Map(rows.map((r) => [r.id, { status: r.status, attempts: Number(r.attempts), statusCode: Number(r.statusCode), retries: r.nextAttemptAt !== null }]));
    expect(byId.get(second)).toEqual({ status: 'success', attempts: 2, statusCode: 200, retries: false });
    expect(byId.get(failing)).toEqual({ status: 'retrying', attempts: 1, statusCode: 503, retries: true });
    for (const id of fresh) expect(byId.get(id)).toEqual({ status: 'success', attempts: 1, statusCode: 200, retries: false });
    const attempts = await attemptRows([second, failing, ...fresh]);
    expect(attempts.filter((a) => a.deliveryId === second).map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('answers false, without throwing, for a single stale outcome', async () => {
    const [id] = await deliveries(1);
    expect(await writer.record(outcome(id, 1))).toBe(true);
    await expect(within(writer.record(outcome(id, 1)), 10_000, 'the stale outcome')).resolves.toBe(false);
  });

  it('settles two outcomes of one delivery handed in together, and every outcome after them', async () => {
    const [twice, other] = await deliveries(2);
    const answers = await within(
      Promise.all([writer.record(outcome(twice, 1)), writer.record(outcome(twice, 1, 503)), writer.record(outcome(other, 1))]),
      10_000,
      'two outcomes of one delivery',
    );
    expect(answers.slice(0, 2).sort()).toEqual([false, true]);
    expect(answers[2]).toBe(true);
    // The writer is not stalled: a later outcome is written too.
    const [later] = await deliveries(1);
    await expect(within(writer.record(outcome(later, 1)), 10_000, 'a later outcome')).resolves.toBe(true);
    expect(await attemptRows([twice])).toHaveLength(1);
  });

  it('drops the rows of a webhook deleted during a publish, and stores the others of the batch', async () => {
    const gone = await host.http.post(host.admin).send({ name: 'gone', url: 'https://127.0.0.1:9/gone', events: ['*'] }).expect(201);
    const kept = await host.http.post(host.admin).send({ name: 'kept', url: 'https://127.0.0.1:9/kept', events: ['*'] }).expect(201);
    // The module's copy of the webhooks still has `gone` (a publish already under way, or a copy not yet reloaded)...
    await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 1 } });
    // ...and keeps it once the creates' own change messages have come back.
    await host.endpointsSettled();
    await host.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [gone.body.id]);
    log.warnings.length = 0;

    // Several publishes at once, so they share one INSERT.
    const published = await within(
      Promise.all(Array.from({ length: 5 }, (_, i) => host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 10 + i } }))),
      10_000,
      'the publishes',
    );
    for (const ids of published) expect(ids).toHaveLength(2); // the first webhook and `kept`, not `gone`
    const stored: Array<{ webhookId: string }> = await host.dataSource.query(
      `SELECT ${engine === 'postgres' ? '"webhookId"' : 'webhookId'} AS "webhookId" FROM webhook_deliveries WHERE id IN (${published
        .flat()
        .map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?'))
        .join(', ')})`,
      published.flat(),
    );
    expect(stored).toHaveLength(10);
    expect(stored.filter((r) => r.webhookId === kept.body.id)).toHaveLength(5);
    expect(log.warnings.some((w) => w.includes('deleted while the event was published') && w.includes(gone.body.id))).toBe(true);
  });

  it("drops such a row inside the host's transaction without failing it", async () => {
    const gone = await host.http.post(host.admin).send({ name: 'gone2', url: 'https://127.0.0.1:9/gone2', events: ['*'] }).expect(201);
    await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 1 } });
    await host.endpointsSettled();
    await host.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = ${engine === 'postgres' ? '$1' : '?'}`, [gone.body.id]);
    log.warnings.length = 0;

    const ids = await host.dataSource.transaction(async (manager) => {
      const published = await host.publisher.publish(WebhookEvent.TakeoverRequested, { conversation: { id: 99 } }, { manager });
      // The host's own statement after it still runs in the same transaction.
      await manager.query('SELECT 1');
      return published;
    });
    expect(ids.length).toBeGreaterThan(0);
    const [row] = await host.dataSource.query(
      `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE id IN (${ids.map((_, i) => (engine === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`,
      ids,
    );
    expect(Number(row.n)).toBe(ids.length);
    // The row for `gone2` was in the statement, and was dropped.
    expect(log.warnings.some((w) => w.includes('deleted while the event was published') && w.includes(gone.body.id))).toBe(true);
  });

  /** How many deadlocks the database has broken so far (all of its databases). */
  async function deadlocks(): Promise<number> {
    if (engine === 'postgres') {
      const [row] = await host.dataSource.query('SELECT SUM(deadlocks) AS n FROM pg_stat_database');
      return Number(row.n);
    }
    const [row] = await host.dataSource.query("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
    return Number(row.Value);
  }

  /** Waits (on the condition, not a time) until a statement waits for a row lock. */
  async function someoneWaitsForALock(): Promise<void> {
    for (const deadline = Date.now() + 10_000; ; ) {
      if (engine === 'postgres') {
        const [row] = await host.dataSource.query('SELECT COUNT(*) AS n FROM pg_locks WHERE NOT granted');
        if (Number(row.n) > 0) return;
      } else {
        // InnoDB's own report (its information_schema tables are a cache that can lag).
        const [status] = await host.dataSource.query('SHOW ENGINE INNODB STATUS');
        const sessions = String(status.Status).split('LIST OF TRANSACTIONS FOR EACH SESSION')[1] ?? '';
        if (sessions.includes('FOR THIS LOCK TO BE GRANTED')) return;
      }
      if (Date.now() > deadline) throw new Error('No statement came to wait for a lock');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * A transaction of another client that has written many rows of a table of its own (so the
   * database picks the writer, not it, as a deadlock's victim) and holds no lock on deliveries yet.
   */
  async function heavyTransaction() {
    await host.dataSource.query('CREATE TABLE IF NOT EXISTS ballast (n INT PRIMARY KEY)');
    await host.dataSource.query('DELETE FROM ballast');
    const runner = host.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`INSERT INTO ballast (n) VALUES ${Array.from({ length: 200 }, (_, i) => `(${i})`).join(', ')}`);
    return runner;
  }

  /** Deadlocks broken so far: polled, as PostgreSQL reports a backend's count a moment after. */
  async function moreDeadlocksThan(before: number): Promise<number> {
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const now = await deadlocks();
      if (now > before || Date.now() > deadline) return now;
    }
  }

  it("writes an outcome batch chosen as a deadlock's victim again, losing none of it", async () => {
    // first < second in the primary key and on disk: the writer locks `first`, then waits for `second`, which the other client holds.
    const [first, second] = [randomUUID(), randomUUID()].sort();
    await deliveries(1, webhookId, [first]);
    await deliveries(1, webhookId, [second]);
    const other = await heavyTransaction();
    const ph = (n: number) => (engine === 'postgres' ? `$${n}` : '?');
    const touch = `UPDATE webhook_deliveries SET ${engine === 'postgres' ? '"updatedAt"' : 'updatedAt'} = ${engine === 'postgres' ? 'LOCALTIMESTAMP(3)' : 'NOW(3)'} WHERE id = ${ph(1)}`;
    try {
      await other.query(touch, [second]);
      const before = await deadlocks();
      const written = Promise.all([writer.record(outcome(first, 1)), writer.record(outcome(second, 1))]);
      written.catch(() => undefined);
      await someoneWaitsForALock();
      // The other client now asks for `first`, which the writer holds: a deadlock, and the writer's transaction is its victim.
      await other.query(touch, [first]);
      await other.commitTransaction();
      await expect(within(written, 20_000, 'the outcomes')).resolves.toEqual([true, true]);
      expect(await moreDeadlocksThan(before)).toBeGreaterThan(before);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    expect(await attemptRows([first, second])).toEqual([
      { deliveryId: expect.any(String), attempt: 1 },
      { deliveryId: expect.any(String), attempt: 1 },
    ]);
    const rows: Array<{ status: string }> = await host.dataSource.query(`SELECT status FROM webhook_deliveries WHERE id IN (${ph(1)}, ${ph(2)})`, [first, second]);
    expect(rows.map((r) => r.status)).toEqual(['success', 'success']);
  });

  if (engine === 'mariadb') it("writes a publish chosen as a deadlock's victim again (InnoDB's gap locks)", async () => {
    const other = await heavyTransaction();
    // Two new rows: one sorts first, the other inside a gap the other client locked.
    const early = `00000000-0000-4000-8000-${randomUUID().slice(-12)}`;
    const inGap = `7fffffff-0000-4000-8000-${randomUUID().slice(-12)}`;
    try {
      await other.query("SELECT id FROM webhook_deliveries WHERE id > '7ffffffe' AND id < '80000000' FOR UPDATE");
      const before = await deadlocks();
      const now = new Date();
      const row = (id: string) => ({
        id, webhookId, event: 'tag.added', payload: { event: 'tag.added' }, status: 'pending' as const, attempts: 0, isTest: false,
        nextAttemptAt: new Date(now.getTime() + 3_600_000), createdAt: now, updatedAt: now,
      });
      // One INSERT: `early` goes in, then `inGap` waits for the gap.
      const inserted = Promise.all([writer.insert([row(early)]), writer.insert([row(inGap)])]);
      inserted.catch(() => undefined);
      await someoneWaitsForALock();
      // The other client now asks for `early`, which the INSERT holds: a deadlock, and the INSERT is its victim.
      await other.query('SELECT id FROM webhook_deliveries WHERE id = ? FOR UPDATE', [early]);
      await other.commitTransaction();
      await expect(within(inserted, 20_000, 'the publish')).resolves.toEqual([[true], [true]]);
      expect(await moreDeadlocksThan(before)).toBeGreaterThan(before);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    const [count] = await host.dataSource.query('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE id IN (?, ?)', [early, inGap]);
    expect(Number(count.n)).toBe(2);
  });
});
