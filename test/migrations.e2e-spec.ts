import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { chatEntities, chatMigrations } from '../src/chat/chat.entities.js';
import { webhookEntities, webhookMigrations } from '../src/webhooks/index.js';
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
