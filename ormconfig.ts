/**
 * The TypeORM CLI's view of the demo database, e.g. with this file compiled:
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/live_chat npx typeorm -d <out>/ormconfig.js migration:show
 * Reads DATABASE_URL with the demo's default; the app itself runs these migrations at start.
 *
 * The DataSource is the default export only: the TypeORM 1.x CLI refuses a file
 * that exports more than one DataSource ("must contain only one export of
 * DataSource instance"), even the same instance under two names. Its options
 * are exported as `dataSourceOptions` for code that wants a DataSource of its own.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { chatEntities, chatMigrations } from './src/chat/chat.entities.js';
import { databaseConnectionOptions } from './src/chat/ensure-database.js';
import { DEFAULT_DATABASE_URL } from './src/demo.config.js';
import { webhookEntities, webhookMigrations } from './src/webhooks/index.js';

export const dataSourceOptions: DataSourceOptions = {
  ...databaseConnectionOptions(process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL),
  entities: [...webhookEntities, ...chatEntities],
  migrations: [...webhookMigrations, ...chatMigrations],
  synchronize: false,
};

export default new DataSource(dataSourceOptions);
