import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import type { DynamicModule, NestApplicationOptions, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AdminTokenGuard, demoAdminScope } from './chat/admin-token.guard.js';
import { BodyParserErrorFilter } from './chat/body-parser-error.filter.js';
import { chatMigrations } from './chat/chat.entities.js';
import { ChatModule } from './chat/chat.module.js';
import { HealthModule } from './chat/health.module.js';
import { databaseConnectionOptions } from './chat/ensure-database.js';
import { bullConnection } from './chat/redis-connection.js';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from './demo.config.js';
import type { DemoConfig } from './demo.config.js';
import { WebhooksModule, webhookMigrations } from './webhooks/index.js';
import type { WebhooksModuleExtras, WebhooksModuleOptions } from './webhooks/index.js';

/**
 * What `createAppModule` takes: a `DemoConfig` from `loadDemoConfig()`, or any
 * part of one (missing fields get the section-5 defaults, not the environment;
 * `port`, `databaseType` and `warnings` are not used here). `webhooks` may also
 * carry `adminGuards`, which go after the token guard, and `tls: { ca }`.
 */
export interface AppConfig extends Partial<Omit<DemoConfig, 'webhooks'>> {
  webhooks?: WebhooksModuleOptions & WebhooksModuleExtras;
  /**
   * `api` (default): the chat routes, the admin API and, unless `processDeliveries` is false,
   * the delivery worker. `worker`: the delivery worker alone, with `/health` as its only route.
   */
  role?: 'api' | 'worker';
}

/** The host's TypeORM connection for a database URL, with the module's and the demo's migrations run at start. */
export function typeOrmOptions(databaseUrl: string, retryAttempts?: number): TypeOrmModuleOptions {
  return {
    ...databaseConnectionOptions(databaseUrl),
    autoLoadEntities: true,
    migrations: [...webhookMigrations, ...chatMigrations],
    migrationsRun: true,
    synchronize: false,
    retryAttempts: retryAttempts ?? 10,
  };
}

/** Ends the demo's own Redis clients when the app closes. */
class RedisConnectionCloser implements OnApplicationShutdown {
  constructor(private readonly close: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** The demo live-chat host: its own chat domain plus `WebhooksModule`, the way a host app wires it. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig = {}): DynamicModule {
    const { adminGuards = [], ...webhooks } = config.webhooks ?? {};
    const worker = config.role === 'worker';
    const redis = bullConnection({ redisUrl: config.redisUrl ?? DEFAULT_REDIS_URL, clusterNodes: config.redisClusterNodes, queuePrefix: config.queuePrefix });
    const accountTokens = config.accountTokens && Object.keys(config.accountTokens).length > 0 ? config.accountTokens : undefined;
    const tokens = config.adminToken || accountTokens ? [new AdminTokenGuard({ adminToken: config.adminToken, accountTokens })] : [];
    return {
      module: AppModule,
      // Last at shutdown, after the queue has closed: the cluster clients Bull leaves open.
      providers: [{ provide: RedisConnectionCloser, useFactory: () => new RedisConnectionCloser(redis.close) }],
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(config.databaseUrl ?? DEFAULT_DATABASE_URL, config.retryAttempts)),
        BullModule.forRoot(redis.options),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRoot({
          // Account tokens make the module multi-tenant: each acts inside its account.
          ...(accountTokens ? { adminScope: demoAdminScope } : {}),
          ...webhooks,
          adminGuards: [...tokens, ...adminGuards],
          ...(worker ? { processDeliveries: true, adminApi: false } : {}),
        }),
        HealthModule,
        ...(worker ? [] : [ChatModule]),
      ],
    };
  }
}

/** Same as `AppModule.forRoot(config)`. */
export function createAppModule(config: AppConfig = {}): DynamicModule {
  return AppModule.forRoot(config);
}

/** The largest JSON body the demo accepts; a larger one gets 413. */
export const JSON_BODY_LIMIT = '1mb';

/**
 * The demo's HTTP settings on an app created with `{ bodyParser: false }`
 * (by `createDemoApp`, or by a test's `createNestApplication`): JSON bodies up to 1 MB, and the
 * body parser's refusals (413, 415) answered as `{ statusCode, message, error }`.
 */
export function configureDemoApp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalFilters(new BodyParserErrorFilter(app.getHttpAdapter()));
  return app;
}

/**
 * Creates the demo app without listening. Start-up errors (database or Redis
 * unreachable, a failed migration) reject instead of ending the process.
 */
export async function createDemoApp(
  config: AppConfig = {},
  options: Omit<NestApplicationOptions, 'bodyParser'> = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(createAppModule(config), {
    abortOnError: false,
    ...options,
    bodyParser: false,
  });
  return configureDemoApp(app);
}
