import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Redis } from 'ioredis';

export const MYSQL = { host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.TEST_MYSQL_PORT ?? 3306), user: 'root', password: '' };
export const POSTGRES = { host: process.env.TEST_PG_HOST ?? '127.0.0.1', port: Number(process.env.TEST_PG_PORT ?? 5432), user: 'postgres' };
export const REDIS = { host: process.env.TEST_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.TEST_REDIS_PORT ?? 6379) };

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A fresh MariaDB/MySQL database; fails loudly when the server does not answer. */
export async function createTestDatabase(): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = uniqueName('wh_test');
  const conn = await mysql.createConnection({ ...MYSQL, connectTimeout: 5000 }).catch((err: Error) => {
    throw new Error(`MariaDB/MySQL is not answering on ${MYSQL.host}:${MYSQL.port}: ${err.message}. Start it before running the tests.`);
  });
  await conn.query(`CREATE DATABASE \`${name}\``);
  await conn.end();
  return {
    name,
    drop: async () => {
      const c = await mysql.createConnection(MYSQL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** A fresh PostgreSQL database; fails loudly when the server does not answer. */
export async function createPostgresDatabase(): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = uniqueName('wh_test');
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is not answering on ${POSTGRES.host}:${POSTGRES.port}: ${err.message}. Start it before running the tests.`);
  });
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    name,
    drop: async () => {
      const c = new pg.Client({ ...POSTGRES, database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Checks Redis answers, then returns a client for test-side inspection. */
export async function connectRedis(): Promise<Redis> {
  const client = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  await client.connect().catch((err: Error) => {
    throw new Error(`Redis is not answering on ${REDIS.host}:${REDIS.port}: ${err.message}. Start it before running the tests.`);
  });
  return client;
}

/** Deletes every key of one Bull prefix. */
export async function dropQueueKeys(prefix: string): Promise<void> {
  const client = await connectRedis();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A TCP port of 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
