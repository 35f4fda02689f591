/**
 * The demo's database plumbing: reading `DATABASE_URL` and creating (or, for
 * tests, dropping) the database it names. The drivers are loaded only when
 * used, so `pg` stays optional for a MySQL/MariaDB host and the other way round.
 */

/** `mariadb` only from a `mariadb://` URL: TypeORM then reads MariaDB's catalog its own way. */
export type DemoDatabaseType = 'mysql' | 'mariadb' | 'postgres';

/** A parsed `DATABASE_URL`. */
export interface DatabaseTarget {
  type: DemoDatabaseType;
  host: string;
  port: number;
  username?: string;
  password?: string;
  database: string;
  /** The URL as given. */
  url: string;
}

/** What a database URL may start with, and the TypeORM driver each one means. */
const SCHEMES: Record<string, DemoDatabaseType> = {
  'mysql:': 'mysql',
  'mariadb:': 'mariadb',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
};

const DEFAULT_PORTS: Record<DemoDatabaseType, number> = { mysql: 3306, mariadb: 3306, postgres: 5432 };

/** Thrown for a database URL the demo cannot use; the message names the variable and says what to write. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/**
 * Reads `mysql://user:password@host:3306/name` (also `mariadb://`) or
 * `postgres://user:password@host:5432/name` (also `postgresql://`).
 * `variable` only serves the error message.
 */
export function parseDatabaseUrl(value: string, variable = 'DATABASE_URL'): DatabaseTarget {
  const example = 'e.g. mysql://root@127.0.0.1:3306/live_chat or postgres://user:password@127.0.0.1:5432/live_chat';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DatabaseUrlError(`${variable} is not a URL; ${example}.`);
  }
  const type = SCHEMES[url.protocol];
  if (!type) {
    throw new DatabaseUrlError(
      `${variable} must start with mysql://, mariadb://, postgres:// or postgresql://; got "${url.protocol}//". ${example}.`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (!database || database.includes('/')) {
    throw new DatabaseUrlError(`${variable} must name the database in its path ("${redactUrl(value)}"); ${example}.`);
  }
  if (!url.hostname) {
    throw new DatabaseUrlError(`${variable} must name a host ("${redactUrl(value)}"); ${example}.`);
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[type];
  return {
    type,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
    url: value,
  };
}

/** TypeORM's connection fields for a database URL; the app and `ormconfig.ts` add entities and migrations. */
export function databaseConnectionOptions(databaseUrl: string) {
  const target = parseDatabaseUrl(databaseUrl);
  const connection = {
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
  };
  // MySQL's DATETIME has no zone: keep it UTC whatever the server's or this process's zone.
  if (target.type === 'postgres') return { type: 'postgres' as const, ...connection };
  return { type: target.type, timezone: 'Z', ...connection };
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * Creates the database named by `databaseUrl` when it does not exist yet.
 * MySQL/MariaDB: `CREATE DATABASE` with utf8mb4 (chat text carries emoji);
 * PostgreSQL: through the `postgres` maintenance database.
 * Resolves to `true` when it created the database, `false` when it was there.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.type === 'postgres' ? ensurePostgresDatabase(target) : ensureMysqlDatabase(target);
}

/** Drops the database named by `databaseUrl` if it exists; for tests and throw-away checks. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.type !== 'postgres') {
    const connection = await connectMysql(target);
    try {
      await connection.query(`DROP DATABASE IF EXISTS ${quoteMysql(target.database)}`);
    } finally {
      await connection.end();
    }
  } else {
    const client = await connectPostgres(target);
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quotePostgres(target.database)}`);
    } finally {
      await client.end();
    }
  }
}

async function ensureMysqlDatabase(target: DatabaseTarget): Promise<boolean> {
  const connection = await connectMysql(target);
  try {
    // Look first: a user allowed into an existing database may lack the right to create one.
    const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      target.database,
    ]);
    if ((rows as unknown[]).length > 0) return false;
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS ${quoteMysql(target.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    return true;
  } finally {
    await connection.end();
  }
}

async function ensurePostgresDatabase(target: DatabaseTarget): Promise<boolean> {
  const client = await connectPostgres(target);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    if (found.rows.length > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quotePostgres(target.database)}`);
    } catch (err) {
      // Another process created it between the look-up and here.
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
    return true;
  } finally {
    await client.end();
  }
}

async function connectMysql(target: DatabaseTarget) {
  const mysql = await import('mysql2/promise');
  try {
    return await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.username,
      password: target.password,
    });
  } catch (err) {
    throw new Error(
      `Could not connect to MySQL/MariaDB at ${target.host}:${target.port} to create database "${target.database}": ` +
        `${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      { cause: err },
    );
  }
}

/** The part of `pg` used here; `pg` ships no types of its own and is optional. */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}

async function connectPostgres(target: DatabaseTarget): Promise<PgClient> {
  const moduleName = 'pg';
  let pg: { Client: new (config: Record<string, unknown>) => PgClient };
  try {
    pg = ((await import(moduleName)) as { default: typeof pg }).default;
  } catch (err) {
    throw new Error('DATABASE_URL is a PostgreSQL URL but the "pg" package is not installed: run `npm install pg`.', {
      cause: err,
    });
  }
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    database: 'postgres',
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(
      `Could not connect to PostgreSQL at ${target.host}:${target.port} to create database "${target.database}": ` +
        `${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      { cause: err },
    );
  }
  return client;
}

function quoteMysql(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function quotePostgres(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
