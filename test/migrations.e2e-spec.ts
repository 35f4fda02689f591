import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { chatEntities, chatMigrations } from '../src/chat/chat.entities.js';
import {
  AddAttemptResponses1739000000000,
  AddWebhookAccounts1740000000000,
  AddWebhookOrdering1741000000000,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookEndpoint,
  webhookEntities,
  webhookMigrations,
} from '../src/webhooks/index.js';
import { MYSQL, POSTGRES, createPostgresDatabase, createTestDatabase } from './support/services.js';

const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.each([
  [
    'MariaDB',
    async (): Promise<DataSourceOptions> => {
      const db = await createTestDatabase();
      drops.push(db.drop);
      return { type: 'mariadb', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, database: db.name };
    },
  ],
  [
    'PostgreSQL',
    async (): Promise<DataSourceOptions> => {
      const db = await createPostgresDatabase();
      drops.push(db.drop);
      return { type: 'postgres', host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, database: db.name };
    },
  ],
])('webhookMigrations on %s', (_name, connect) => {
  it('create exactly the schema the entities describe, and revert cleanly', async () => {
    const ds = new DataSource({ ...(await connect()), entities: webhookEntities, migrations: webhookMigrations } as DataSourceOptions);
    await checkMigrations(ds, webhookMigrations.map((m) => m.name), ['webhook_endpoints', 'webhook_deliveries', 'webhook_delivery_attempts']);
  });

  it('add the attempts\' response columns to a log written before them, keeping its rows', async () => {
    const options = await connect();
    const previous = webhookMigrations.slice(0, webhookMigrations.indexOf(AddAttemptResponses1739000000000));
    const before = new DataSource({ ...options, migrations: previous } as DataSourceOptions);
    await before.initialize();
    try {
      await before.runMigrations();
      const q = (name: string) => before.driver.escape(name);
      const at = new Date('2025-01-15T10:31:00.000Z');
      await before.createQueryBuilder().insert().into('webhook_endpoints').values({
        id: '00000000-0000-4000-8000-000000000001', name: 'CRM', url: 'https://crm.example.com/h', events: '["*"]', enabled: true,
        format: 'json', consecutiveFailures: 0, createdAt: at, updatedAt: at,
      }).execute();
      await before.createQueryBuilder().insert().into('webhook_deliveries').values({
        id: '00000000-0000-4000-8000-000000000002', webhookId: '00000000-0000-4000-8000-000000000001', event: 'contact.created',
        payload: () => `'{"event":"contact.created"}'`, status: 'success', attempts: 1, statusCode: 200, durationMs: 12, isTest: false,
        createdAt: at, updatedAt: at,
      }).execute();
      await before.query(
        `INSERT INTO ${q('webhook_delivery_attempts')} (${['deliveryId', 'attempt', 'at', 'success', 'statusCode', 'durationMs'].map(q).join(', ')}) ` +
          `VALUES ('00000000-0000-4000-8000-000000000002', 1, '2025-01-15 10:31:00', ${before.options.type === 'postgres' ? 'true' : '1'}, 200, 12)`,
      );
    } finally {
      await before.destroy();
    }

    const after = new DataSource({ ...options, entities: webhookEntities, migrations: webhookMigrations } as DataSourceOptions);
    await after.initialize();
    try {
      // This migration and every one after it.
      const ran = await after.runMigrations();
      expect(ran.map((m) => m.name)).toEqual(webhookMigrations.slice(previous.length).map((m) => m.name));
      expect((await after.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
      const rows = await after.getRepository(WebhookDeliveryAttempt).find();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ attempt: 1, statusCode: 200, durationMs: 12, requestHeaders: null, responseHeaders: null, responseBody: null });
      expect(await after.getRepository(WebhookDelivery).count()).toBe(1);
      for (let i = 0; i < ran.length; i++) await after.undoLastMigration();
      const table = await after.createQueryRunner().getTable('webhook_delivery_attempts');
      expect(table?.columns.map((c) => c.name).sort()).toEqual(['at', 'attempt', 'deliveryId', 'durationMs', 'error', 'statusCode', 'success']);
    } finally {
      await after.destroy();
    }
  });

  it('add accounts and inboxes to webhooks and deliveries written before them: the old rows become platform-wide', async () => {
    const options = await connect();
    const previous = webhookMigrations.slice(0, webhookMigrations.indexOf(AddWebhookAccounts1740000000000));
    const before = new DataSource({ ...options, migrations: previous } as DataSourceOptions);
    const at = new Date('2025-01-15T10:31:00.000Z');
    await before.initialize();
    try {
      await before.runMigrations();
      await before.createQueryBuilder().insert().into('webhook_endpoints').values({
        id: '00000000-0000-4000-8000-000000000011', name: 'CRM', url: 'https://crm.example.com/h', events: '["*"]', enabled: true,
        format: 'json', consecutiveFailures: 0, rateLimit: 2, createdAt: at, updatedAt: at,
      }).execute();
      await before.createQueryBuilder().insert().into('webhook_deliveries').values({
        id: '00000000-0000-4000-8000-000000000012', webhookId: '00000000-0000-4000-8000-000000000011', event: 'contact.created',
        payload: () => `'{"event":"contact.created"}'`, status: 'failed', attempts: 1, statusCode: 500, durationMs: 12, isTest: false,
        createdAt: at, updatedAt: at,
      }).execute();
    } finally {
      await before.destroy();
    }

    const after = new DataSource({ ...options, entities: webhookEntities, migrations: webhookMigrations } as DataSourceOptions);
    await after.initialize();
    try {
      const ran = await after.runMigrations();
      expect(ran.map((m) => m.name)).toEqual(webhookMigrations.slice(previous.length).map((m) => m.name));
      expect((await after.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
      const [endpoint] = await after.getRepository(WebhookEndpoint).find();
      expect(endpoint).toMatchObject({
        id: '00000000-0000-4000-8000-000000000011', name: 'CRM', rateLimit: 2, events: ['*'],
        accountId: null, inboxIds: [], description: null, source: 'admin',
      });
      const [delivery] = await after.getRepository(WebhookDelivery).find();
      expect(delivery).toMatchObject({ id: '00000000-0000-4000-8000-000000000012', status: 'failed', accountId: null });
      // New rows take the new columns, and the account's indexes exist.
      await after.getRepository(WebhookEndpoint).insert({
        id: '00000000-0000-4000-8000-000000000013', name: 'Zap', url: 'https://hooks.zapier.com/x', events: ['tag.added'], enabled: true,
        format: 'json', consecutiveFailures: 0, accountId: 'acct-1', inboxIds: ['inbox-1'], source: 'zapier', description: 'Leads', createdAt: at, updatedAt: at,
      });
      expect(await after.getRepository(WebhookEndpoint).findOneByOrFail({ accountId: 'acct-1' })).toMatchObject({ inboxIds: ['inbox-1'], source: 'zapier' });
      // The account leads both indexes (TypeORM's table reader lists PostgreSQL's columns in table order, so ask the catalog).
      expect(await indexColumns(after, 'IDX_webhook_endpoints_account_created')).toEqual(['accountId', 'createdAt']);
      expect(await indexColumns(after, 'IDX_webhook_deliveries_account_status')).toEqual(['accountId', 'status', 'isTest', 'createdAt']);

      for (let i = 0; i < ran.length; i++) await after.undoLastMigration();
      const reverted = await after.createQueryRunner().getTable('webhook_endpoints');
      expect(reverted?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['accountId']));
      expect(reverted?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['inboxIds']));
      expect(await after.query(`SELECT ${after.driver.escape('name')} FROM ${after.driver.escape('webhook_endpoints')} ORDER BY ${after.driver.escape('name')}`)).toEqual([
        { name: 'CRM' },
        { name: 'Zap' },
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('add ordering to webhooks and deliveries written before it: the old webhooks order nothing, the old deliveries wait for none', async () => {
    const options = await connect();
    const previous = webhookMigrations.slice(0, webhookMigrations.indexOf(AddWebhookOrdering1741000000000));
    const before = new DataSource({ ...options, migrations: previous } as DataSourceOptions);
    const at = new Date('2025-01-15T10:31:00.000Z');
    await before.initialize();
    try {
      await before.runMigrations();
      await before.createQueryBuilder().insert().into('webhook_endpoints').values({
        id: '00000000-0000-4000-8000-000000000021', name: 'CRM', url: 'https://crm.example.com/h', events: '["*"]', enabled: true,
        format: 'json', consecutiveFailures: 0, inboxIds: '[]', createdAt: at, updatedAt: at,
      }).execute();
      await before.createQueryBuilder().insert().into('webhook_deliveries').values({
        id: '00000000-0000-4000-8000-000000000022', webhookId: '00000000-0000-4000-8000-000000000021', event: 'message.received',
        payload: () => `'{"event":"message.received"}'`, status: 'pending', attempts: 0, isTest: false, nextAttemptAt: at, createdAt: at, updatedAt: at,
      }).execute();
    } finally {
      await before.destroy();
    }

    const after = new DataSource({ ...options, entities: webhookEntities, migrations: webhookMigrations } as DataSourceOptions);
    await after.initialize();
    try {
      expect((await after.runMigrations()).map((m) => m.name)).toEqual(['AddWebhookOrdering1741000000000']);
      expect((await after.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
      expect(await after.getRepository(WebhookEndpoint).findOneByOrFail({ id: '00000000-0000-4000-8000-000000000021' })).toMatchObject({ ordering: 'none' });
      expect(await after.getRepository(WebhookDelivery).findOneByOrFail({ id: '00000000-0000-4000-8000-000000000022' })).toMatchObject({
        status: 'pending', orderingKey: null, orderingSeq: null,
      });
      expect(await indexColumns(after, 'IDX_webhook_deliveries_ordering')).toEqual(['webhookId', 'orderingKey', 'status', 'orderingSeq']);
      await after.undoLastMigration();
      const endpoints = await after.createQueryRunner().getTable('webhook_endpoints');
      const deliveries = await after.createQueryRunner().getTable('webhook_deliveries');
      expect(endpoints?.columns.map((c) => c.name)).not.toContain('ordering');
      expect(deliveries?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['orderingKey']));
      expect(deliveries?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['orderingSeq']));
      expect(await after.query(`SELECT ${after.driver.escape('status')} FROM ${after.driver.escape('webhook_deliveries')}`)).toEqual([{ status: 'pending' }]);
    } finally {
      await after.destroy();
    }
  });

  it("leave no drift beside the demo host's own migrations either", async () => {
    const ds = new DataSource({
      ...(await connect()),
      entities: [...webhookEntities, ...chatEntities],
      migrations: [...webhookMigrations, ...chatMigrations],
    } as DataSourceOptions);
    // TypeORM runs migrations in the order of the timestamp in their names.
    const inRunOrder = [...webhookMigrations, ...chatMigrations].map((m) => m.name).sort((a, b) => Number(a.match(/\d+$/)![0]) - Number(b.match(/\d+$/)![0]));
    await checkMigrations(ds, inRunOrder, ['webhook_endpoints', 'chat_messages']);
  });
});

/** An index's columns in index order. */
async function indexColumns(ds: DataSource, index: string): Promise<string[]> {
  if (ds.options.type === 'postgres') {
    const [row] = await ds.query(`SELECT indexdef FROM pg_indexes WHERE indexname = $1`, [index]);
    return String(row?.indexdef ?? '')
      .replace(/^.*\((.*)\)$/, '$1')
      .split(',')
      .map((c) => c.trim().replace(/"/g, ''));
  }
  const rows: Array<{ name: string }> = await ds.query(
    'SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = ? ORDER BY SEQ_IN_INDEX',
    [index],
  );
  return rows.map((r) => r.name);
}

async function checkMigrations(ds: DataSource, names: string[], tables: string[]): Promise<void> {
  await ds.initialize();
  try {
    const ran = await ds.runMigrations();
    // TypeORM runs migrations in the order of the timestamp that ends each name.
    const byTime = [...names].sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13)));
    expect(ran.map((m) => m.name)).toEqual(byTime);
    // What a host's `migration:generate` would write after our migrations: nothing.
    const drift = await ds.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);

    const qr = ds.createQueryRunner();
    for (const table of tables) expect(await qr.hasTable(table)).toBe(true);
    for (let i = 0; i < names.length; i++) await ds.undoLastMigration();
    for (const table of tables) expect(await qr.hasTable(table)).toBe(false);
    await qr.release();
  } finally {
    await ds.destroy();
  }
}
