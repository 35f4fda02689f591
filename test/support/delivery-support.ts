import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import type { ReceivedRequest } from './https-receiver.js';
import { MYSQL, REDIS, connectRedis } from './services.js';
import { selfSignedCertificate } from './tls.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A header of a received request as one string. */
export function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

/** Received requests grouped by `X-Webhook-Id`, in arrival order. */
export function byDeliveryId(requests: ReceivedRequest[]): Map<string, ReceivedRequest[]> {
  const groups = new Map<string, ReceivedRequest[]>();
  for (const req of requests) {
    const id = header(req, 'x-webhook-id');
    groups.set(id, [...(groups.get(id) ?? []), req]);
  }
  return groups;
}

/** A connection to a test database of its own, for reading rows while (or after) the app holds (or closed) its own. */
export async function openDatabase(database: string): Promise<mysql.Connection> {
  return mysql.createConnection({ ...MYSQL, database, dateStrings: false });
}

export function databaseUrl(database: string): string {
  return `mysql://${MYSQL.user}${MYSQL.password ? `:${encodeURIComponent(MYSQL.password)}` : ''}@${MYSQL.host}:${MYSQL.port}/${database}`;
}

/** The test receivers' certificate in a PEM file, for the demo's `WEBHOOKS_TLS_CA_FILE`. */
export function writeCaFile(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-ca-'));
  const path = join(dir, 'ca.pem');
  writeFileSync(path, selfSignedCertificate().cert);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ClaimedRedisDatabase {
  db: number;
  /** `redis://host:port/<db>` */
  url: string;
  client: Redis;
  /** FLUSHDB, keeping this test's mark on the database; the number of keys just before and just after, atomically. */
  flush: () => Promise<{ before: number; after: number }>;
  release: () => Promise<void>;
}

/**
 * A Redis logical database (1..15) for this test alone, so that it may FLUSHDB
 * without touching the queues of tests running beside it (which use db 0). A
 * database is taken only while empty, and marked with a key that expires.
 */
export async function claimRedisDatabase(): Promise<ClaimedRedisDatabase> {
  const probe = await connectRedis();
  const count = Number(((await probe.config('GET', 'databases')) as string[])[1] ?? 16);
  probe.disconnect();
  const token = randomBytes(8).toString('hex');
  for (let db = count - 1; db >= 1; db--) {
    const client = new Redis({ ...REDIS, db, maxRetriesPerRequest: 1 });
    const taken = await client.set('webhooks-test:claimed', token, 'PX', 600_000, 'NX');
    if (taken === 'OK' && (await client.dbsize()) === 1) {
      return {
        db,
        url: `redis://${REDIS.host}:${REDIS.port}/${db}`,
        client,
        flush: async () => {
          const answers = await client.multi().dbsize().flushdb().dbsize().set('webhooks-test:claimed', token, 'PX', 600_000).exec();
          return { before: Number(answers?.[0]?.[1]), after: Number(answers?.[2]?.[1]) };
        },
        release: async () => {
          await client.flushdb();
          client.disconnect();
        },
      };
    }
    if (taken === 'OK') await client.del('webhooks-test:claimed');
    client.disconnect();
  }
  throw new Error(`No empty Redis database among 1..${count - 1} on ${REDIS.host}:${REDIS.port}; the FLUSHDB test needs one for itself.`);
}

/** The demo's environment for a delivery test: its own database and queue, the test receivers trusted, short delays. */
export function demoEnvironment(o: { database: string; queuePrefix: string; caFile: string; redisUrl?: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl(o.database),
    REDIS_URL: o.redisUrl ?? `redis://${REDIS.host}:${REDIS.port}`,
    WEBHOOKS_QUEUE_PREFIX: o.queuePrefix,
    WEBHOOKS_TLS_CA_FILE: o.caFile,
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOKS_REQUEST_TIMEOUT_MS: '2000',
    WEBHOOKS_RETRY_DELAYS_MS: '200,400,800,1600',
    WEBHOOKS_RECONCILE_INTERVAL_MS: '1000',
    ...o.extra,
  };
}

/** Runs `task` for 0..count-1, `parallel` at a time; resolves to the results in order (a rejection is kept as its error). */
export async function burst<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<Array<T | Error>> {
  const results: Array<T | Error> = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i).catch((err: Error) => err);
      }
    }),
  );
  return results;
}

/** A `tag.added` input for conversation `id`, as the chat code would emit it. */
export function taggedConversation(id: number): { conversation: Record<string, unknown>; tag: string } {
  return { conversation: { id, visitorName: 'Ada', status: 'open', createdAt: new Date() }, tag: `t${id}` };
}

/** A latch for receivers: requests wait on `opened` until `open()`. */
export function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
