import { BullModule } from '@nestjs/bull';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { bullConnection } from '../../src/chat/redis-connection.js';
import { WebhookEndpointCache } from '../../src/webhooks/endpoints/webhook-endpoint.cache.js';
import { WebhookPublisher, WebhooksModule, webhookMigrations } from '../../src/webhooks/index.js';
import type { WebhooksModuleExtras, WebhooksModuleOptions } from '../../src/webhooks/index.js';
import { MYSQL, POSTGRES, REDIS, createPostgresDatabase, createTestDatabase, dropQueueKeys, uniqueName } from './services.js';
import { selfSignedCertificate } from './tls.js';

export interface WebhooksHost {
  app: INestApplication;
  http: ReturnType<typeof request>;
  emitter: EventEmitter2;
  publisher: WebhookPublisher;
  dataSource: DataSource;
  database: string;
  queuePrefix: string;
  /** The admin API's path prefix, with a leading slash. */
  admin: string;
  /** After a test changed webhook rows straight in SQL: drop the module's in-memory copy, as an admin write does. */
  forgetEndpoints(): void;
  /** Resolves once every webhook change announced so far (an admin write publishes one) has reached this process's copy. */
  endpointsSettled(): Promise<void>;
  close(): Promise<void>;
}

export interface HostOptions {
  options?: WebhooksModuleOptions & WebhooksModuleExtras;
  /** Share a database (and queue) with another host, as a second process would. */
  database?: string;
  queuePrefix?: string;
  /** The database engine (default MariaDB). */
  engine?: 'mariadb' | 'postgres';
  /** Where the app logs (default: errors to the console). */
  logger?: LoggerService;
  /** Another Redis for Bull (e.g. a closed port, to play Redis down). */
  redis?: { host: string; port: number; db?: number };
  /** A Redis Cluster for Bull instead (the queue prefix then carries a hash tag). */
  redisCluster?: Array<{ host: string; port: number }>;
}

/**
 * Boots the module the way a host app does: its own TypeORM (real MariaDB, the
 * module's migrations), Bull (real Redis, a prefix of its own) and event emitter.
 * Receivers use a self-signed certificate, trusted through the `tls.ca` option.
 */
export async function bootWebhooksHost(host: HostOptions = {}): Promise<WebhooksHost> {
  const engine = host.engine ?? 'mariadb';
  const db = host.database
    ? { name: host.database, drop: async () => undefined }
    : engine === 'postgres'
      ? await createPostgresDatabase()
      : await createTestDatabase();
  const queuePrefix = host.queuePrefix ?? (host.redisCluster ? `{${uniqueName('whq')}}` : uniqueName('whq'));
  const redis = host.redisCluster
    ? bullConnection({ redisUrl: '', clusterNodes: host.redisCluster, queuePrefix })
    : { options: { redis: { ...(host.redis ?? REDIS) }, prefix: queuePrefix }, close: async () => undefined };
  const options: WebhooksModuleOptions & WebhooksModuleExtras = {
    allowPrivateNetworks: true,
    tls: { ca: selfSignedCertificate().cert },
    ...host.options,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...(engine === 'postgres'
          ? { type: 'postgres' as const, host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user }
          : { type: 'mysql' as const, host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, password: MYSQL.password }),
        database: db.name,
        autoLoadEntities: true,
        migrations: webhookMigrations,
        migrationsRun: true,
        retryAttempts: 0,
      }),
      BullModule.forRoot(redis.options),
      EventEmitterModule.forRoot(),
      WebhooksModule.forRoot(options),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: host.logger ?? ['error'] });
  await app.init();
  const admin = `/${(options.adminPath ?? 'admin/live-chat/webhooks').replace(/^\/+|\/+$/g, '')}`;
  return {
    app,
    http: request(app.getHttpServer()),
    emitter: app.get(EventEmitter2),
    publisher: app.get(WebhookPublisher),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    database: db.name,
    queuePrefix,
    admin,
    forgetEndpoints: () => app.get(WebhookEndpointCache).invalidate(),
    endpointsSettled: async () => {
      const cache = app.get(WebhookEndpointCache);
      // A round trip on the connection that publishes: every PUBLISH sent before it has run...
      await cache['queue'].client.ping();
      // ...so its message went to the subscriber before this answer, and was handled before it.
      await cache['subscriber']!.ping();
    },
    close: async () => {
      await app.close();
      await redis.close();
      await db.drop();
      if (!host.queuePrefix && !host.redisCluster) await dropQueueKeys(queuePrefix);
    },
  };
}
