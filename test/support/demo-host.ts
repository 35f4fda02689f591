import type { NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createDemoApp } from '../../src/app.module.js';
import type { AppConfig } from '../../src/app.module.js';
import { MYSQL, REDIS, createTestDatabase, dropQueueKeys, uniqueName } from './services.js';
import { selfSignedCertificate } from './tls.js';

export interface DemoHost {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  database: string;
  queuePrefix: string;
  close(): Promise<void>;
}

/**
 * Boots the demo live-chat host as `npm start` builds it (1 MB JSON bodies,
 * ADMIN_TOKEN guard, migrations), on a fresh MariaDB database and a Bull prefix
 * of its own. Without `webhooks`, receivers on 127.0.0.1 with the test
 * certificate are reachable.
 */
export async function bootDemoHost(
  config: Omit<AppConfig, 'databaseUrl' | 'queuePrefix' | 'retryAttempts'> = {},
  nestOptions: Omit<NestApplicationOptions, 'bodyParser'> = { logger: ['error'] },
): Promise<DemoHost> {
  const db = await createTestDatabase();
  const queuePrefix = uniqueName('whq');
  let app: NestExpressApplication | undefined;
  try {
    app = await createDemoApp(
      {
        redisUrl: `redis://${REDIS.host}:${REDIS.port}`,
        ...config,
        databaseUrl: `mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${db.name}`,
        queuePrefix,
        retryAttempts: 0,
        webhooks: config.webhooks ?? { allowPrivateNetworks: true, tls: { ca: selfSignedCertificate().cert } },
      },
      nestOptions,
    );
    await app.init();
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.drop();
    throw err;
  }
  const started = app;
  return {
    app: started,
    http: request(started.getHttpServer()),
    database: db.name,
    queuePrefix,
    close: async () => {
      await started.close();
      await db.drop();
      await dropQueueKeys(queuePrefix);
    },
  };
}
